// Record which sources the committed bundle was built from: a SHA-256 over the front-end sources
// and the lockfile. tests/console/test_bundle.py recomputes it, so CI fails when the sources
// changed without `make web`. (`make web-check` goes further: it rebuilds and compares the bytes.)
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const web = new URL("..", import.meta.url).pathname;
const out = new URL("../../src/graphmill/web/static/SOURCES.sha256", import.meta.url).pathname;
const roots = ["index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts", "scripts", "src"];

function files(path) {
  if (statSync(path).isDirectory()) return readdirSync(path).flatMap((name) => files(join(path, name)));
  return [path];
}

const hash = createHash("sha256");
for (const path of roots.flatMap((r) => files(join(web, r))).map((p) => relative(web, p).split("\\").join("/")).sort()) {
  hash.update(path + "\0");
  hash.update(readFileSync(join(web, path)));
  hash.update("\0");
}
writeFileSync(out, hash.digest("hex") + "\n");
