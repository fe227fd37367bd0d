/** The Models page's charts: pure drawing over the worker's results for the SVM, the GP and boosting. */
import * as d3 from "d3";
import { COLORS, frame, line, robustExtent, type Frame } from "../../plot.js";
import { BOOST_X, type BoostingResult } from "./boosting.js";
import type { GpResult, PosteriorLine } from "./gp.js";
import { EXTENT, GRID_N, type SvmResult } from "./svm.js";

const CLASS_COLORS = ["#D55E00", "#0072B2"];
let markerIds = 0;

/** An arrowhead for this chart's lines, in the line's colour; returns its url(#…). */
function arrowhead(f: Frame): string {
  const id = `models-arrow-${markerIds++}`;
  f.svg.select("defs").append("marker").attr("id", id).attr("viewBox", "0 0 10 10").attr("refX", 9).attr("refY", 5)
    .attr("markerWidth", 5).attr("markerHeight", 5).attr("orient", "auto")
    .append("path").attr("d", "M 0 0 L 10 5 L 0 10 z").attr("fill", "context-stroke");
  return `url(#${id})`;
}

/** A geoPath mapping an n × n grid's cell coordinates onto the window x × y of chart f. */
function gridPath(f: Frame, n: number, x: [number, number], y: [number, number]): d3.GeoPath {
  const at = (i: number, [a, b]: [number, number]): number => a + ((b - a) * i) / (n - 1);
  return d3.geoPath(d3.geoTransform({
    point(px, py) {
      this.stream.point(f.x(at(px, x)), f.y(at(py, y)));
    },
  }));
}

/** The SVC's two half-planes, its boundary f = 0 and margins f = ±1, the points, and each support vector circled with radius ∝ |αᵢ|. */
export function drawSvm(container: HTMLElement, r: SvmResult, title: string): void {
  const f = frame(container, { width: 480, height: 460, x: EXTENT, y: EXTENT, xLabel: "x₁", yLabel: "x₂", title });
  const path = gridPath(f, GRID_N, EXTENT, EXTENT);
  const levels = d3.contours().size([GRID_N, GRID_N]);
  // Each class's half-plane, f < 0 and f > 0, tinted in its colour.
  const halves = [...levels.thresholds([0])(r.grid.map((v) => -v)), ...levels.thresholds([0])(r.grid)];
  f.plot.append("g").selectAll("path").data(halves).join("path").attr("d", path).attr("fill", (_, k) => CLASS_COLORS[k]!).attr("fill-opacity", 0.13);
  f.plot.append("g").selectAll("path").data(levels.thresholds([-1, 0, 1])(r.grid)).join("path").attr("d", path)
    .attr("class", (d) => (d.value === 0 ? "boundary-line" : "margin-line")).attr("data-level", (d) => String(d.value));
  const support = new Set(r.supportIndices);
  f.plot.append("g").selectAll("circle").data(r.x).join("circle").attr("class", "point").attr("r", 3.2)
    .attr("cx", (p) => f.x(p[0])).attr("cy", (p) => f.y(p[1])).attr("fill", (_, i) => CLASS_COLORS[r.y[i]!]!)
    .attr("data-margin", (_, i) => String(r.margins[i])).attr("data-support", (_, i) => String(support.has(i)));
  const largest = d3.max(r.alphas) ?? 1;
  f.plot.append("g").selectAll("circle").data(r.supportIndices).join("circle").attr("class", "support-vector")
    .attr("r", (_, k) => Math.max(3, (12 * r.alphas[k]!) / largest)).attr("cx", (i) => f.x(r.x[i]![0])).attr("cy", (i) => f.y(r.x[i]![1]))
    .attr("stroke", (i) => CLASS_COLORS[r.y[i]!]!).attr("data-index", String).attr("data-alpha", (_, k) => String(r.alphas[k]))
    .attr("data-margin", (i) => String(r.margins[i]));
}

