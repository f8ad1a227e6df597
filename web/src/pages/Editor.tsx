// The canvas: palette (Explorer's groups, catalogue names), the DAG, and the inspector.
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, get, put, type Problem } from "../api";
import { useCatalogue, useSpaces } from "../catalogue";
import { Dag, layout } from "../components/Dag";
import { DepInspector, TaskInspector } from "../components/Inspector";
import { addJob, RunDialog } from "../components/RunDialog";
import { toast } from "../components/Toast";
import { useHistory } from "../history";
import { DEPENDENCE, emptySchema, GROUPS, newTask, normalise, QUERY_TYPE, type Algorithm, type Dep, type Schema, type Task } from "../model";
import { navigate } from "../router";
import { saveJson } from "../workflowFile";

type Selection = { task?: string; dep?: number } | null;

export function EditorPage({ id }: { id: string }) {
  const catalogue = useCatalogue();
  const spaces = useSpaces();
  const history = useHistory<Schema>(emptySchema());
  const schema = history.value;
  const [name, setName] = useState("");
  const [saved, setSaved] = useState<string>("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [selection, setSelection] = useState<Selection>(null);
  const [running, setRunning] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [layouts, setLayouts] = useState(0);

  useEffect(() => {
    get(`/workflows/${id}`).then((wf) => {
      const s = normalise(wf.schema);
      history.reset(s);
      setName(wf.name);
      setProblems(wf.problems ?? []);
      setSaved(JSON.stringify([wf.name, s]));
      setLoaded(true);
    }).catch((e) => toast(e.message, true));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  const dirty = loaded && saved !== JSON.stringify([name, schema]);
  const edit = useCallback((change: (s: Schema) => void) => {
    const next = structuredClone(history.value);
    change(next);
    history.set(next);
  }, [history]);

  const problemsByTask = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const p of problems) if (p.task) m.set(p.task, [...(m.get(p.task) ?? []), `${p.field}: ${p.reason}`]);
    return m;
  }, [problems]);

  function addComponent(type: string) {
    const space = spaces[0];
    const task = newTask(schema, type, catalogue.get(type), space?.name ?? "", space?.edgeTypes.map((e) => e.name) ?? [], "127.0.0.1:9669");
    edit((s) => { s.tasks.push(task); });
    setSelection({ task: task.id });
  }

  function connect(src: string, dst: string) {
    if (src === dst || schema.deps.some((d) => d.src === src && d.dst === dst)) return;
    const target = schema.tasks.find((t) => t.id === dst);
    if (!target) return;
    const dep: Dep = { src, dst, spec: {} };
    const declared = target.graph?.params ?? [];
    if (target.type === QUERY_TYPE) {
      dep.spec.params = declared.length ? [{ name: declared[0].name, columnIndex: 1, dataType: "string" }] : [];
    } else {
      dep.spec.input = { srcField: 1, dstField: 2 };
      dep.spec.params = [];
    }
    edit((s) => {
      s.deps.push(dep);
      const t = s.tasks.find((x) => x.id === dst)!;
      if (t.type !== QUERY_TYPE) t.datasource = structuredClone(DEPENDENCE);
    });
    setSelection({ dep: schema.deps.length });
  }

  function remove(tasks: string[], deps: number[]) {
    edit((s) => {
      const gone = new Set(tasks);
      s.deps = s.deps.filter((d, i) => !deps.includes(i) && !gone.has(d.src) && !gone.has(d.dst));
      s.tasks = s.tasks.filter((t) => !gone.has(t.id));
      if (s.canvas?.positions) for (const t of tasks) delete s.canvas.positions[t];
    });
    setSelection(null);
  }

  /** Saves the draft (Explorer saves drafts with problems too, and lists them). */
  async function save(): Promise<"saved" | "problems" | "error"> {
    try {
      const wf = await put(`/workflows/${id}`, { name, schema });
      setSaved(JSON.stringify([wf.name, schema]));
      const found: Problem[] = wf.problems ?? [];
      setProblems(found);
      if (found.length) toast(`Saved with ${found.length} problem${found.length > 1 ? "s" : ""}: see the marked components`, true);
      else toast("Saved");
      return found.length ? "problems" : "saved";
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) {
        setProblems(e.problems);
        toast(`Not saved: ${e.problems.length} problem${e.problems.length > 1 ? "s" : ""}`, true);
      } else toast((e as Error).message, true);
      return "error";
    }
  }

  function autoLayout() {
    edit((s) => { s.canvas = { ...(s.canvas ?? {}), positions: layout(s, true) }; });
    setLayouts((n) => n + 1);
  }

  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest(".cm-editor, input, textarea, select")) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); (e.shiftKey ? history.redo : history.undo)(); }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "y") { e.preventDefault(); history.redo(); }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
    };
    window.addEventListener("keydown", keys);
    return () => window.removeEventListener("keydown", keys);
  });

  const task = selection?.task ? schema.tasks.find((t) => t.id === selection.task) : undefined;
  const dep = selection?.dep !== undefined ? schema.deps[selection.dep] : undefined;
  const updateTask = (tid: string) => (update: (t: Task) => void) => edit((s) => { update(s.tasks.find((t) => t.id === tid)!); });

  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="Workflow">
        <a href="#/workflows" aria-label="Back to workflows">←</a>
        <input className="name" aria-label="Workflow name" value={name} onChange={(e) => setName(e.target.value)} />
        {dirty && <span className="muted" data-testid="unsaved">unsaved changes</span>}
        <span className="spacer" />
        <button onClick={history.undo} disabled={!history.canUndo} title="Ctrl+Z">Undo</button>
        <button onClick={history.redo} disabled={!history.canRedo} title="Ctrl+Shift+Z">Redo</button>
        <button onClick={autoLayout}>Auto-layout</button>
        <button onClick={() => saveJson(`${name}.json`, { name, schema })}>Export</button>
        <a className="button" href={`#/workflows/${id}/versions`}>History</a>
        <a className="button" href={`#/jobs?workflow=${id}`}>Jobs</a>
        <button className="primary" onClick={save} title="Ctrl+S">Save</button>
        <button className="primary" onClick={async () => { if (!dirty || (await save()) !== "error") setRunning(true); }}>Run…</button>
      </div>
      <div className="editor">
        <Palette catalogue={catalogue} onAdd={addComponent} />
        <div className="canvas" aria-label="Workflow canvas">
          <Dag
            schema={schema}
            catalogue={catalogue}
            problems={problemsByTask}
            selected={task?.id ?? (dep ? `dep-${selection!.dep}` : null)}
            editable
            fitSignal={layouts}
            onSelect={setSelection}
            onConnect={connect}
            onMove={(tid, pos) => edit((s) => { s.canvas = { ...(s.canvas ?? {}), positions: { ...(s.canvas?.positions ?? layout(s)), [tid]: pos } }; })}
            onDelete={remove}
          />
          {schema.tasks.length === 0 && <p className="muted" style={{ position: "absolute", top: "40%", width: "100%", textAlign: "center" }}>Add components from the palette; drag from a node's bottom handle to another's top to connect them.</p>}
        </div>
        <aside className="inspector" aria-label="Inspector">
          {task ? (
            <TaskInspector key={task.id} task={task} schema={schema} catalogue={catalogue} spaces={spaces} problems={problems.filter((p) => p.task === task.id)} onChange={updateTask(task.id)} onDelete={() => remove([task.id], [])} onConnect={(dst) => connect(task.id, dst)} />
          ) : dep ? (
            <DepInspector dep={dep} schema={schema} catalogue={catalogue} onChange={(u) => edit((s) => { u(s.deps[selection!.dep!]); })} onDelete={() => remove([], [selection!.dep!])} />
          ) : (
            <Summary schema={schema} problems={problems} problemsByTask={problemsByTask} onSelect={setSelection} />
          )}
        </aside>
      </div>
      {running && <RunDialog title={`Run ${name}`} schema={schema} submit={(input) => addJob(id, input)} onClose={() => setRunning(false)} onDone={(jobId) => navigate(`/jobs/${jobId}`)} />}
    </>
  );
}

