/**
 * The Backpropagation page's graph: nodes in columns by depth, edges with their local
 * derivatives, values and gradients shown as far as the stepping has reached. Pure drawing
 * over a BackpropResult and a Progress.
 */
import { fmt } from "../../plot.js";
import type { BackpropResult, GraphNode } from "./jobs.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const COLUMN = 200;
const ROW = 96;
const NODE_W = 124;
const NODE_H = 62;

/** How far the stepping has come: which values and gradients are known, and the node just computed. */
export interface Progress {
  valueKnown(node: GraphNode): boolean;
  gradKnown(node: GraphNode): boolean;
  /** The node of the current step, if any, and whether the step is a backward one. */
  active: number | undefined;
  backward: boolean;
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * Node centres: columns by depth, except that a constant sits just left of its first user
 * rather than with the inputs, so its edge stays short; rows in order of first appearance.
 */
function layout(r: BackpropResult): { position: Map<number, [number, number]>; width: number; height: number } {
  const columnOf = (node: GraphNode): number =>
    node.kind === "constant" ? Math.max(0, Math.min(...r.edges.filter((e) => e.from === node.id).map((e) => r.nodes[e.to]!.depth)) - 1) : node.depth;
  const columns = new Map<number, GraphNode[]>();
  for (const id of r.order) {
    const node = r.nodes[id]!;
    columns.set(columnOf(node), [...(columns.get(columnOf(node)) ?? []), node]);
  }
  const rows = Math.max(...[...columns.values()].map((c) => c.length));
  const position = new Map<number, [number, number]>();
  for (const [depth, nodes] of columns) {
    nodes.forEach((node, i) => position.set(node.id, [40 + depth * COLUMN + NODE_W / 2, 30 + (i + (rows - nodes.length) / 2) * ROW + NODE_H / 2]));
  }
  return { position, width: 80 + Math.max(...columns.keys()) * COLUMN + NODE_W, height: 60 + (rows - 1) * ROW + NODE_H };
}

/** The node's name as shown (σ for sigmoid). */
export const shownLabel = (label: string): string => (label === "sigmoid" ? "σ" : label);

function nodeGroup(node: GraphNode, [cx, cy]: [number, number], progress: Progress): SVGGElement {
  const g = svgEl("g", { class: `node ${node.kind}${node.id === progress.active ? " active" : ""}`, "data-node": node.label, "data-id": node.id, transform: `translate(${cx - NODE_W / 2},${cy - NODE_H / 2})` });
  g.append(svgEl("title", {}, node.latex), svgEl("rect", { width: NODE_W, height: NODE_H, rx: 10 }));
  g.append(svgEl("text", { class: "node-label", x: NODE_W / 2, y: 18, "text-anchor": "middle" }, shownLabel(node.label)));
  const known = progress.valueKnown(node);
  const value = svgEl("text", { class: "node-value", x: NODE_W / 2, y: 36, "text-anchor": "middle" }, known ? `v = ${fmt(node.value, 4)}` : "v = ?");
  if (known) value.setAttribute("data-value", String(node.value));
  g.append(value);
  if (node.kind !== "constant") {
    const gradKnown = progress.gradKnown(node);
    const grad = svgEl("text", { class: "node-grad", x: NODE_W / 2, y: 53, "text-anchor": "middle" }, gradKnown ? `∂L = ${fmt(node.grad, 4)}` : "∂L = ?");
    if (gradKnown) grad.setAttribute("data-grad", String(node.grad));
    g.append(grad);
  }
  return g;
}

export function drawGraph(container: HTMLElement, r: BackpropResult, progress: Progress): void {
  const { position, width, height } = layout(r);
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "graph-svg", role: "img", "aria-label": "Computational graph" });
  svg.style.maxWidth = `${width * 1.15}px`;
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }));
  svg.append(svgEl("defs", {}));
  svg.firstChild!.appendChild(marker);
  const labels: SVGTextElement[] = [];
  for (const edge of r.edges) {
    const [x1, y1] = position.get(edge.from)!;
    const [x2, y2] = position.get(edge.to)!;
    const cls = `edge${progress.active === edge.to ? (progress.backward ? " active-back" : " active") : ""}`;
    svg.append(svgEl("path", { class: cls, d: `M ${x1 + NODE_W / 2} ${y1} C ${x1 + NODE_W / 2 + 40} ${y1}, ${x2 - NODE_W / 2 - 40} ${y2}, ${x2 - NODE_W / 2} ${y2}`, "marker-end": "url(#arrow)" }));
    if (edge.local !== null && progress.valueKnown(r.nodes[edge.to]!)) {
      // Labels go on top of the nodes: an edge may pass under a node of the column between.
      labels.push(svgEl("text", { class: "edge-label", x: (x1 + x2) / 2 + 8, y: (y1 + y2) / 2 - 5, "text-anchor": "middle", "data-edge": `${edge.from}-${edge.to}` }, `∂ = ${fmt(edge.local, 4)}`));
    }
  }
  for (const node of r.nodes) svg.append(nodeGroup(node, position.get(node.id)!, progress));
  svg.append(...labels);
  container.replaceChildren(svg);
}
