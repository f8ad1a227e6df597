import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, del, formatTime, get, post, put, qs } from "../api";
import { Pager } from "../components/Pager";
import { toast } from "../components/Toast";
import { navigate } from "../router";
import { parseWorkflowFile, saveJson } from "../workflowFile";

interface Item { id: number; name: string; createTime: number; updateTime: number }
const SIZE = 10;

export function WorkflowsPage() {
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Item[]; total: number }>({ items: [], total: 0 });
  const [renaming, setRenaming] = useState<Item | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const latest = useRef(0);
  const load = useCallback(async () => {
    const ticket = ++latest.current;  // typing sends a request per key: only the newest answer counts
    const d = await get(`/workflows${qs({ filter: search, page, pageSize: SIZE })}`);
    if (ticket === latest.current) setData({ items: d.items, total: d.total });
  }, [search, page]);
  useEffect(() => { load().catch((e) => toast(e.message, true)); }, [load]);

  async function create() {
    const name = prompt("Name of the new workflow", "workflow");
    if (name === null) return;
    const { id } = await post("/workflows", { name: name || undefined, schema: { tasks: [], deps: [] } });
    navigate(`/workflows/${id}`);
  }
  async function act(what: () => Promise<unknown>, done: string) {
    try { await what(); toast(done); await load(); } catch (e) { toast((e as Error).message, true); }
  }
  async function exportOne(item: Item) {
    const wf = await get(`/workflows/${item.id}`);
    saveJson(`${item.name}.json`, { name: wf.name, schema: wf.schema });
  }
  async function importFile(file: File) {
    try {
      const wf = parseWorkflowFile(await file.text(), file.name.replace(/\.json$/i, ""));
      const { id } = await post("/workflows", wf);
      toast(`Imported ${wf.name}`);
      navigate(`/workflows/${id}`);
    } catch (e) {
      const problems = e instanceof ApiError ? e.problems.map((p) => `${p.task ?? ""} ${p.field}: ${p.reason}`).join("; ") : "";
      toast(`Import refused: ${(e as Error).message}${problems ? ` (${problems})` : ""}`, true);
    }
  }

  return (
    <section>
      <h1>Workflows</h1>
      <div className="row" style={{ marginBottom: "0.6rem" }}>
        <input type="search" placeholder="Search by name" aria-label="Search workflows" value={search} onChange={(e) => { setSearch(e.target.value); setPage(1); }} />
        <span className="spacer" />
        <button className="primary" onClick={() => create().catch((e) => toast(e.message, true))}>New workflow</button>
        <button onClick={() => fileInput.current?.click()}>Import JSON…</button>
        <input ref={fileInput} type="file" accept="application/json,.json" hidden aria-label="Workflow JSON file" data-testid="import-file" onChange={(e) => { const f = e.target.files?.[0]; if (f) importFile(f); e.target.value = ""; }} />
      </div>
      <table className="grid">
        <thead><tr><th>Name</th><th>ID</th><th>Created</th><th>Updated</th><th>Actions</th></tr></thead>
        <tbody>
          {data.items.map((w) => (
            <tr key={w.id}>
              <td><a href={`#/workflows/${w.id}`}>{w.name}</a></td>
              <td className="mono">{w.id}</td>
              <td>{formatTime(w.createTime)}</td>
              <td>{formatTime(w.updateTime)}</td>
              <td className="row">
                <button onClick={() => setRenaming(w)}>Rename</button>
                <button onClick={() => act(() => post(`/workflows/${w.id}/clone`, {}), `Cloned ${w.name}`)}>Clone</button>
                <button onClick={() => exportOne(w)}>Export</button>
                <a className="button" href={`#/workflows/${w.id}/versions`}>History</a>
                <a className="button" href={`#/jobs?workflow=${w.id}`}>Jobs</a>
                <button className="danger" onClick={() => confirm(`Delete ${w.name}?`) && act(() => del(`/workflows/${w.id}`), `Deleted ${w.name}`)}>Delete</button>
              </td>
            </tr>
          ))}
          {data.items.length === 0 && <tr><td colSpan={5} className="muted">No workflows{search ? ` named like “${search}”` : ""}.</td></tr>}
        </tbody>
      </table>
      <Pager page={page} size={SIZE} total={data.total} onPage={setPage} />
      {renaming && <RenameDialog item={renaming} onClose={() => setRenaming(null)} onSave={(name) => act(() => put(`/workflows/${renaming.id}`, { name }), "Renamed").then(() => setRenaming(null))} />}
    </section>
  );
}

function RenameDialog({ item, onClose, onSave }: { item: Item; onClose: () => void; onSave: (name: string) => void }) {
  const [name, setName] = useState(item.name);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => { ref.current?.showModal(); }, []);
  return (
    <dialog ref={ref} onClose={onClose} aria-label="Rename workflow">
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); onSave(name); }}>
        <h2>Rename workflow</h2>
        <label className="field"><span>Name</span><input value={name} onChange={(e) => setName(e.target.value)} autoFocus required /></label>
        <div className="row"><button className="primary" type="submit">Save</button><button type="button" onClick={onClose}>Cancel</button></div>
      </form>
    </dialog>
  );
}
