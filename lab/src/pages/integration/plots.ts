/** The Integration page's charts: pure drawing over the worker's results. */
import * as d3 from "d3";
import { COLORS, type Frame, frame, line, robustExtent } from "../../plot.js";
import { type AdaptiveResult, CONVERGENCE_N, ESTIMATOR_LABELS, ESTIMATORS, type EstimatorsResult, MC_METHODS, MC_N, type MonteCarloResult, type RuleName, RULES, type RulesResult } from "./jobs.js";

// Not the first colour, which is the curve of f; Simpson, the default, gets the amber that stands out from it.
export const RULE_COLORS: Record<RuleName, string> = { left: COLORS[1]!, right: COLORS[2]!, midpoint: COLORS[3]!, trapezoid: COLORS[5]!, simpson: COLORS[4]!, gauss: COLORS[6]! };
export const MC_COLORS = { mc: COLORS[1]!, sobol: COLORS[0]!, halton: COLORS[2]! } as const;
export const ESTIMATOR_COLORS = { reparameterization: COLORS[0]!, score: COLORS[1]!, scoreBaseline: COLORS[2]! } as const;

type Polygon = [number, number][];

/** y-range of a curve that always shows the axis y = 0, where the areas stand. */
function withZero(values: readonly number[]): [number, number] {
  const [lo, hi] = robustExtent(values, 0.08);
  return [Math.min(lo, 0), Math.max(hi, 0)];
}

/** The parabola through three equally spaced points, as a polygon down to y = 0. */
function parabola(x: readonly number[], y: readonly number[]): Polygon {
  const [x0, x2] = [x[0]!, x[2]!];
  const h = (x2 - x0) / 2;
  const points = d3.range(17).map((k): [number, number] => {
    const t = (k / 16) * 2 - 1; // −1 … 1 across the pair of subintervals
    return [x0 + (t + 1) * h, (y[0]! * t * (t - 1)) / 2 + y[1]! * (1 - t * t) + (y[2]! * t * (t + 1)) / 2];
  });
  return [[x0, 0], ...points, [x2, 0]];
}

/** The shapes whose area is the rule's estimate: rectangles, trapezoids, parabolas, or Gauss's weight-wide bars. */
function shapes(rule: RuleName, shown: RulesResult["shown"], h: number, a: number): Polygon[] {
  const { x, y } = shown;
  const box = (lo: number, hi: number, v: number): Polygon => [[lo, 0], [lo, v], [hi, v], [hi, 0]];
  if (rule === "gauss") {
    // Stieltjes: the partial sums of the weights separate the nodes, so bar i (width wᵢ) holds node i.
    const ends = [a, ...d3.cumsum(shown.weights ?? []).map((s) => a + s)];
    return y.map((v, i) => box(ends[i]!, ends[i + 1]!, v));
  }
  if (rule === "trapezoid") return y.slice(1).map((v, i) => [[x[i]!, 0], [x[i]!, y[i]!], [x[i + 1]!, v], [x[i + 1]!, 0]]);
  if (rule === "simpson") {
    const pairs = d3.range(0, x.length - 2, 2).map((i) => parabola(x.slice(i, i + 3), y.slice(i, i + 3)));
    // An odd n leaves one last subinterval: drawn as a trapezoid (its estimate corrects it by the last parabola).
    const n = x.length - 1;
    return n % 2 ? [...pairs, [[x[n - 1]!, 0], [x[n - 1]!, y[n - 1]!], [x[n]!, y[n]!], [x[n]!, 0]]] : pairs;
  }
  const start = rule === "left" ? 0 : rule === "right" ? -h : -h / 2;
  return y.map((v, i) => box(x[i]! + start, x[i]! + start + h, v));
}

export function drawArea(container: HTMLElement, result: RulesResult, rule: RuleName, n: number, range: [number, number]): void {
  const { curve, shown } = result;
  const f = frame(container, { width: 480, height: 320, x: range, y: withZero([...curve.y, ...shown.y]), xLabel: "x", yLabel: "f(x)", title: `f and the ${rule} rule's shapes with n = ${n}` });
  const color = RULE_COLORS[rule];
  const polygon = d3.line<[number, number]>().x(([x]) => f.x(x)).y(([, y]) => f.y(y));
  f.plot.append("g").selectAll("path").data(shapes(rule, shown, (range[1] - range[0]) / n, range[0])).join("path")
    .attr("d", (p) => `${polygon(p)}Z`).attr("fill", color).attr("fill-opacity", 0.22).attr("stroke", color).attr("stroke-width", 1);
  f.plot.append("line").attr("class", "marker").attr("x1", 0).attr("x2", f.width).attr("y1", f.y(0)).attr("y2", f.y(0));
  line(f, curve.x, curve.y, "f");
  f.plot.append("g").selectAll("circle").data(shown.x).join("circle").attr("class", "point").attr("r", n > 64 ? 1.5 : 3.5)
    .attr("cx", (x) => f.x(x)).attr("cy", (_, i) => f.y(shown.y[i]!)).attr("fill", color);
}

/** Log-log lines of |error| against n; zero errors (exact to the last bit) are left out. */
function logLines(f: Frame, xs: readonly number[], series: { values: readonly number[]; color: string; width?: number; dash?: string }[]): void {
  for (const s of series) {
    line(f, xs, s.values.map((v) => (v > 0 ? v : NaN)), "loss").attr("stroke", s.color).attr("stroke-width", s.width ?? 1.8).attr("stroke-dasharray", s.dash ?? null);
    f.plot.append("g").selectAll("circle").data(xs.filter((_, i) => s.values[i]! > 0 && !s.dash)).join("circle")
      .attr("r", 2.5).attr("fill", s.color).attr("cx", (x) => f.x(x)).attr("cy", (x) => f.y(s.values[xs.indexOf(x)]!));
  }
}