/** Components to add, in Explorer's palette groups with the catalogue's names. */
function Palette({ catalogue, onAdd }: { catalogue: Map<string, Algorithm>; onAdd: (type: string) => void }) {
  const groups = useMemo(() => {
    const g = new Map<string, { type: string; name: string }[]>(GROUPS.map(([k]) => [k, []]));
    g.get("query")!.push({ type: QUERY_TYPE, name: "Query (nGQL)" });
    for (const a of catalogue.values()) {
      if (!g.has(a.group)) g.set(a.group, []);
      g.get(a.group)!.push({ type: a.type, name: a.name });
    }
    return g;
  }, [catalogue]);
  const labelOf = new Map(GROUPS);
  return (
    <nav className="palette" aria-label="Components">
      <h2>Components</h2>
      {[...groups].filter(([, items]) => items.length).map(([group, items]) => (
        <details key={group} open>
          <summary>{labelOf.get(group) ?? group}</summary>
          {items.map((c) => <button key={c.type} onClick={() => onAdd(c.type)} title={`Add ${c.name}`} data-type={c.type}>{c.name}</button>)}
        </details>
      ))}
    </nav>
  );
}

/** The inspector with nothing selected: counts, workflow-level problems, every task to select by keyboard. */
function Summary({ schema, problems, problemsByTask, onSelect }: { schema: Schema; problems: Problem[]; problemsByTask: Map<string, string[]>; onSelect: (sel: Selection) => void }) {
  return (
    <div>
      <h2>Workflow</h2>
      <p>{schema.tasks.length} components, {schema.deps.length} dependencies.</p>
      {problems.filter((p) => !p.task).map((p, i) => <p key={i} className="error">{p.field}: {p.reason}</p>)}
      <p className="muted">Select a component or a dependency to edit it. Keys: Ctrl+Z undo, Ctrl+Shift+Z redo, Ctrl+S save, Delete removes the selection.</p>
      <h3>Tasks</h3>
      <ul>{schema.tasks.map((t) => <li key={t.id}><button onClick={() => onSelect({ task: t.id })}>{t.name || t.id}</button>{problemsByTask.has(t.id) && <span className="error"> ⚠</span>}</li>)}</ul>
      <h3>Dependencies</h3>
      <ul>{schema.deps.map((d, i) => <li key={i}><button onClick={() => onSelect({ dep: i })}>{d.src} → {d.dst}</button></li>)}</ul>
    </div>
  );
}
