// The workflow DAG on React Flow: tasks as nodes, deps as edges labelled with their column mapping.
// Used editable on the canvas and read-only (coloured by status, with progress) on the job page.
import { memo, useEffect, useMemo } from "react";
import dagre from "@dagrejs/dagre";
import {
  Background, Controls, Handle, MarkerType, Position, ReactFlow,
  useReactFlow, type Connection, type Edge, type Node, type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { STATUS } from "../api";
import { depLabel, type Algorithm, type Schema } from "../model";

export interface TaskView { status?: number; percent?: number; phase?: string }
interface NodeData extends Record<string, unknown> {
  label: string;
  type: string;
  problems: string[];
  view?: TaskView;
  selected: boolean;
}

const W = 200;
const H = 70;

/** Positions from dagre, top to bottom, for tasks without a saved position (all when ``all``). */
export function layout(schema: Schema, all = false): Record<string, { x: number; y: number }> {
  const saved = all ? {} : (schema.canvas?.positions ?? {});
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of schema.tasks) g.setNode(t.id, { width: W, height: H });
  for (const d of schema.deps) if (g.hasNode(d.src) && g.hasNode(d.dst)) g.setEdge(d.src, d.dst);
  dagre.layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const t of schema.tasks) {
    const n = g.node(t.id);
    out[t.id] = saved[t.id] ?? { x: Math.round(n.x - W / 2), y: Math.round(n.y - H / 2) };
  }
  return out;
}

const TaskNode = memo(function TaskNode({ data }: NodeProps<Node<NodeData>>) {
  const v = data.view;
  const cls = ["gm-node", data.selected ? "selected" : "", data.problems.length ? "problem" : "", v?.status !== undefined ? `st-${v.status}` : ""].join(" ");
  return (
    <div className={cls} data-testid={`node-${data.type}`} aria-label={`${data.label} (${data.type})${v?.status !== undefined ? `, ${STATUS[v.status]}` : ""}`}>
      <Handle type="target" position={Position.Top} />
      <div><strong>{data.label}</strong></div>
      <div className="type">{data.type}{v?.status !== undefined && <> · <span data-testid="node-status">{STATUS[v.status]}</span></>}</div>
      {v?.status === 1 && <div className="bar" aria-hidden><div style={{ width: `${Math.round(v.percent ?? 0)}%` }} /></div>}
      {data.problems.length > 0 && <div className="problems" role="note">{data.problems.join("; ")}</div>}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});
const nodeTypes = { task: TaskNode };

/** Keep every node in view when components are added or removed, or the window resizes. */
function FitOnCountChange({ count }: { count: string }) {
  const flow = useReactFlow();
  useEffect(() => {
    const fit = () => flow.fitView({ padding: 0.2, maxZoom: 1.2 });
    const t = setTimeout(fit, 30);
    window.addEventListener("resize", fit);
    return () => { clearTimeout(t); window.removeEventListener("resize", fit); };
  }, [count, flow]);
  return null;
}

export interface DagProps {
  schema: Schema;
  catalogue: Map<string, Algorithm>;
  problems?: Map<string, string[]>;
  views?: Record<string, TaskView>;
  selected?: string | null;
  editable?: boolean;
  onSelect?: (sel: { task?: string; dep?: number } | null) => void;
  onConnect?: (src: string, dst: string) => void;
  onMove?: (id: string, pos: { x: number; y: number }) => void;
  onDelete?: (tasks: string[], deps: number[]) => void;
  /** Changing it fits the view again (after an auto-layout). */
  fitSignal?: number;
}

export function Dag(props: DagProps) {
  const { schema, catalogue, problems, views, selected, editable } = props;
  const positions = useMemo(() => layout(schema), [schema]);
  const nodes: Node<NodeData>[] = useMemo(
    () => schema.tasks.map((t) => ({
      id: t.id,
      type: "task",
      position: positions[t.id],
      data: { label: t.name || t.id, type: t.type, problems: problems?.get(t.id) ?? [], view: views?.[t.id], selected: selected === t.id },
      draggable: !!editable,
      connectable: !!editable,
    })),
    [schema, positions, problems, views, selected, editable],
  );
  const edges: Edge[] = useMemo(
    () => schema.deps.map((d, i) => ({
      id: `dep-${i}`,
      source: d.src,
      target: d.dst,
      label: depLabel(d, schema, catalogue) || undefined,
      markerEnd: { type: MarkerType.ArrowClosed },
      selected: selected === `dep-${i}`,
      style: selected === `dep-${i}` ? { strokeWidth: 3 } : undefined,
      animated: views ? views[d.dst]?.status === 1 : false,
    })),
    [schema, catalogue, selected, views],
  );
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      fitView
      fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }}
      minZoom={0.2}
      nodesDraggable={!!editable}
      nodesConnectable={!!editable}
      elementsSelectable
      deleteKeyCode={editable ? ["Delete", "Backspace"] : null}
      onNodeClick={(_, n) => props.onSelect?.({ task: n.id })}
      onEdgeClick={(_, e) => props.onSelect?.({ dep: Number(e.id.slice(4)) })}
      onPaneClick={() => props.onSelect?.(null)}
      onConnect={(c: Connection) => c.source && c.target && props.onConnect?.(c.source, c.target)}
      onNodeDragStop={(_, n) => props.onMove?.(n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) })}
      onDelete={({ nodes: ns, edges: es }) => props.onDelete?.(ns.map((n) => n.id), es.map((e) => Number(e.id.slice(4))))}
      proOptions={{ hideAttribution: true }}
    >
      <Background />
      <Controls showInteractive={false} />
      <FitOnCountChange count={`${schema.tasks.length}/${schema.deps.length}/${props.fitSignal ?? 0}`} />
    </ReactFlow>
  );
}
