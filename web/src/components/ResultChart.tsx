// Charts by result shape, on Chart.js (tree-shaken to bar charts): top-k + histogram for scores,
// community size distribution (+ modularity from the task log), depth histogram for BFS/SSSP.
import { useEffect, useRef, useState } from "react";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LogarithmicScale, Tooltip } from "chart.js";
import { get, qs } from "../api";
import type { Shape } from "./Results";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, Tooltip, Legend);

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function BarChart({ labels, values, title, logY, label }: { labels: string[]; values: number[]; title: string; logY?: boolean; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const fg = css("--fg");
    const grid = css("--border");
    const chart = new Chart(canvas.current!, {
      type: "bar",
      data: { labels, datasets: [{ label, data: values, backgroundColor: css("--accent") }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: {
          x: { ticks: { color: fg, maxRotation: 60, autoSkip: true }, grid: { color: grid } },
          y: { type: logY ? "logarithmic" : "linear", ticks: { color: fg }, grid: { color: grid } },
        },
      },
    });
    return () => chart.destroy();
  }, [labels, values, logY, label]);
  return (
    <figure style={{ margin: "0.5rem 0" }}>
      <figcaption><strong>{title}</strong></figcaption>
      <div className="chart-box"><canvas ref={canvas} role="img" aria-label={title} /></div>
    </figure>
  );
}

const fmt = (x: number) => (Math.abs(x) >= 1000 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(2) : String(Math.round(x * 1000) / 1000));

function histogramBars(h: { edges: number[]; counts: number[] }) {
  return { labels: h.counts.map((_, i) => `${fmt(h.edges[i])}–${fmt(h.edges[i + 1])}`), values: h.counts };
}

export default function ResultChart({ base, shape, jobId, taskId }: { base: string; shape: NonNullable<Shape>; jobId: string; taskId: string }) {
  const [s, setS] = useState<any>(null);
  const [modularity, setModularity] = useState<string | null>(null);
  useEffect(() => {
    get(`${base}/result_summary${qs({ column: shape.column, kind: shape.kind, top: 20 })}`).then(setS).catch(() => setS(null));
    if (shape.kind === "community") {
      get(`/jobs/${jobId}/tasks/${taskId}/logs?offset=0&limit=10000`).then((d) => {
        const line = d.items.map((l: any) => String(l.message ?? "")).find((m: string) => /modularity/i.test(m));
        const m = line && /modularity[^0-9-]*(-?[0-9.]+(?:e-?\d+)?)/i.exec(line);
        setModularity(m ? m[1] : null);
      }).catch(() => undefined);
    }
  }, [base, shape, jobId, taskId]);
  if (!s) return <p>Loading chart…</p>;
  if (s.kind === "score") {
    const h = histogramBars(s.histogram);
    return (
      <div data-testid="result-chart">
        <BarChart title={`Top ${s.top.length} by ${s.column}`} label={s.column} labels={s.top.map((r: any) => r[0])} values={s.top.map((r: any) => Number(r[1]))} />
        <BarChart title={`Distribution of ${s.column}${s.histogram.log ? " (log-spaced bins, log count)" : ""}`} label="vertices" labels={h.labels} values={h.values} logY={s.histogram.log} />
      </div>
    );
  }
  if (s.kind === "community") {
    return (
      <div data-testid="result-chart">
        <p>{s.communities} communities · largest {s.largest} vertices{modularity !== null && <> · modularity <strong data-testid="modularity">{modularity}</strong></>}</p>
        <BarChart title="Community size distribution" label="communities" labels={s.sizes.map((r: any) => String(r[0]))} values={s.sizes.map((r: any) => r[1])} logY={s.sizes.length > 1} />
      </div>
    );
  }
  const bars = s.depths ? { labels: s.depths.map((r: any) => String(r[0])), values: s.depths.map((r: any) => r[1]) } : histogramBars(s.histogram);
  return (
    <div data-testid="result-chart">
      <p>{s.unreachable} unreachable</p>
      <BarChart title={`Histogram of ${s.column}`} label="vertices" labels={bars.labels} values={bars.values} />
    </div>
  );
}
