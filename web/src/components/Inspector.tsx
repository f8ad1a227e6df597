// The right-hand panel of the canvas: the selected task's form, or the selected dep's column mapping.
import { lazy, Suspense } from "react";
import { DEPENDENCE, outputColumns, QUERY_TYPE, type Algorithm, type Dep, type Endpoint, type Schema, type Task } from "../model";
import { SchemaForm } from "./SchemaForm";

const NgqlEditor = lazy(() => import("./NgqlEditor"));

export interface Space { name: string; edgeTypes: { name: string; count: number; props: { name: string; type: string }[] }[]; tags: { name: string }[] }

interface TaskProps {
  task: Task;
  schema: Schema;
  catalogue: Map<string, Algorithm>;
  spaces: Space[];
  problems: { field: string; reason: string }[];
  onChange: (update: (t: Task) => void) => void;
  onDelete: () => void;
  onConnect: (dst: string) => void;
}

export function TaskInspector({ task, schema, catalogue, spaces, problems, onChange, onDelete, onConnect }: TaskProps) {
  const algo = catalogue.get(task.type);
  const byField = new Map(problems.map((p) => [p.field, p.reason]));
  const other = problems.filter((p) => !(p.field.startsWith("spec.") && algo?.parameters.properties[p.field.slice(5)]) && p.field !== "spec.ngql");
  const fedByDep = schema.deps.some((d) => d.dst === task.id && d.spec.input);
  return (
    <div>
      <h2>{algo?.name ?? (task.type === QUERY_TYPE ? "Query" : task.type)}</h2>
      <p className="muted mono">{task.id}</p>
      <label className="field"><span>Name</span><input value={task.name ?? ""} onChange={(e) => onChange((t) => { t.name = e.target.value; })} /></label>
      {other.map((p, i) => <p key={i} className="error" role="alert">{p.field}: {p.reason}</p>)}
      {task.type === QUERY_TYPE ? (
        <QueryFields task={task} problems={problems.filter((p) => p.field === "spec.ngql").map((p) => p.reason)} onChange={onChange} />
      ) : algo ? (
        <>
          <h3>Parameters</h3>
          <SchemaForm schema={algo.parameters} values={task.spec} problems={byField} idPrefix={`p-${task.id}`} onChange={(name, value) => onChange((t) => { if (value === undefined) delete t.spec[name]; else t.spec[name] = value; })} />
        </>
      ) : <p className="error">Unknown component type {task.type}.</p>}
      <h3>Data source</h3>
      {fedByDep ? <p className="muted">Reads the upstream result (dependence).</p> : <SourcePicker task={task} spaces={spaces} query={task.type === QUERY_TYPE} onChange={onChange} />}
      {task.type !== QUERY_TYPE && <><h3>Data sink</h3><SinkPicker sink={task.datasink} onChange={(sink) => onChange((t) => { if (sink) t.datasink = sink; else delete t.datasink; })} /></>}
      <ConnectTo task={task} schema={schema} onConnect={onConnect} />
      <p><button className="danger" onClick={onDelete}>Delete component</button></p>
    </div>
  );
}

/** The keyboard way to draw a dependency (the canvas's drag does the same). */
function ConnectTo({ task, schema, onConnect }: { task: Task; schema: Schema; onConnect: (dst: string) => void }) {
  const others = schema.tasks.filter((t) => t.id !== task.id && !schema.deps.some((d) => d.src === task.id && d.dst === t.id));
  return (
    <form className="row field" onSubmit={(e) => { e.preventDefault(); const v = (e.currentTarget.elements.namedItem("dst") as HTMLSelectElement).value; if (v) onConnect(v); }}>
      <label>Feeds <select name="dst" aria-label="Downstream component">{others.map((t) => <option key={t.id} value={t.id}>{t.name || t.id}</option>)}</select></label>
      <button type="submit" disabled={!others.length}>Connect</button>
    </form>
  );
}