/** The noisy samples, the true function, and the posterior mean with its ±2σ band. */
export function drawPosterior(container: HTMLElement, r: GpResult, posterior: PosteriorLine, title: string): void {
  const { x, mean, sd, truth } = posterior;
  const lower = mean.map((m, i) => m - 2 * sd[i]!);
  const upper = mean.map((m, i) => m + 2 * sd[i]!);
  const y = robustExtent([...r.y, ...truth, ...lower, ...upper], 0.05);
  const f = frame(container, { width: 640, height: 340, x: [x[0]!, x[x.length - 1]!], y, xLabel: "x", yLabel: "y", title });
  const band = d3.area<number>().x((_, i) => f.x(x[i]!)).y0((_, i) => f.y(lower[i]!)).y1((_, i) => f.y(upper[i]!));
  f.plot.append("path").attr("class", "gp-band").attr("d", band(mean));
  line(f, x, truth, "gp-truth");
  line(f, x, mean, "gp-mean");
  f.plot.append("g").selectAll("circle").data(r.x).join("circle").attr("class", "point").attr("r", 3.5)
    .attr("cx", (v) => f.x(v)).attr("cy", (_, i) => f.y(r.y[i]!)).attr("fill", COLORS[6]!);
}

/** Each gradient as an arrow of fixed length on screen: its direction in θ, as the axes show it. */
function drawArrows(f: Frame, arrows: GpResult["arrows"]): void {
  const [kx, ky] = [f.x(1) - f.x(0), f.y(1) - f.y(0)];
  const end = (a: GpResult["arrows"][number]): [number, number] => {
    const [dx, dy] = [a.gradient[0] * kx, a.gradient[1] * ky];
    const length = Math.hypot(dx, dy) || Infinity;
    return [f.x(a.at[0]) + (16 * dx) / length, f.y(a.at[1]) + (16 * dy) / length];
  };
  f.plot.append("g").selectAll("line").data(arrows).join("line").attr("class", "lml-arrow").attr("marker-end", arrowhead(f))
    .attr("x1", (a) => f.x(a.at[0])).attr("y1", (a) => f.y(a.at[1])).attr("x2", (a) => end(a)[0]).attr("y2", (a) => end(a)[1]);
}

/** The LML over (log ℓ, log noise) as a heat map with contours, its gradient's direction as arrows, and the fitted θ. */
export function drawSurface(container: HTMLElement, r: GpResult, title: string, onPick: (theta: [number, number]) => void): Frame {
  const w = r.window;
  const f = frame(container, { width: 480, height: 440, x: w.x, y: w.y, xLabel: "log ℓ (lengthscale)", yLabel: "log noise variance", title });
  const top = d3.max(r.surface.filter(Number.isFinite)) ?? 0;
  const bottom = d3.min(r.surface.filter(Number.isFinite)) ?? top - 1;
  // Levels evenly spaced in log(top − LML): the broad low plain and the peak both show.
  const depth = d3.range(0, 20).map((k) => 0.05 * Math.pow((top - bottom) / 0.05, k / 19));
  const color = d3.scaleSequentialLog(d3.interpolateViridis).domain([top - bottom, 0.05]);
  const shapes = d3.contours().size([r.surface.length ** 0.5, r.surface.length ** 0.5]).thresholds(depth.map((d) => top - d).reverse())(r.surface.map((v) => (Number.isFinite(v) ? v : bottom)));
  f.plot.append("rect").attr("width", f.width).attr("height", f.height).attr("fill", color(top - bottom));
  f.plot.append("g").selectAll("path").data(shapes).join("path").attr("d", gridPath(f, r.surface.length ** 0.5, w.x, w.y))
    .attr("fill", (d) => color(Math.max(0.05, top - d.value))).attr("stroke", "#ffffff").attr("stroke-opacity", 0.35).attr("stroke-width", 0.6);
  drawArrows(f, r.arrows);
  f.plot.append("circle").attr("class", "lml-optimum").attr("r", 6).attr("cx", f.x(r.theta[1]!)).attr("cy", f.y(r.theta[2]!))
    .attr("data-lml", String(r.lml)).attr("data-testid", "lml-optimum");
  f.svg.attr("data-max", String(top));
  f.svg.on("click", (event: MouseEvent) => {
    const [px, py] = d3.pointer(event, f.plot.node());
    onPick([Number(f.x.invert(px).toFixed(3)), Number(f.y.invert(py).toFixed(3))]);
  });
  return f;
}

