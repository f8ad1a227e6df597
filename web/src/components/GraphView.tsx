// The top-k vertices of a result and their neighbourhood, read from the graph store, on Cytoscape.js;
// vertices coloured by the result column (scores: a ramp; communities: one colour per id).
import { useEffect, useRef, useState } from "react";
import cytoscape from "cytoscape";
import { get, qs } from "../api";
import type { Shape } from "./Results";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

export default function GraphView({ base, shape, space }: { base: string; shape: NonNullable<Shape>; space: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [k, setK] = useState(10);
  const [info, setInfo] = useState("");
  useEffect(() => {
    let cy: cytoscape.Core | null = null;
    let cancelled = false;
    (async () => {
      const top = await get(`${base}/result_sorted${qs({ sort: shape.column, order: "desc", offset: 0, limit: k })}`);
      const seeds: string[] = top.items.map((r: any[]) => String(r[0]));
      const hood = await get(`/spaces/${encodeURIComponent(space)}/neighbourhood${qs({ vids: seeds.join(","), limit: 300 })}`);
      // Colour every shown vertex by its value in the result.
      const values = new Map<string, number>();
      const shown = await get(`${base}/result_rows${qs({ vids: hood.vertices.join(",") })}`);
      const at = shown.columns.indexOf(shape.column);
      for (const r of shown.items) values.set(String(r[0]), Number(r[at]));
      if (cancelled) return;
      const nums = hood.vertices.map((v: string) => values.get(v)).filter((x: number | undefined) => x !== undefined && isFinite(x)) as number[];
      const lo = Math.min(...nums), hi = Math.max(...nums);
      const colour = (v: string) => {
        const x = values.get(v);
        if (x === undefined || !isFinite(x)) return "#999";
        if (shape.kind === "community") return PALETTE[Math.abs(Math.round(x)) % PALETTE.length];
        const t = hi > lo ? (x - lo) / (hi - lo) : 1;
        return `hsl(${220 - 200 * t}, 75%, ${55 - 10 * t}%)`;
      };
      const seedSet = new Set(seeds);
      cy = cytoscape({
        container: host.current!,
        elements: [
          ...hood.vertices.map((v: string) => ({ data: { id: v, label: v, colour: colour(v), size: seedSet.has(v) ? 28 : 14 } })),
          ...hood.edges.map((e: any, i: number) => ({ data: { id: `e${i}`, source: e.src, target: e.dst, type: e.type } })),
        ],
        style: [
          { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", width: "data(size)", height: "data(size)", "font-size": 9, color: getComputedStyle(document.documentElement).getPropertyValue("--fg") } },
          { selector: "edge", style: { width: 1, "line-color": "#8a93a3", "target-arrow-color": "#8a93a3", "target-arrow-shape": "triangle", "curve-style": "bezier", opacity: 0.6 } },
        ],
        layout: { name: "cose", animate: false },
      });
      cy.on("tap", "node", (ev) => {
        const id = ev.target.id();
        setInfo(`${id}: ${shape.column} = ${values.get(id) ?? "not in result"}`);
      });
      setInfo(`${hood.vertices.length} vertices, ${hood.edges.length} edges${hood.truncated ? " (truncated)" : ""}; larger nodes are the top ${seeds.length}.`);
    })().catch((e) => setInfo(String(e.message ?? e)));
    return () => { cancelled = true; cy?.destroy(); };
  }, [base, shape, space, k]);
  return (
    <div>
      <div className="row" style={{ margin: "0.5rem 0" }}>
        <label>Top <select value={k} onChange={(e) => setK(Number(e.target.value))}>{[5, 10, 20, 50].map((n) => <option key={n}>{n}</option>)}</select> vertices by {shape.column} in space {space}</label>
        <span className="muted" aria-live="polite">{info}</span>
      </div>
      <div className="graph-box" ref={host} data-testid="graph-view" role="img" aria-label={`Neighbourhood graph of the top ${k} vertices`} />
    </div>
  );
}