function QueryFields({ task, problems, onChange }: { task: Task; problems: string[]; onChange: TaskProps["onChange"] }) {
  const params = task.graph?.params ?? [];
  const output = task.graph?.output ?? [];
  return (
    <>
      <h3>nGQL</h3>
      <Suspense fallback={<textarea readOnly value={String(task.spec.ngql ?? "")} />}>
        <NgqlEditor label="nGQL query" value={String(task.spec.ngql ?? "")} problems={problems} onChange={(v) => onChange((t) => { t.spec.ngql = v; })} />
      </Suspense>
      {problems.map((p, i) => <p key={i} className="error" role="alert">{p}</p>)}
      <h3>Parameters <span className="muted">(${"{name}"} in the query)</span></h3>
      {params.map((p, i) => (
        <div className="row field" key={i}>
          <input aria-label={`parameter ${i + 1} name`} value={p.name} onChange={(e) => onChange((t) => { t.graph!.params![i].name = e.target.value; })} />
          <input aria-label={`parameter ${p.name} default`} placeholder="default" value={p.value ?? ""} onChange={(e) => onChange((t) => { t.graph!.params![i].value = e.target.value || undefined; })} />
          <button aria-label={`remove parameter ${p.name}`} onClick={() => onChange((t) => { t.graph!.params!.splice(i, 1); })}>✕</button>
        </div>
      ))}
      <button onClick={() => onChange((t) => { t.graph = t.graph ?? {}; t.graph.params = [...(t.graph.params ?? []), { name: `param${params.length + 1}` }]; })}>Add parameter</button>
      <h3>Output columns</h3>
      <input aria-label="output columns" style={{ width: "100%" }} value={output.map((c) => c.name).join(", ")} onChange={(e) => onChange((t) => { t.graph = t.graph ?? {}; t.graph.output = e.target.value.split(",").map((s) => s.trim()).filter(Boolean).map((name) => ({ name, dataType: "string" })); })} />
    </>
  );
}

