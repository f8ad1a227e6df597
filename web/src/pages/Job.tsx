// A job: its DAG coloured live, per-task progress (phase, message, elapsed, remaining), logs that
// follow, cancel / rerun / rerun from failure, webhook deliveries, and each task's results.
import { lazy, Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { api, formatDuration, formatTime, get, isTerminal, post, STATUS } from "../api";
import { useCatalogue } from "../catalogue";
import { Dag, type TaskView } from "../components/Dag";
import { RunDialog } from "../components/RunDialog";
import { toast } from "../components/Toast";
import { recordCommit, useJobState, type TaskProgress } from "../jobState";
import { normalise, type Schema } from "../model";
import { navigate } from "../router";

const Results = lazy(() => import("../components/Results"));

interface JobSchema { workflowId: string; workflowVersion: number; schema: any; input: Record<string, Record<string, any>>; rerunOf: number | null }

function TaskRow({ t, now, selected, onSelect }: { t: TaskProgress; now: number; selected: boolean; onSelect: () => void }) {
  const elapsed = t.beginMs ? (t.endMs || (t.status === 1 ? now : t.beginMs)) - t.beginMs : null;
  const remaining = t.status === 1 && elapsed !== null && t.percent > 0 && t.percent < 100 ? (elapsed * (100 - t.percent)) / t.percent : null;
  const cls = t.status === 2 ? "done" : t.status === 3 ? "failed" : "";
  return (
    <div className="task" data-testid={`task-${t.taskId}`}>
      <div className="row">
        <button onClick={onSelect} aria-pressed={selected}>{t.name || t.taskId}</button>
        <span className={`badge status-${t.status}`}>{STATUS[t.status]}</span>
        <span className="muted">{t.phase}{t.message ? ` · ${t.message}` : ""}{t.reusedFrom ? " · result kept from the earlier job" : ""}{t.status === 2 ? ` · ${t.rowsWritten} rows` : ""}</span>
        <span className="spacer" />
        <span className="muted">{formatDuration(elapsed)} elapsed{remaining !== null ? ` · ${formatDuration(remaining)} left` : ""}</span>
      </div>
      <div className={`progress ${cls}`} role="progressbar" aria-label={`${t.name} progress`} aria-valuenow={t.percent} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${t.percent}%` }} />
      </div>
    </div>
  );
}

function logTime(ms: unknown): string {
  if (typeof ms !== "number") return "";
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

function Logs({ jobId, task }: { jobId: string; task: TaskProgress }) {
  const [lines, setLines] = useState<{ seq: number; time?: string; level?: string; message?: string; [k: string]: any }[]>([]);
  const box = useRef<HTMLPreElement>(null);
  const live = !isTerminal(task.status);
  useEffect(() => {
    let offset = 0;
    let stop = false;
    setLines([]);
    const pull = async () => {
      while (!stop) {
        const d = await get(`/jobs/${jobId}/tasks/${task.id}/logs?offset=${offset}&limit=1000`);
        if (stop) return;
        if (d.items.length) setLines((xs) => [...xs, ...d.items]);
        offset = d.nextOffset;
        if (d.items.length < 1000) break;
      }
    };
    pull().catch(() => undefined);
    const timer = live ? setInterval(() => pull().catch(() => undefined), 1000) : undefined;
    return () => { stop = true; clearInterval(timer); };
  }, [jobId, task.id, live]);
  useEffect(() => { if (box.current) box.current.scrollTop = box.current.scrollHeight; }, [lines]);
  return (
    <pre className="logs" ref={box} tabIndex={0} aria-label={`Log of ${task.name}`} data-testid="logs">
      {lines.map((l) => `${logTime(l.time)} ${(l.level ?? "").padEnd(5)} ${l.message ?? JSON.stringify(l)}`).join("\n") || "(no log lines yet)"}
    </pre>
  );
}

export function JobPage({ id, resultTask }: { id: string; resultTask?: string }) {
  const job = useJobState(id);
  useLayoutEffect(recordCommit);
  const catalogue = useCatalogue();
  const [meta, setMeta] = useState<JobSchema | null>(null);
  const [version, setVersion] = useState<Schema | null>(null);
  const [logTask, setLogTask] = useState<string | null>(null);
  const [rerun, setRerun] = useState<null | { fromFailure: boolean }>(null);
  const [deliveries, setDeliveries] = useState<any[]>([]);

  useEffect(() => {
    get<JobSchema>(`/jobs/${id}/schema`).then((m) => {
      setMeta(m);
      get(`/workflows/${m.workflowId}/versions/${m.workflowVersion}`).then((v) => setVersion(normalise(v.schema))).catch(() => setVersion(normalise(m.schema)));
    }).catch((e) => toast(e.message, true));
  }, [id]);
  const terminal = job ? isTerminal(job.status) : false;
  useEffect(() => { get(`/jobs/${id}/webhook_deliveries`).then((d) => setDeliveries(d.items)).catch(() => undefined); }, [id, terminal]);

  const schema = useMemo(() => (meta ? normalise(meta.schema) : null), [meta]);
  const views = useMemo(() => {
    const v: Record<string, TaskView> = {};
    for (const t of job?.tasks ?? []) v[t.taskId] = { status: t.status, percent: t.percent, phase: t.phase };
    return v;
  }, [job]);
  if (!job) return <p>Loading job {id}…</p>;
  const now = job.now;
  const shownLog = job.tasks.find((t) => t.id === logTask) ?? job.tasks.find((t) => t.status === 1) ?? job.tasks.find((t) => t.status === 3) ?? job.tasks[0];
  const succeeded = job.tasks.filter((t) => t.status === 2);
  const resultOf = succeeded.find((t) => t.taskId === resultTask || t.id === resultTask) ?? (resultTask ? undefined : succeeded[succeeded.length - 1]);

  async function cancel() {
    try {
      await api("PUT", `/jobs/${id}/cancel`);
      toast("Cancel requested");
    } catch (e) { toast((e as Error).message, true); }
  }

  return (
    <section>
      <div className="row">
        <h1 style={{ margin: 0 }}>Job {job.id} · {job.name}</h1>
        <span className={`badge status-${job.status}`} data-testid="job-status">{STATUS[job.status]}</span>
        <span className="spacer" />
        <button className="danger" onClick={cancel} disabled={terminal || job.status === 5}>Cancel</button>
        <button onClick={() => setRerun({ fromFailure: false })} disabled={!terminal}>Rerun…</button>
        <button onClick={() => setRerun({ fromFailure: true })} disabled={!terminal || job.status === 2}>Rerun from failure…</button>
      </div>
      <p className="muted">
        Workflow <a href={`#/workflows/${job.workflowId}`}>{job.workflowName}</a>{meta && <> (version {meta.workflowVersion})</>}
        {job.rerunOf && <> · rerun of <a href={`#/jobs/${job.rerunOf}`}>job {job.rerunOf}</a></>}
        {" · "}started {formatTime(job.runBeginTime)} · {job.percent}% · {formatDuration(job.runBeginTime ? (job.runEndTime || now) - job.runBeginTime : null)}
        {job.reason && <> · <span className="error">{job.reason}</span></>}
      </p>
      <div className="job">
        <div>
          <div className="dag" aria-label="Job DAG">{schema && <Dag schema={schema} catalogue={catalogue} views={views} onSelect={(s) => { const t = job.tasks.find((x) => x.taskId === s?.task); if (t) setLogTask(t.id); }} />}</div>
          <h2>Tasks</h2>
          <div className="tasks">{job.tasks.map((t) => <TaskRow key={t.id} t={t} now={now} selected={t.id === shownLog?.id} onSelect={() => setLogTask(t.id)} />)}</div>
        </div>
        <div>
          <h2>Log · {shownLog?.name}</h2>
          {shownLog && <Logs jobId={id} task={shownLog} />}
          <h2>Webhook deliveries</h2>
          {deliveries.length === 0 ? <p className="muted">None.</p> : (
            <table className="grid"><thead><tr><th>Attempt</th><th>Time</th><th>URL</th><th>HTTP</th><th>Delivered</th><th>Error</th></tr></thead>
              <tbody>{deliveries.map((d, i) => <tr key={i}><td>{d.attempt}</td><td>{formatTime(d.time ?? d.timeMs)}</td><td className="mono">{d.url}</td><td>{d.statusCode}</td><td>{String(d.delivered)}</td><td>{d.error}</td></tr>)}</tbody></table>
          )}
        </div>
      </div>
      <h2>Results</h2>
      {succeeded.length === 0 ? <p className="muted">No task has a result yet.</p> : (
        <>
          <div className="tabs" role="tablist" aria-label="Task results">
            {succeeded.map((t) => <button key={t.id} role="tab" aria-selected={resultOf?.id === t.id} onClick={() => navigate(`/jobs/${id}/results/${t.taskId}`)}>{t.name || t.taskId}</button>)}
          </div>
          {resultOf ? (
            <Suspense fallback={<p>Loading…</p>}>
              <Results key={resultOf.id} jobId={id} task={resultOf} schema={schema} />
            </Suspense>
          ) : <p className="muted">Choose a task to see its result.</p>}
        </>
      )}
      {rerun && version && meta && (
        <RunDialog
          title={rerun.fromFailure ? "Rerun from failure" : "Rerun"}
          schema={version}
          initialInput={meta.input}
          submit={async (input) => (await post(`/jobs/${id}/rerun`, { input, fromFailure: rerun.fromFailure, strict: true })).id}
          onClose={() => setRerun(null)}
          onDone={(jobId) => { setRerun(null); navigate(`/jobs/${jobId}`); }}
        />
      )}
    </section>
  );
}
