// Explorer's workflow schema as the console edits it, and what can be derived from it.

export interface Column { name: string; dataType?: string }
export interface GraphParam { name: string; value?: any; defaultValue?: any; default?: any }
export interface Endpoint { type: string; spec: Record<string, any> }
export interface Task {
  id: string;
  name?: string;
  type: string;
  spec: Record<string, any>;
  graph?: { params?: GraphParam[]; input?: Column[]; output?: Column[] };
  datasource?: Endpoint;
  datasink?: Endpoint;
  [key: string]: any;
}
export interface DepParam { name: string; columnIndex: number; dataType?: string }
export interface Dep { src: string; dst: string; spec: { input?: { srcField: number; dstField: number } | null; params?: DepParam[] } }
export interface Schema { tasks: Task[]; deps: Dep[]; datasources?: any[]; canvas?: { positions?: Record<string, { x: number; y: number }> }; [key: string]: any }

export interface Algorithm {
  type: string;
  name: string;
  group: string;
  needsWeight: boolean;
  outputColumns: string[] | null;
  parameters: { properties: Record<string, any>; required?: string[]; description?: string };
}

export const QUERY_TYPE = "nebula_ngql";
/** Explorer's palette groups, in its order. */
export const GROUPS: [string, string][] = [
  ["query", "Query"],
  ["path", "Path"],
  ["nodeImportance", "Node importance"],
  ["communityDiscovery", "Community"],
  ["graphFeature", "Graph feature"],
  ["clustering", "Clustering"],
  ["similarity", "Similarity"],
];
export const DEPENDENCE: Endpoint = { type: "hdfs", spec: { type: "dependence" } };
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function emptySchema(): Schema {
  return { tasks: [], deps: [] };
}

export function normalise(raw: any): Schema {
  const schema: Schema = typeof raw === "string" ? JSON.parse(raw) : structuredClone(raw ?? {});
  schema.tasks = Array.isArray(schema.tasks) ? schema.tasks : [];
  schema.deps = Array.isArray(schema.deps) ? schema.deps : [];
  for (const t of schema.tasks) t.spec = t.spec ?? {};
  for (const d of schema.deps) d.spec = d.spec ?? {};
  return schema;
}

/** The result columns a task hands downstream, by name (1-based index = position + 1). */
export function outputColumns(task: Task, catalogue: Map<string, Algorithm>): string[] {
  const declared = task.graph?.output?.map((c) => c.name).filter(Boolean) ?? [];
  if (declared.length) return declared;
  const algo = catalogue.get(task.type);
  if (algo?.outputColumns) return algo.outputColumns;
  if (task.type === QUERY_TYPE) return queryColumns(String(task.spec.ngql ?? ""));
  return ["vid", "value"];
}

/** Column names a query RETURNs or YIELDs (aliases when given), a best guess for the pickers. */
export function queryColumns(ngql: string): string[] {
  const m = /\b(?:RETURN|YIELD)\b([\s\S]*?)(?:\bORDER\b|\bLIMIT\b|\bSKIP\b|;|$)/i.exec(ngql);
  if (!m) return [];
  return splitTopLevel(m[1]).map((part, i) => {
    const alias = /\bAS\s+([A-Za-z_]\w*)\s*$/i.exec(part);
    return alias ? alias[1] : part.trim() || `col${i + 1}`;
  });
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    if (ch === ")" || ch === "]" || ch === "}") depth--;
    if (ch === "," && depth === 0) { out.push(current); current = ""; } else current += ch;
  }
  if (current.trim()) out.push(current);
  return out;
}

export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

export interface OpenParam { task: Task; name: string; default: string; fromDep: boolean; kind: "text" | "number" | "boolean" }

/** What a placeholder holds: the JSON Schema type of the algorithm parameter whose whole value it is. */
function kindOf(task: Task, name: string, catalogue: Map<string, Algorithm>): OpenParam["kind"] {
  const props = catalogue.get(task.type)?.parameters.properties ?? {};
  for (const [field, value] of Object.entries(task.spec)) {
    if (value !== `\${${name}}` || !props[field]) continue;
    const types: string[] = [props[field].type].flat();
    if (types.length === 1 && (types[0] === "integer" || types[0] === "number")) return "number";
    if (types.length === 1 && types[0] === "boolean") return "boolean";
  }
  return "text";
}

/** The ${params} a job input can fill: declared query params and placeholders in algorithm specs. */
export function openParams(schema: Schema, catalogue: Map<string, Algorithm> = new Map()): OpenParam[] {
  const fed = new Set(schema.deps.flatMap((d) => (d.spec.params ?? []).map((p) => `${d.dst}\u0000${p.name}`)));
  const out: OpenParam[] = [];
  for (const task of schema.tasks) {
    const declared = new Map((task.graph?.params ?? []).map((p) => [p.name, p.value ?? p.defaultValue ?? p.default]));
    const names = new Set<string>(declared.keys());
    for (const value of Object.values(task.spec)) if (typeof value === "string") placeholders(value).forEach((n) => names.add(n));
    for (const name of names) {
      const fromDep = fed.has(`${task.id}\u0000${name}`);
      if (fromDep) continue;
      const d = declared.get(name);
      out.push({ task, name, default: d === undefined || d === null ? "" : String(d), fromDep, kind: kindOf(task, name, catalogue) });
    }
  }
  return out;
}

export function newTaskId(schema: Schema, type: string): string {
  const taken = new Set(schema.tasks.map((t) => t.id));
  for (let n = schema.tasks.length + 1; ; n++) {
    const id = `${type}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A fresh task of ``type`` with the catalogue's defaults, reading ``space`` when it needs a graph. */
export function newTask(schema: Schema, type: string, algo: Algorithm | undefined, space: string, edges: string[], graphd: string): Task {
  const id = newTaskId(schema, type);
  const datasource: Endpoint = { type: "nebula", spec: { space, graphd } };
  if (type === QUERY_TYPE) {
    return { id, name: "Query", type, spec: { ngql: "MATCH (v)-[e]->(v2) RETURN id(v) AS src, id(v2) AS dst" }, graph: { params: [], output: [{ name: "src", dataType: "string" }, { name: "dst", dataType: "string" }] }, datasource };
  }
  const spec: Record<string, any> = {};
  for (const [name, prop] of Object.entries(algo?.parameters.properties ?? {})) {
    if (prop.default !== undefined) spec[name] = String(prop.default);
  }
  spec.nebula_input_edges = edges.join(",");
  spec.nebula_input_edges_props = edges.map(() => "").join(",");
  return { id, name: algo?.name ?? type, type, spec, graph: { params: [], input: [], output: [] }, datasource };
}

export function depLabel(dep: Dep, schema: Schema, catalogue: Map<string, Algorithm>): string {
  const src = schema.tasks.find((t) => t.id === dep.src);
  const cols = src ? outputColumns(src, catalogue) : [];
  const col = (i: number) => cols[i - 1] ?? `#${i}`;
  const parts: string[] = [];
  if (dep.spec.input) parts.push(`${col(dep.spec.input.srcField)}→src, ${col(dep.spec.input.dstField)}→dst`);
  for (const p of dep.spec.params ?? []) parts.push(`${col(p.columnIndex)}→\${${p.name}}`);
  return parts.join("; ");
}
