// A workflow's saved versions: pick any two to compare side by side, restore an old one.
import { useEffect, useMemo, useState } from "react";
import { formatTime, get, post } from "../api";
import { toast } from "../components/Toast";

interface Version { version: number; name: string; createTime: number; current: boolean }

/** Line diff (longest common subsequence) of two texts, for the side-by-side view. */
function diffLines(a: string[], b: string[]): { left: [string, boolean][]; right: [string, boolean][] } {
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const left: [string, boolean][] = [], right: [string, boolean][] = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { left.push([a[i++], false]); right.push([b[j++], false]); }
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) { left.push(["", false]); right.push([b[j++], true]); }
    else { left.push([a[i++], true]); right.push(["", false]); }
  }
  return { left, right };
}

const pretty = (v: any) => (v ? JSON.stringify({ name: v.name, schema: v.schema }, null, 2).split("\n") : []);

export function VersionsPage({ id }: { id: string }) {
  const [versions, setVersions] = useState<Version[]>([]);
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  const [docs, setDocs] = useState<Record<number, any>>({});

  const load = () => get(`/workflows/${id}/versions`).then((d) => {
    setVersions(d.items);
    if (d.items.length) { setB(d.items[0].version); setA(d.items[Math.min(1, d.items.length - 1)].version); }
  });
  useEffect(() => { load().catch((e) => toast(e.message, true)); /* eslint-disable-next-line react-hooks/exhaustive-deps */ }, [id]);
  useEffect(() => {
    for (const v of [a, b]) if (v !== null && !docs[v]) get(`/workflows/${id}/versions/${v}`).then((d) => setDocs((x) => ({ ...x, [v]: d })));
  }, [a, b, id, docs]);

  const diff = useMemo(() => (a !== null && b !== null && docs[a] && docs[b] ? diffLines(pretty(docs[a]), pretty(docs[b])) : null), [a, b, docs]);

  async function restore(version: number) {
    try {
      const wf = await post(`/workflows/${id}/versions/${version}/restore`, {});
      toast(`Restored version ${version} as version ${wf.version}`);
      await load();
    } catch (e) { toast((e as Error).message, true); }
  }

  const picker = (label: string, value: number | null, set: (v: number) => void) => (
    <label>{label} <select value={value ?? ""} onChange={(e) => set(Number(e.target.value))}>
      {versions.map((v) => <option key={v.version} value={v.version}>v{v.version} · {v.name}{v.current ? " (current)" : ""}</option>)}
    </select></label>
  );

  return (
    <section>
      <h1>History of <a href={`#/workflows/${id}`}>workflow {id}</a></h1>
      <table className="grid">
        <thead><tr><th>Version</th><th>Name</th><th>Saved</th><th></th></tr></thead>
        <tbody>{versions.map((v) => (
          <tr key={v.version} data-testid={`version-${v.version}`}>
            <td>v{v.version}{v.current && <span className="badge status-2" style={{ marginLeft: 6 }}>current</span>}</td>
            <td>{v.name}</td>
            <td>{formatTime(v.createTime)}</td>
            <td className="row">
              <button onClick={() => setA(v.version)}>Compare as left</button>
              <button onClick={() => setB(v.version)}>Compare as right</button>
              <button disabled={v.current} onClick={() => restore(v.version)}>Restore</button>
            </td>
          </tr>
        ))}</tbody>
      </table>
      <h2>Compare</h2>
      <div className="row" style={{ marginBottom: "0.5rem" }}>{picker("Left", a, setA)}{picker("Right", b, setB)}</div>
      {diff && (
        <div className="diff" aria-label="Side-by-side diff">
          <pre aria-label={`version ${a}`}>{diff.left.map(([t, changed], i) => <span key={i} className={changed ? "del" : undefined}>{t || " "}{"\n"}</span>)}</pre>
          <pre aria-label={`version ${b}`}>{diff.right.map(([t, changed], i) => <span key={i} className={changed ? "add" : undefined}>{t || " "}{"\n"}</span>)}</pre>
        </div>
      )}
    </section>
  );
}
