// A task's result: a paged table sortable by any column over the whole result, CSV/Parquet
// downloads, a chart chosen by the result's shape, and a neighbourhood graph of the top vertices.
import { lazy, Suspense, useEffect, useState } from "react";
import { download, get, qs } from "../api";
import type { TaskProgress } from "../jobState";
import type { Schema } from "../model";
import { Pager } from "./Pager";

const ResultChart = lazy(() => import("./ResultChart"));
const GraphView = lazy(() => import("./GraphView"));
const SIZE = 25;

export type Shape = { kind: "score" | "community" | "depth"; column: string } | null;

const COMMUNITY = /wcc|scc|lpa|cdlp|hanp|louvain|infomap|community|component|kcore|label/i;

/** Which chart fits: scores (floats), community/component ids, or BFS/SSSP depths. */
export function shapeOf(type: string, columns: string[], types: string[]): Shape {
  if (columns.length < 2) return null;
  const column = columns[columns.length - 1];
  const t = (types[types.length - 1] ?? "").toLowerCase();
  if (/depth|dist/i.test(column)) return { kind: "depth", column };
  if (COMMUNITY.test(type) && !/float|double/.test(t)) return { kind: "community", column };
  if (/int|float|double|number/.test(t)) return { kind: "score", column };
  return null;
}

function spaceOf(schema: Schema | null, taskId: string): string | null {
  if (!schema) return null;
  const seen = new Set<string>();
  let id: string | undefined = taskId;
  while (id && !seen.has(id)) {
    seen.add(id);
    const task = schema.tasks.find((t) => t.id === id);
    if (task?.datasource?.type === "nebula" && task.datasource.spec.space) return task.datasource.spec.space;
    id = schema.deps.find((d) => d.dst === id)?.src;
  }
  return schema.tasks.find((t) => t.datasource?.type === "nebula")?.datasource?.spec.space ?? null;
}

export default function Results({ jobId, task, schema }: { jobId: string; task: TaskProgress; schema: Schema | null }) {
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<{ column: string; desc: boolean } | null>(null);
  const [data, setData] = useState<{ columns: string[]; types: string[]; total: number; items: any[][] } | null>(null);
  const [tab, setTab] = useState<"table" | "chart" | "graph">("table");
  const base = `/jobs/${jobId}/tasks/${task.id}`;
  const type = schema?.tasks.find((t) => t.id === task.taskId)?.type ?? "";

  useEffect(() => {
    const offset = (page - 1) * SIZE;
    const url = sort ? `${base}/result_sorted${qs({ sort: sort.column, order: sort.desc ? "desc" : "asc", offset, limit: SIZE })}` : `${base}/result${qs({ offset, limit: SIZE })}`;
    get(url).then(setData).catch(() => setData(null));
  }, [base, page, sort]);

  const shape = data ? shapeOf(type, data.columns, data.types) : null;
  const space = spaceOf(schema, task.taskId);
  const toggle = (column: string) => { setSort((s) => (s?.column === column ? { column, desc: !s.desc } : { column, desc: true })); setPage(1); };

  return (
    <div className="panel">
      <div className="row">
        <div className="tabs" role="tablist" aria-label="Result views" style={{ marginBottom: 0 }}>
          <button role="tab" aria-selected={tab === "table"} onClick={() => setTab("table")}>Table</button>
          <button role="tab" aria-selected={tab === "chart"} onClick={() => setTab("chart")} disabled={!shape}>Chart</button>
          <button role="tab" aria-selected={tab === "graph"} onClick={() => setTab("graph")} disabled={!shape || !space}>Graph</button>
        </div>
        <span className="spacer" />
        <span className="muted">{data?.total ?? 0} rows</span>
        <button onClick={() => download(`${base}/result?format=csv`)}>Download CSV</button>
        <button onClick={() => download(`${base}/result?format=parquet`)}>Download Parquet</button>
      </div>
      {tab === "table" && data && (
        <>
          <div style={{ overflowX: "auto", marginTop: "0.5rem" }}>
            <table className="grid" data-testid="result-table">
              <thead><tr>{data.columns.map((c) => (
                <th key={c} aria-sort={sort?.column === c ? (sort.desc ? "descending" : "ascending") : "none"}>
                  <button onClick={() => toggle(c)}>{c} {sort?.column === c ? (sort.desc ? "▼" : "▲") : ""}</button>
                </th>
              ))}</tr></thead>
              <tbody>{data.items.map((row, i) => <tr key={i}>{row.map((v, j) => <td key={j} className={typeof v === "number" ? "num" : undefined}>{String(v)}</td>)}</tr>)}</tbody>
            </table>
          </div>
          <Pager page={page} size={SIZE} total={data.total} onPage={setPage} />
        </>
      )}
      <Suspense fallback={<p>Loading…</p>}>
        {tab === "chart" && shape && <ResultChart base={base} shape={shape} taskId={task.id} jobId={jobId} />}
        {tab === "graph" && shape && space && <GraphView base={base} shape={shape} space={space} />}
      </Suspense>
    </div>
  );
}
