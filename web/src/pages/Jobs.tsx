// All jobs, with filters (status, workflow, time range) and paging; a change of any job's status
// arrives on one SSE stream (/job_events) and refreshes the page at most a few times a second.
import { useCallback, useEffect, useRef, useState } from "react";
import { formatDuration, formatTime, get, qs, STATUS, subscribe } from "../api";
import { Pager } from "../components/Pager";
import { toast } from "../components/Toast";
import { navigate, query } from "../router";

interface JobItem { id: number; name: string; workflowId: string; workflowName: string; status: number; runBeginTime: number; runEndTime: number; createTime: number }
const SIZE = 15;

function toMs(local: string): number | undefined {
  return local ? new Date(local).getTime() : undefined;
}

export function JobsPage({ path }: { path: string }) {
  const q = query(path);
  const workflow = q.get("workflow") ?? "";
  const [status, setStatus] = useState(q.get("status") ?? "");
  const [name, setName] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [page, setPage] = useState(1);
  const [workflows, setWorkflows] = useState<{ id: number; name: string }[]>([]);
  useEffect(() => { get(`/workflows${qs({ page: 1, pageSize: 1000 })}`).then((d) => setWorkflows(d.items)).catch(() => undefined); }, []);
  const [data, setData] = useState<{ items: JobItem[]; total: number }>({ items: [], total: 0 });

  const latest = useRef(0);
  const load = useCallback(async () => {
    const ticket = ++latest.current;  // only the newest answer counts (filters change per key)
    const filter = JSON.stringify({ status: status === "" ? undefined : Number(status), name: name || undefined, fromCreateTime: toMs(from), toCreateTime: toMs(to) });
    const base = workflow ? `/workflows/${workflow}/jobs` : "/jobs";
    const d = await get(`${base}${qs({ filter, page, pageSize: SIZE })}`);
    if (ticket === latest.current) setData({ items: d.items, total: d.total });
  }, [status, name, from, to, page, workflow]);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => { load().catch((e) => toast(e.message, true)); }, [load]);

  useEffect(() => {
    let timer: number | undefined;
    const close = subscribe("/job_events", {
      job: () => {
        if (timer === undefined) timer = window.setTimeout(() => { timer = undefined; loadRef.current().catch(() => undefined); }, 250);
      },
    });
    return () => { close(); clearTimeout(timer); };
  }, []);

  return (
    <section>
      <h1>Jobs{workflow && <> of workflow <a href={`#/workflows/${workflow}`}>{workflow}</a></>}</h1>
      <form className="row" style={{ marginBottom: "0.6rem" }} onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>Status <select value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}>
          <option value="">any</option>
          {STATUS.map((s, i) => <option key={s} value={i}>{s}</option>)}
        </select></label>
        <label>Name <input type="search" value={name} onChange={(e) => { setName(e.target.value); setPage(1); }} /></label>
        <label>From <input type="datetime-local" value={from} onChange={(e) => { setFrom(e.target.value); setPage(1); }} /></label>
        <label>To <input type="datetime-local" value={to} onChange={(e) => { setTo(e.target.value); setPage(1); }} /></label>
        <label>Workflow <select value={workflow} onChange={(e) => { setPage(1); navigate(e.target.value ? `/jobs?workflow=${e.target.value}` : "/jobs"); }}>
          <option value="">any</option>
          {workflows.map((w) => <option key={w.id} value={String(w.id)}>{w.name}</option>)}
          {workflow && !workflows.some((w) => String(w.id) === workflow) && <option value={workflow}>{workflow}</option>}
        </select></label>
      </form>
      <table className="grid">
        <thead><tr><th>ID</th><th>Name</th><th>Workflow</th><th>Status</th><th>Created</th><th>Duration</th></tr></thead>
        <tbody>
          {data.items.map((j) => (
            <tr key={j.id}>
              <td className="mono"><a href={`#/jobs/${j.id}`}>{j.id}</a></td>
              <td><a href={`#/jobs/${j.id}`}>{j.name}</a></td>
              <td><a href={`#/workflows/${j.workflowId}`}>{j.workflowName}</a></td>
              <td><span className={`badge status-${j.status}`} data-testid={`job-status-${j.id}`}>{STATUS[j.status]}</span></td>
              <td>{formatTime(j.createTime)}</td>
              <td>{j.runBeginTime ? formatDuration((j.runEndTime || Date.now()) - j.runBeginTime) : "–"}</td>
            </tr>
          ))}
          {data.items.length === 0 && <tr><td colSpan={6} className="muted">No jobs match.</td></tr>}
        </tbody>
      </table>
      <Pager page={page} size={SIZE} total={data.total} onPage={setPage} />
    </section>
  );
}