/** The θ the user picked on the surface (none: the fitted one is shown). */
export function markPicked(f: Frame, theta?: [number, number]): void {
  f.plot.selectAll(".lml-picked").remove();
  if (theta) f.plot.append("circle").attr("class", "lml-picked").attr("r", 6).attr("cx", f.x(theta[0])).attr("cy", f.y(theta[1])).attr("data-testid", "lml-picked");
}

/**
 * Round k: the samples, the ensemble's prediction before tree k (dashed) and after it (solid),
 * and at each sample an arrow −gᵢ from the prediction before: the direction tree k was grown to move.
 */
export function drawBoostingFit(container: HTMLElement, r: BoostingResult, k: number, title: string): void {
  const before = r.atSamples[k - 1]!;
  const tips = before.map((p, i) => p - r.g[k - 1]![i]!);
  const y = robustExtent([...r.y, ...r.line[k]!, ...tips], 0.05);
  const f = frame(container, { width: 640, height: 340, x: [r.lineX[0]!, r.lineX[r.lineX.length - 1]!], y, xLabel: "x", yLabel: r.y.every((v) => v === 0 || v === 1) ? "P(y = 1)" : "y", title });
  f.plot.append("g").selectAll("line").data(r.x).join("line").attr("class", "g-arrow").attr("marker-end", arrowhead(f))
    .attr("x1", (v) => f.x(v)).attr("x2", (v) => f.x(v)).attr("y1", (_, i) => f.y(before[i]!)).attr("y2", (_, i) => f.y(tips[i]!));
  line(f, r.lineX, r.line[k - 1]!, "boost-before");
  line(f, r.lineX, r.line[k]!, "boost-after").attr("data-round", String(k));
  f.plot.append("g").selectAll("circle").data(r.x).join("circle").attr("class", "point").attr("r", 3.2)
    .attr("cx", (v) => f.x(v)).attr("cy", (_, i) => f.y(r.y[i]!)).attr("fill", COLORS[6]!);
}

/** One stem per sample from 0 to its value (gᵢ or hᵢ), over x. */
export function drawStems(container: HTMLElement, x: readonly number[], values: readonly number[], label: string, color: string, title: string): void {
  const lo = Math.min(0, d3.min(values) ?? 0);
  const hi = Math.max(0, d3.max(values) ?? 1);
  const pad = 0.08 * (hi - lo || 1);
  const f = frame(container, { width: 420, height: 240, x: [BOOST_X[0] - 0.1, BOOST_X[1] + 0.1], y: [lo - (lo < 0 ? pad : 0), hi + pad], xLabel: "x", yLabel: label, title });
  f.plot.append("line").attr("class", "marker").attr("x1", 0).attr("x2", f.width).attr("y1", f.y(0)).attr("y2", f.y(0));
  const stems = f.plot.append("g").selectAll("g").data(values).join("g").attr("class", "stem").attr("data-value", String);
  stems.append("line").attr("x1", (_, i) => f.x(x[i]!)).attr("x2", (_, i) => f.x(x[i]!)).attr("y1", f.y(0)).attr("y2", (v) => f.y(v)).attr("stroke", color).attr("stroke-width", 1.6);
  stems.append("circle").attr("r", 2.4).attr("cx", (_, i) => f.x(x[i]!)).attr("cy", (v) => f.y(v)).attr("fill", color);
}

/** The mean training loss after each round, log scale, with the shown round marked. */
export function drawRoundLoss(container: HTMLElement, loss: readonly number[], k: number): void {
  const y: [number, number] = [Math.max(1e-6, (d3.min(loss) ?? 1e-3) / 1.5), Math.max(1e-5, (d3.max(loss) ?? 1) * 1.5)];
  const f = frame(container, { width: 420, height: 240, x: [1, Math.max(2, loss.length)], y, yScale: "log", xLabel: "round", yLabel: "mean loss", title: "Training loss after each round, log scale" });
  line(f, loss.map((_, i) => i + 1), loss, "loss").attr("stroke", COLORS[0]!);
  f.plot.append("circle").attr("class", "round-marker").attr("r", 5).attr("cx", f.x(k)).attr("cy", f.y(loss[k - 1]!));
}
