// A job's live state, fed by its SSE stream and committed to React at most once per animation frame.
import { useEffect, useRef, useState } from "react";
import { get, isTerminal, subscribe } from "./api";

export interface TaskProgress {
  id: string;
  taskId: string;
  name: string;
  status: number;
  percent: number;
  phase: string;
  message: string;
  rowsWritten: number;
  /** The task run whose result this one kept (rerun from failure), or "". */
  reusedFrom: string;
  beginMs?: number;
  endMs?: number;
}
export interface JobState {
  /** Wall clock of the last commit, ticking each second while the job runs (for elapsed times). */
  now: number;
  id: number;
  name: string;
  workflowId: string;
  workflowName: string;
  status: number;
  percent: number;
  reason: string;
  rerunOf: number | null;
  runBeginTime: number;
  runEndTime: number;
  tasks: TaskProgress[];
}

const SPAN: Record<string, [number, number]> = { loading: [0, 0.1], computing: [0.1, 0.9], writing: [0.9, 1] };

function rfc3339(text: string): number | undefined {
  const ms = text ? Date.parse(text) : NaN;
  return isNaN(ms) ? undefined : ms;
}

function merge(detail: any, progress: any): JobState {
  const times = new Map<string, any>((detail.tasks ?? []).map((t: any) => [t.id, t]));
  return {
    now: Date.now(),
    id: detail.id, name: detail.name, workflowId: detail.workflowId, workflowName: detail.workflowName,
    status: detail.status, percent: progress.percent, reason: progress.reason ?? "", rerunOf: progress.rerunOf ?? null,
    runBeginTime: detail.runBeginTime, runEndTime: detail.runEndTime,
    tasks: progress.tasks.map((t: any) => ({
      ...t,
      beginMs: rfc3339(times.get(t.id)?.runBeginTime ?? ""),
      endMs: rfc3339(times.get(t.id)?.runEndTime ?? ""),
    })),
  };
}

/** Instrumentation for bench/console_render.py: when each job-page commit happened. */
declare global { interface Window { __gmJobCommits?: number[] } }
export function recordCommit(): void {
  const commits = (window.__gmJobCommits ??= []);
  if (commits.length < 100000) commits.push(performance.now());
}

export function useJobState(jobId: string): JobState | null {
  const [job, setJob] = useState<JobState | null>(null);
  const current = useRef<JobState | null>(null);
  const frame = useRef<number | null>(null);
  const refreshTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    let closed = false;
    const commit = () => {
      frame.current = null;
      setJob(current.current ? { ...current.current, now: Date.now() } : null);
    };
    const schedule = () => { if (frame.current === null) frame.current = requestAnimationFrame(commit); };
    const reload = async () => {
      const [detail, progress] = await Promise.all([get(`/jobs/${jobId}`), get(`/jobs/${jobId}/progress`)]);
      if (!closed) { current.current = merge(detail, progress); schedule(); }
    };
    // Status changes also change rows written and times: re-read them, coalesced.
    const reloadSoon = () => { clearTimeout(refreshTimer.current); refreshTimer.current = window.setTimeout(() => reload().catch(() => undefined), 150); };
    const patchTask = (runId: string, change: (t: TaskProgress) => TaskProgress) => {
      const s = current.current;
      if (!s) return;
      current.current = { ...s, tasks: s.tasks.map((t) => (t.id === runId ? change(t) : t)) };
      schedule();
    };
    // The stream ends with `end`; closing then keeps EventSource from reconnecting forever.
    let closeStream = () => {};
    closeStream = subscribe(`/jobs/${jobId}/events`, {
      snapshot: (d) => { current.current = merge(d.job, d.progress); schedule(); },
      job: (d) => { if (current.current) { current.current = { ...current.current, status: d.status, reason: d.reason || current.current.reason }; schedule(); } reloadSoon(); },
      task: (d) => { patchTask(d.taskId, (t) => ({ ...t, status: d.status, beginMs: d.status === 1 ? d.time : t.beginMs, phase: d.status === 1 ? "loading" : t.phase })); reloadSoon(); },
      progress: (d) => patchTask(d.taskId, (t) => {
        const [a, b] = SPAN[d.phase] ?? [0.1, 0.9];
        const within = Math.min(Math.max(d.fraction ?? 0, 0), 1);
        return { ...t, phase: d.phase, message: d.message ?? t.message, percent: Math.round(1000 * (a + (b - a) * within)) / 10 };
      }),
      end: () => { closeStream(); reloadSoon(); },
    });
    reload().catch(() => undefined);
    // Elapsed times tick through the same once-a-frame commit as the events.
    const ticker = setInterval(() => { if (current.current && !isTerminal(current.current.status)) schedule(); }, 1000);
    return () => { closed = true; closeStream(); clearInterval(ticker); clearTimeout(refreshTimer.current); if (frame.current !== null) cancelAnimationFrame(frame.current); };
  }, [jobId]);

  return job;
}
