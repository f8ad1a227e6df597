// The console talks to the same /api-open/v1 as any Explorer client; the explorer_token cookie
// set by /connect authenticates every call, and an expired or missing token sends us to login.

export const API = "/api-open/v1";
const UNAUTHORIZED = new Set([40104000, 40104001]);

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly detail: string,
    readonly data: any,
  ) {
    super(detail || `error ${code}`);
  }
  /** Problems a schema or job input was refused for: {task, field, reason}. */
  get problems(): Problem[] {
    return (this.data && Array.isArray(this.data.problems) ? this.data.problems : []) as Problem[];
  }
}

export interface Problem {
  task: string | null;
  field: string;
  reason: string;
}

export function onUnauthorized(): void {
  window.dispatchEvent(new CustomEvent("graphmill:unauthorized"));
}

export async function api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  const response = await fetch(API + path, init);
  let envelope: any;
  try {
    envelope = await response.json();
  } catch {
    throw new ApiError(response.status * 100000, `HTTP ${response.status} without a JSON body`, null);
  }
  if (envelope.code !== 0) {
    if (UNAUTHORIZED.has(envelope.code)) onUnauthorized();
    throw new ApiError(envelope.code, envelope.detail || envelope.message, envelope.data);
  }
  return envelope.data as T;
}

export const get = <T = any>(path: string) => api<T>("GET", path);
export const post = <T = any>(path: string, body?: unknown) => api<T>("POST", path, body ?? {});
export const put = <T = any>(path: string, body?: unknown) => api<T>("PUT", path, body ?? {});
export const del = <T = any>(path: string) => api<T>("DELETE", path);

export async function login(user: string, password: string, address: string, port: number): Promise<void> {
  const account = btoa(unescape(encodeURIComponent(JSON.stringify([user, password]))));
  await api("POST", "/connect", { address, port }, { authorization: `Bearer ${account}` });
}

export async function logout(): Promise<void> {
  await fetch(`${API}/logout`, { method: "POST", credentials: "same-origin" });
}

/** Job status codes of the wire, with the words the console shows. */
export const STATUS = ["Preparing", "Running", "Success", "Failed", "Interrupted", "Stopping"] as const;
export const isTerminal = (status: number) => status === 2 || status === 3 || status === 4;

export interface Page<T> {
  items: T[];
  total: number;
}

export function qs(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Subscribe to a Server-Sent Events stream; returns the function that closes it. */
export function subscribe(path: string, handlers: Record<string, (data: any) => void>): () => void {
  const source = new EventSource(API + path, { withCredentials: true });
  for (const [event, handler] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => handler(JSON.parse((e as MessageEvent).data)));
  }
  return () => source.close();
}

export function download(path: string): void {
  const a = document.createElement("a");
  a.href = API + path;
  a.download = "";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function formatTime(ms: number | string | undefined): string {
  if (ms === undefined || ms === null || ms === "" || ms === 0) return "–";
  const d = typeof ms === "number" ? new Date(ms) : new Date(ms);
  return isNaN(d.getTime()) ? "–" : d.toLocaleString();
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