function logRange(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  return positive.length ? [Math.max(1e-17, d3.min(positive)!) / 2, d3.max(positive)! * 2] : [1e-16, 1];
}

export function drawConvergence(container: HTMLElement, errors: RulesResult["errors"], chosen: RuleName): void {
  const all = RULES.flatMap((r) => errors[r]);
  const f = frame(container, { width: 480, height: 320, x: [CONVERGENCE_N[0]!, CONVERGENCE_N[CONVERGENCE_N.length - 1]!], xScale: "log", y: logRange(all), yScale: "log", xLabel: "n (subintervals; Gauss: nodes)", yLabel: "|error|", title: "Each rule's error against n, log-log" });
  logLines(f, CONVERGENCE_N, RULES.map((r) => ({ values: errors[r], color: RULE_COLORS[r], width: r === chosen ? 3.2 : 1.6 })));
}

/** The integrand with quad's final partition: one band per subinterval, alternately shaded, and its ends. */
export function drawAdaptive(container: HTMLElement, result: AdaptiveResult): void {
  const { curve, edges } = result;
  const range: [number, number] = [edges[0]!, edges[edges.length - 1]!];
  const f = frame(container, { width: 560, height: 280, x: range, y: withZero(curve.y), xLabel: "x", yLabel: "f(x)", title: `The integrand and quad's ${edges.length - 1} final subintervals` });
  f.plot.append("g").selectAll("rect").data(edges.slice(1)).join("rect").attr("x", (_, i) => f.x(edges[i]!)).attr("width", (hi, i) => Math.max(0.5, f.x(hi) - f.x(edges[i]!)))
    .attr("y", 0).attr("height", f.height).attr("fill", (_, i) => (i % 2 ? "#e8eef8" : "#f7f9fc"));
  f.plot.append("g").selectAll("line").data(edges).join("line").attr("class", "edge-tick").attr("x1", (x) => f.x(x)).attr("x2", (x) => f.x(x))
    .attr("y1", f.height).attr("y2", f.height - 14).attr("stroke", COLORS[1]!).attr("stroke-width", 1.5);
  line(f, curve.x, curve.y, "f");
}

/** RMS error against n for each method, with the slopes n^−½ and n^−1 through the first points. */
export function drawMonteCarlo(container: HTMLElement, result: MonteCarloResult): void {
  const all = MC_METHODS.flatMap((m) => result[m].rmse);
  const f = frame(container, { width: 480, height: 320, x: [MC_N[0]!, MC_N[MC_N.length - 1]!], xScale: "log", y: logRange(all), yScale: "log", xLabel: "n (points)", yLabel: "RMS error", title: "Monte Carlo and quasi-Monte Carlo error against n, log-log" });
  const through = (start: number, power: number): number[] => MC_N.map((n) => start * (MC_N[0]! / n) ** power);
  logLines(f, MC_N, [
    { values: through(result.mc.rmse[0]!, 0.5), color: "#8a93a3", dash: "6 4", width: 1.4 },
    { values: through(result.sobol.rmse[0]!, 1), color: "#8a93a3", dash: "2 3", width: 1.4 },
    ...MC_METHODS.map((m) => ({ values: result[m].rmse, color: MC_COLORS[m] })),
  ]);
}

/** One histogram per estimator on a shared axis, with the true gradient 2μ marked. */
export function drawEstimates(container: HTMLElement, result: EstimatorsResult, truth: number): void {
  const all = ESTIMATORS.flatMap((e) => result[e]).sort((p, q) => p - q);
  const lo = Math.min(d3.quantileSorted(all, 0.01)!, truth);
  const hi = Math.max(d3.quantileSorted(all, 0.99)!, truth);
  const pad = (hi - lo) * 0.05 || 1;
  const f = frame(container, { width: 480, height: 340, x: [lo - pad, hi + pad], y: [0, ESTIMATORS.length], xLabel: "estimate of ∂/∂μ E[x²]", title: "Histograms of each estimator's estimates, true value marked" });
  const bins = d3.bin().domain([lo - pad, hi + pad]).thresholds(d3.range(lo - pad, hi + pad, (hi - lo + 2 * pad) / 60));
  for (const [row, name] of ESTIMATORS.entries()) {
    const counts = bins(result[name]);
    const top = d3.max(counts, (b) => b.length) ?? 1;
    const base = ESTIMATORS.length - row - 1;
    f.plot.append("g").selectAll("rect").data(counts).join("rect").attr("fill", ESTIMATOR_COLORS[name]).attr("fill-opacity", 0.75)
      .attr("x", (b) => f.x(b.x0!)).attr("width", (b) => Math.max(0, f.x(b.x1!) - f.x(b.x0!) - 0.5))
      .attr("y", (b) => f.y(base + (0.85 * b.length) / top)).attr("height", (b) => f.y(base) - f.y(base + (0.85 * b.length) / top));
  }
  // The rows are categories, named in the legend and on the plot: the y axis's numbers would mean nothing.
  f.svg.selectAll("g.axis").filter((_, i) => i === 1).selectAll("text").remove();
  f.plot.append("g").selectAll("text").data(ESTIMATORS).join("text").attr("class", "layer-label").attr("x", 6).attr("y", (_, row) => f.y(ESTIMATORS.length - row) + 14).text((name) => ESTIMATOR_LABELS[name]);
  f.plot.append("line").attr("class", "marker").attr("x1", f.x(truth)).attr("x2", f.x(truth)).attr("y1", 0).attr("y2", f.height).attr("stroke-width", 2);
}
