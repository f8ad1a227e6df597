// The server: graph spaces of the embedded store, health and the main metrics, the algorithm catalogue.
import { useEffect, useState } from "react";
import { get } from "../api";
import { loadCatalogue } from "../catalogue";
import type { Space } from "../components/Inspector";
import type { Algorithm } from "../model";

interface FullSpace extends Space { vidType: string; vertexCount: number; edgeCount: number; version: number; tags: { name: string; props: { name: string; type: string }[] }[] }

/** Sum of the samples of a Prometheus metric family, by the label set given (none: all). */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | null {
  let total: number | null = null;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).some(([k, v]) => !(m[2] ?? "").includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(m[3]);
  }
  return total;
}

const mb = (bytes: number | null) => (bytes === null ? "–" : `${Math.round(bytes / 1048576)} MiB`);

export function ServerPage() {
  const [spaces, setSpaces] = useState<FullSpace[]>([]);
  const [health, setHealth] = useState<string>("…");
  const [metrics, setMetrics] = useState("");
  const [algos, setAlgos] = useState<Algorithm[]>([]);
  const [budget, setBudget] = useState<number | null>(null);
  useEffect(() => {
    get<{ items: FullSpace[] }>("/spaces").then((d) => {
      setSpaces(d.items);
      // The memory budget is reported with any admission estimate.
      const s = d.items.find((x) => x.edgeTypes.length);
      if (s) get(`/algorithms/analytics_pagerank/estimate?space=${encodeURIComponent(s.name)}&edges=${s.edgeTypes[0].name}`).then((e) => setBudget(e.budgetBytes)).catch(() => undefined);
    }).catch(() => undefined);
    loadCatalogue().then(setAlgos).catch(() => undefined);
    const poll = () => {
      fetch("/healthz").then((r) => r.json()).then((d) => setHealth(d.data?.status ?? "?")).catch(() => setHealth("unreachable"));
      fetch("/metrics").then((r) => r.text()).then(setMetrics).catch(() => undefined);
    };
    poll();
    const t = setInterval(poll, 5000);
    return () => clearInterval(t);
  }, []);
  const running = metric(metrics, "graphmill_jobs", { status: "running" });
  const runningTasks = metric(metrics, "graphmill_running_tasks");
  const queued = metric(metrics, "graphmill_queue_length");
  const rss = metric(metrics, "graphmill_worker_memory_bytes");
  return (
    <section>
      <h1>Server</h1>
      <div className="cards">
        <div className="panel card"><div className="muted">/healthz</div><div className="big" data-testid="health">{health}</div></div>
        <div className="panel card"><div className="muted">Running jobs / tasks</div><div className="big" data-testid="running">{running ?? "–"} / {runningTasks ?? "–"}</div></div>
        <div className="panel card"><div className="muted">Queue</div><div className="big">{queued ?? "–"}</div></div>
        <div className="panel card"><div className="muted">Worker memory{budget !== null ? " / budget" : ""}</div><div className="big">{mb(rss)}{budget !== null ? ` / ${mb(budget)}` : ""}</div></div>
      </div>
      <h2>Graph spaces</h2>
      {spaces.map((s) => (
        <div className="panel" key={s.name} style={{ marginBottom: "0.8rem" }} data-testid={`space-${s.name}`}>
          <h3>{s.name} <span className="muted">· vid {s.vidType} · {s.vertexCount} vertices · {s.edgeCount} edges · data version {s.version}</span></h3>
          <div className="row" style={{ alignItems: "flex-start", gap: "2rem" }}>
            <div><strong>Tags</strong><ul>{s.tags.map((t) => <li key={t.name}>{t.name} <span className="muted mono">({t.props.map((p) => `${p.name}: ${p.type}`).join(", ")})</span></li>)}</ul></div>
            <div><strong>Edge types</strong><ul>{s.edgeTypes.map((e) => <li key={e.name}>{e.name} · {e.count} <span className="muted mono">({e.props.map((p) => `${p.name}: ${p.type}`).join(", ")})</span></li>)}</ul></div>
          </div>
        </div>
      ))}
      {spaces.length === 0 && <p className="muted">No spaces: load one with <code>graphmill space import NAME FILE</code>.</p>}
      <h2>Algorithm catalogue</h2>
      <table className="grid">
        <thead><tr><th>Name</th><th>Type</th><th>Group</th><th>Weights</th><th>Output</th><th>Parameters</th></tr></thead>
        <tbody>{algos.map((a) => (
          <tr key={a.type}><td>{a.name}</td><td className="mono">{a.type}</td><td>{a.group}</td><td>{a.needsWeight ? "yes" : "no"}</td><td className="mono" style={{ whiteSpace: "normal" }}>{a.outputColumns?.join(", ") ?? "by parameters"}</td>
            <td style={{ whiteSpace: "normal" }}>{Object.keys(a.parameters.properties).join(", ")}</td></tr>
        ))}</tbody>
      </table>
      <h2>Metrics</h2>
      <details><summary>Raw /metrics</summary><pre style={{ maxHeight: "30rem" }}>{metrics}</pre></details>
    </section>
  );
}
