/** The Loss landscape page's charts: pure drawing over the jobs' results. */
import * as d3 from "d3";
import type * as nb from "nabla";
import { filledContours, frame, type Frame, line } from "../../plot.js";
import type { Box, ClassifyResult, Density, SliceResult, SurfaceResult } from "./jobs.js";

/** Each kind of point's colour and marker (the CLI's colours: green minima, orange saddles, red maxima). */
export const KINDS: Record<nb.landscape.PointKind, { color: string; symbol: d3.SymbolType; label: string }> = {
  minimum: { color: "#009E73", symbol: d3.symbolCircle, label: "minimum (Morse index 0)" },
  saddle: { color: "#E69F00", symbol: d3.symbolDiamond, label: "saddle (index 1)" },
  maximum: { color: "#D55E00", symbol: d3.symbolTriangle, label: "maximum (index 2)" },
  degenerate: { color: "#7F7F7F", symbol: d3.symbolSquare, label: "degenerate (a zero eigenvalue)" },
  "not-critical": { color: "#000000", symbol: d3.symbolCross, label: "not critical" },
};

const symbolPath = (kind: nb.landscape.PointKind, size: number): string => d3.symbol(KINDS[kind].symbol, size)()!;

/** The contours of f with every critical point marked by kind; a click reports the point in data coordinates (a marker's, exactly). */
export function drawCriticalPoints(container: HTMLElement, s: SurfaceResult, box: Box, onClick: (point: [number, number]) => void): Frame {
  const w = { x: [box[0], box[1]] as [number, number], y: [box[2], box[3]] as [number, number] };
  const f = frame(container, { width: 560, height: 520, ...w, xLabel: "x", yLabel: "y", title: `Contours of f with its ${s.points.length} critical points` });
  filledContours(f, s.values, s.n, w);
  f.plot.append("g").selectAll("path").data(s.points).join("path")
    .attr("class", (p) => `critical ${p.kind}`).attr("data-kind", (p) => p.kind)
    .attr("transform", (p) => `translate(${f.x(p.x[0]!)},${f.y(p.x[1]!)})`)
    .attr("d", (p) => symbolPath(p.kind, 150)).attr("fill", (p) => KINDS[p.kind].color)
    // A click on a marker asks about the critical point itself, not the rounded pixel under it.
    .on("click", (event: MouseEvent, p) => {
      event.stopPropagation();
      onClick([p.x[0]!, p.x[1]!]);
    })
    .append("title").text((p) => `${p.kind} at (${p.x.map((v) => v.toFixed(4)).join(", ")}), f = ${p.value.toPrecision(6)}`);
  f.svg.on("click", (event: MouseEvent) => {
    const [px, py] = d3.pointer(event, f.plot.node());
    onClick([Number(f.x.invert(px).toFixed(3)), Number(f.y.invert(py).toFixed(3))]);
  });
  return f;
}

/** The clicked point, ringed in its kind's colour. */
export function markInspected(f: Frame, r: ClassifyResult): void {
  f.plot.selectAll(".inspected").remove();
  f.plot.append("circle").attr("class", "inspected").attr("r", 9).attr("cx", f.x(r.point[0])).attr("cy", f.y(r.point[1])).attr("stroke", KINDS[r.kind].color);
}

/** λmax per measured step against the edge of stability 2/η, a dashed line. */
export function drawSharpness(container: HTMLElement, steps: readonly number[], lambdas: readonly number[], lr: number, total: number): void {
  const edge = 2 / lr;
  const top = 1.15 * Math.max(edge, d3.max(lambdas) ?? 0);
  const f = frame(container, { width: 420, height: 260, x: [0, total], y: [0, top], xLabel: "step", yLabel: "λmax", title: "Largest Hessian eigenvalue against the edge of stability 2/η" });
  f.plot.append("line").attr("class", "edge-line").attr("x1", 0).attr("x2", f.width).attr("y1", f.y(edge)).attr("y2", f.y(edge));
  f.plot.append("text").attr("class", "edge-label").attr("x", f.width - 6).attr("y", f.y(edge) - 5).attr("text-anchor", "end").text(`2/η = ${Number(edge.toPrecision(3))}`);
  line(f, steps, lambdas, "lambda");
}

export function drawLoss(container: HTMLElement, losses: readonly number[], total: number): void {
  const y: [number, number] = [Math.max(1e-5, d3.min(losses) ?? 1e-3), Math.max(1, d3.max(losses) ?? 1)];
  const f = frame(container, { width: 420, height: 260, x: [1, Math.max(2, total)], y, yScale: "log", xLabel: "step", yLabel: "loss", title: "Training loss, log scale" });
  line(f, losses.map((_, i) => i + 1), losses, "train-loss");
}

/** The density on a log scale (its tails span decades), the quadrature's nodes as ticks, and 2/η where it falls inside. */
export function drawDensity(container: HTMLElement, d: Density, lr: number): void {
  const top = d3.max(d.density) ?? 1;
  const floor = top * 1e-6;
  const x = d3.extent(d.grid) as [number, number];
  const f = frame(container, { width: 560, height: 280, x, y: [floor, top * 2], yScale: "log", xLabel: "eigenvalue λ", yLabel: "density", title: "Hessian eigenvalue density by stochastic Lanczos quadrature, log scale" });
  line(f, d.grid, d.density.map((v) => Math.max(v, floor)), "density");
  f.plot.append("g").selectAll("line").data(d.nodes).join("line").attr("class", "node-tick")
    .attr("x1", (v) => f.x(v)).attr("x2", (v) => f.x(v)).attr("y1", f.height).attr("y2", f.height - 8);
  const edge = 2 / lr;
  if (edge > x[0] && edge < x[1]) {
    f.plot.append("line").attr("class", "edge-line").attr("x1", f.x(edge)).attr("x2", f.x(edge)).attr("y1", 0).attr("y2", f.height);
    f.plot.append("text").attr("class", "edge-label").attr("x", f.x(edge) - 4).attr("y", 14).attr("text-anchor", "end").text("2/η");
  }
}

/** The loss over the (α, β) plane as filled contours, the current weights at the centre. */
export function drawSlice(container: HTMLElement, s: SliceResult): void {
  const range: [number, number] = [s.alphas[0]!, s.alphas[s.alphas.length - 1]!];
  const f = frame(container, { width: 480, height: 460, x: range, y: range, xLabel: "α (direction d₁)", yLabel: "β (direction d₂)", title: "The loss over a plane through the current weights, filter-normalised random directions" });
  filledContours(f, s.values, s.alphas.length, { x: range, y: range });
  f.plot.append("path").attr("class", "slice-centre").attr("transform", `translate(${f.x(0)},${f.y(0)})`).attr("d", d3.symbol(d3.symbolStar, 160)()!);
}