function SourcePicker({ task, spaces, query, onChange }: { task: Task; spaces: Space[]; query: boolean; onChange: TaskProps["onChange"] }) {
  const ds: Endpoint = task.datasource ?? { type: "nebula", spec: {} };
  const kind = ds.type === "hdfs" && ds.spec.type === "dependence" ? "dependence" : ds.type;
  const space = spaces.find((s) => s.name === ds.spec.space);
  const chosen = String(task.spec.nebula_input_edges ?? "").split(",").filter(Boolean);
  const setEdges = (names: string[]) => onChange((t) => {
    t.spec.nebula_input_edges = names.join(",");
    const props = String(t.spec.nebula_input_edges_props ?? "").split(",");
    t.spec.nebula_input_edges_props = names.map((_, i) => props[i] ?? "").join(",");
  });
  return (
    <div>
      <label className="field"><span>Kind</span>
        <select value={kind} onChange={(e) => onChange((t) => {
          const v = e.target.value;
          t.datasource = v === "dependence" ? structuredClone(DEPENDENCE) : v === "nebula" ? { type: "nebula", spec: { space: spaces[0]?.name ?? "" } } : { type: v, spec: v === "local" ? { path: "" } : { url: "" } };
        })}>
          <option value="nebula">Graph space</option>
          {!query && <option value="local">Local file</option>}
          {!query && <option value="hdfs">HDFS / S3 URL</option>}
          {!query && <option value="dependence">Upstream result</option>}
        </select>
      </label>
      {kind === "nebula" && (
        <>
          <label className="field"><span>Space</span>
            <select aria-label="Space" value={ds.spec.space ?? ""} onChange={(e) => onChange((t) => { t.datasource = { type: "nebula", spec: { ...ds.spec, space: e.target.value } }; })}>
              {!space && <option value={ds.spec.space ?? ""}>{ds.spec.space || "(choose)"}</option>}
              {spaces.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
            </select>
          </label>
          {!query && space && (
            <fieldset className="field"><legend className="muted">Edge types</legend>
              {space.edgeTypes.map((e) => (
                <label key={e.name}><input type="checkbox" checked={chosen.includes(e.name)} onChange={(ev) => setEdges(ev.target.checked ? [...chosen, e.name] : chosen.filter((n) => n !== e.name))} /> {e.name} <span className="muted">({e.count} edges)</span></label>
              ))}
            </fieldset>
          )}
        </>
      )}
      {kind === "local" && <label className="field"><span>Path under the files root (CSV src,dst[,weight] or Parquet)</span><input value={ds.spec.path ?? ""} onChange={(e) => onChange((t) => { t.datasource = { type: "local", spec: { path: e.target.value } }; })} /></label>}
      {kind === "hdfs" && <label className="field"><span>URL (hdfs://…, s3://…)</span><input value={ds.spec.url ?? ""} onChange={(e) => onChange((t) => { t.datasource = { type: "hdfs", spec: { url: e.target.value } }; })} /></label>}
    </div>
  );
}

function SinkPicker({ sink, onChange }: { sink?: Endpoint; onChange: (s: Endpoint | undefined) => void }) {
  const kind = sink?.type ?? "";
  return (
    <div>
      <label className="field"><span>Kind</span>
        <select value={kind} onChange={(e) => {
          const v = e.target.value;
          onChange(v === "" ? undefined : v === "nebula" ? { type: "nebula", spec: { tag: "", prop: "value", type: "double", mode: "insert" } } : { type: "hdfs", spec: { url: "${files}/analytics/${job_id}/tasks/${task_id}/" } });
        }}>
          <option value="">Local result only</option>
          <option value="hdfs">HDFS / S3</option>
          <option value="nebula">Write back to the graph (tag property)</option>
        </select>
      </label>
      {sink?.type === "hdfs" && <label className="field"><span>URL</span><input value={sink.spec.url ?? ""} onChange={(e) => onChange({ type: "hdfs", spec: { url: e.target.value } })} /></label>}
      {sink?.type === "nebula" && (["tag", "prop", "type", "mode"] as const).map((k) => (
        <label className="field" key={k}><span>{k}</span><input value={sink.spec[k] ?? ""} onChange={(e) => onChange({ type: "nebula", spec: { ...sink.spec, [k]: e.target.value } })} /></label>
      ))}
    </div>
  );
}

interface DepProps { dep: Dep; schema: Schema; catalogue: Map<string, Algorithm>; onChange: (update: (d: Dep) => void) => void; onDelete: () => void }

export function DepInspector({ dep, schema, catalogue, onChange, onDelete }: DepProps) {
  const src = schema.tasks.find((t) => t.id === dep.src);
  const dst = schema.tasks.find((t) => t.id === dep.dst);
  const cols = src ? outputColumns(src, catalogue) : [];
  const declared = dst?.graph?.params?.map((p) => p.name) ?? [];
  const colSelect = (label: string, value: number, set: (n: number) => void) => (
    <label className="field"><span>{label}</span>
      <select value={value} onChange={(e) => set(Number(e.target.value))}>
        {cols.map((c, i) => <option key={i} value={i + 1}>{i + 1}: {c}</option>)}
        {value > cols.length && <option value={value}>{value}: ?</option>}
      </select>
    </label>
  );
  return (
    <div>
      <h2>Dependency</h2>
      <p><span className="mono">{src?.name ?? dep.src}</span> → <span className="mono">{dst?.name ?? dep.dst}</span></p>
      <label><input type="checkbox" checked={!!dep.spec.input} onChange={(e) => onChange((d) => { d.spec.input = e.target.checked ? { srcField: 1, dstField: Math.min(2, Math.max(1, cols.length)) } : undefined; })} /> Upstream columns are the graph's edges</label>
      {dep.spec.input && (
        <>
          {colSelect("Source column (src)", dep.spec.input.srcField, (n) => onChange((d) => { d.spec.input!.srcField = n; }))}
          {colSelect("Destination column (dst)", dep.spec.input.dstField, (n) => onChange((d) => { d.spec.input!.dstField = n; }))}
        </>
      )}
      <h3>Parameters from upstream columns</h3>
      {(dep.spec.params ?? []).map((p, i) => (
        <div className="row field" key={i}>
          <select aria-label="parameter" value={p.name} onChange={(e) => onChange((d) => { d.spec.params![i].name = e.target.value; })}>
            {[...new Set([...declared, p.name])].map((n) => <option key={n} value={n}>${"{"}{n}{"}"}</option>)}
          </select>
          ←
          <select aria-label="column" value={p.columnIndex} onChange={(e) => onChange((d) => { d.spec.params![i].columnIndex = Number(e.target.value); })}>
            {cols.map((c, j) => <option key={j} value={j + 1}>{j + 1}: {c}</option>)}
          </select>
          <button aria-label="remove mapping" onClick={() => onChange((d) => { d.spec.params!.splice(i, 1); })}>✕</button>
        </div>
      ))}
      <button disabled={!declared.length} onClick={() => onChange((d) => { d.spec.params = [...(d.spec.params ?? []), { name: declared[0], columnIndex: 1, dataType: "string" }]; })}>Map a parameter</button>
      {!declared.length && <p className="muted">The downstream component declares no parameters.</p>}
      <p><button className="danger" onClick={onDelete}>Delete dependency</button></p>
    </div>
  );
}
