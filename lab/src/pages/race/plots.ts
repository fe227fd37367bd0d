/** The Optimizer race's charts: pure drawing over the grid, the trajectories and an inspected point. */
import * as d3 from "d3";
import { COLORS, filledContours, frame, line, type Frame } from "../../plot.js";
import type { GridResult, InspectResult, Trajectory } from "./jobs.js";
import { OPTIMIZERS, type OptimizerName, type Surface } from "./surfaces.js";

export type Window = Pick<Surface, "x" | "y">;

export const colorOf = (name: OptimizerName): string => COLORS[OPTIMIZERS.indexOf(name)]!;

/** The contour plot with the start marked; a click anywhere reports the point in data coordinates. */
export function drawSurface(container: HTMLElement, grid: GridResult, w: Window, start: [number, number], title: string, onClick: (point: [number, number]) => void): Frame {
  const f = frame(container, { width: 560, height: 520, x: w.x, y: w.y, xLabel: "x", yLabel: "y", title });
  filledContours(f, grid.values, grid.n, w);
  f.plot.append("circle").attr("class", "start").attr("r", 6).attr("cx", f.x(start[0])).attr("cy", f.y(start[1])).attr("data-testid", "start");
  f.svg.on("click", (event: MouseEvent) => {
    const [px, py] = d3.pointer(event, f.plot.node());
    onClick([Number(f.x.invert(px).toFixed(3)), Number(f.y.invert(py).toFixed(3))]);
  });
  return f;
}

/** Each path drawn up to the fraction progress of its length, with a dot at its head. */
export function drawPaths(f: Frame, trajectories: readonly Trajectory[], progress: number): void {
  f.plot.selectAll(".path, .path-end").remove();
  for (const t of trajectories) {
    const shown = t.path.slice(0, Math.max(1, Math.ceil(progress * t.path.length)));
    line(f, shown.map((p) => p[0]), shown.map((p) => p[1]), "path").attr("stroke", colorOf(t.optimizer)).attr("data-optimizer", t.optimizer);
    const end = shown[shown.length - 1]!;
    f.plot.append("circle").attr("class", "path-end").attr("r", 4).attr("fill", colorOf(t.optimizer)).attr("cx", f.x(end[0])).attr("cy", f.y(end[1]));
  }
}

/** Draws the paths growing over duration ms; returns what stops the animation. */
export function animatePaths(f: Frame, trajectories: readonly Trajectory[], duration: number, done: () => void): () => void {
  const t0 = performance.now();
  let frameId = 0;
  const tick = (): void => {
    const progress = Math.min(1, (performance.now() - t0) / duration);
    drawPaths(f, trajectories, progress);
    if (progress < 1) frameId = requestAnimationFrame(tick);
    else done();
  };
  tick();
  return () => cancelAnimationFrame(frameId);
}

/**
 * The losses per step: on a log scale when every loss is positive, otherwise (an unbounded
 * saddle) a symmetric log scale cut a few decades below the start, so one diverging run does
 * not flatten the rest.
 */
export function drawLosses(container: HTMLElement, trajectories: readonly Trajectory[]): void {
  const all = trajectories.flatMap((t) => t.losses).filter(Number.isFinite);
  if (!all.length) return void container.replaceChildren();
  const maxLen = d3.max(trajectories, (t) => t.losses.length) ?? 1;
  const positive = all.every((v) => v > 0);
  const top = d3.max(all)!;
  const floor = positive ? d3.min(all)! : Math.max(d3.min(all)!, -1000 * (Math.abs(trajectories[0]!.losses[0]!) + 1));
  const f = frame(container, { height: 260, x: [0, Math.max(1, maxLen - 1)], y: [floor, top], yScale: positive ? "log" : "symlog", xLabel: "step", yLabel: "f", title: "Loss per step, log scale" });
  for (const t of trajectories) {
    const ys = t.losses.map((v) => Math.max(floor, Math.min(v, top)));
    line(f, ys.map((_, i) => i), ys, "loss").attr("stroke", colorOf(t.optimizer));
  }
}

/** At an inspected point: the gradient arrow and the Hessian's eigenvectors (green where f curves up, red where down). */
export function drawInspectMarks(f: Frame, r: InspectResult, w: Window): void {
  f.plot.selectAll(".inspect-mark").remove();
  const [px, py] = r.point;
  const size = 0.12 * (w.x[1] - w.x[0]);
  const gnorm = Math.hypot(...r.gradient) || 1;
  if (f.svg.select("#race-arrow").empty()) {
    f.svg.select("defs").append("marker").attr("id", "race-arrow").attr("viewBox", "0 0 10 10").attr("refX", 9).attr("refY", 5).attr("markerWidth", 6).attr("markerHeight", 6).attr("orient", "auto")
      .append("path").attr("d", "M 0 0 L 10 5 L 0 10 z").attr("fill", "context-stroke");
  }
  const segment = (cls: string, from: [number, number], to: [number, number]) =>
    f.plot.append("line").attr("class", `inspect-mark ${cls}`).attr("x1", f.x(from[0])).attr("y1", f.y(from[1])).attr("x2", f.x(to[0])).attr("y2", f.y(to[1]));
  segment("gradient-arrow", [px, py], [px + (size * r.gradient[0]) / gnorm, py + (size * r.gradient[1]) / gnorm]).attr("marker-end", "url(#race-arrow)");
  r.eigenvectors.forEach((v, k) => {
    const len = 0.6 * size;
    segment(`eigen ${r.eigenvalues[k]! > 0 ? "up" : "down"}`, [px - len * v[0], py - len * v[1]], [px + len * v[0], py + len * v[1]]);
  });
  f.plot.append("circle").attr("class", "inspect-mark inspect-point").attr("r", 5).attr("cx", f.x(px)).attr("cy", f.y(py));
}
