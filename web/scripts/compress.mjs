// Pre-compress the built assets so graphmill serves gzip without compressing at run time.
// gzipSync writes no file name and a zero mtime, so the .gz files are reproducible.
import { gzipSync } from "node:zlib";
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../../src/graphmill/web/static/", import.meta.url).pathname;

function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(js|css|html|svg)$/.test(name)) {
      writeFileSync(path + ".gz", gzipSync(readFileSync(path), { level: 9 }));
    }
  }
}
walk(root);
