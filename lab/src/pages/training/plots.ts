/** The Training playground's charts: pure drawing over the dataset and the training's progress. */
import * as d3 from "d3";
import { COLORS, frame, line } from "../../plot.js";
import { type Dataset, EXTENT } from "../../datasets.js";
import { BOUNDARY_N } from "./jobs.js";

const CLASS_COLORS = ["#D55E00", "#0072B2"];

/** The points by class and, once known, the network's P(class 1) as bands with the 0.5 line. */
export function drawBoundary(container: HTMLElement, data: Dataset, title: string, probabilities?: number[]): void {
  const f = frame(container, { width: 480, height: 460, x: EXTENT, y: EXTENT, xLabel: "x₁", yLabel: "x₂", title });
  if (probabilities) {
    const color = d3.scaleDiverging(d3.interpolateRdBu).domain([0, 0.5, 1]);
    const cell = (EXTENT[1] - EXTENT[0]) / (BOUNDARY_N - 1);
    const toPixels = d3.geoTransform({
      point(px, py) {
        this.stream.point(f.x(EXTENT[0] + cell * px), f.y(EXTENT[0] + cell * py));
      },
    });
    const bands = d3.contours().size([BOUNDARY_N, BOUNDARY_N]).thresholds(d3.range(0.05, 1, 0.1))(probabilities);
    f.plot.append("g").selectAll("path").data(bands).join("path").attr("d", d3.geoPath(toPixels)).attr("fill", (d) => color(d.value)).attr("fill-opacity", 0.45);
    const half = d3.contours().size([BOUNDARY_N, BOUNDARY_N]).thresholds([0.5])(probabilities);
    f.plot.append("g").selectAll("path").data(half).join("path").attr("class", "boundary-line").attr("d", d3.geoPath(toPixels));
  }
  f.plot.append("g").selectAll("circle").data(data.x).join("circle")
    .attr("class", "point").attr("r", 3.5).attr("cx", (p) => f.x(p[0])).attr("cy", (p) => f.y(p[1])).attr("fill", (_, i) => CLASS_COLORS[data.y[i]!]!);
}

export function drawLoss(container: HTMLElement, losses: readonly number[], steps: number): void {
  const y: [number, number] = [Math.max(1e-4, d3.min(losses) ?? 1e-3), Math.max(1, d3.max(losses) ?? 1)];
  const f = frame(container, { width: 420, height: 260, x: [1, Math.max(2, steps)], y, yScale: "log", xLabel: "step", yLabel: "loss", title: "Training loss, log scale" });
  line(f, losses.map((_, i) => i + 1), losses, "loss").attr("stroke", COLORS[0]!);
}

/** One bar per layer with parameters, on a log scale: vanishing gradients show as bars falling to the left. */
export function drawGradNorms(container: HTMLElement, norms: readonly number[]): void {
  const top = Math.max(1e-12, d3.max(norms) ?? 1);
  const bottom = Math.min(top / 10, Math.max(1e-12, d3.min(norms) ?? 1e-6) / 2);
  const f = frame(container, { width: 420, height: 260, x: [0, norms.length], y: [bottom, top * 2], yScale: "log", xTicks: false, yLabel: "‖∂L/∂θ‖", title: "Gradient norm of each layer's parameters, log scale" });
  const band = d3.scaleBand<number>().domain(d3.range(norms.length)).range([0, f.width]).padding(0.2);
  const base = (v: number): number => Math.max(v, bottom);
  f.plot.selectAll("rect").data(norms).join("rect").attr("class", "bar").attr("x", (_, i) => band(i)!).attr("width", band.bandwidth())
    .attr("y", (v) => f.y(base(v))).attr("height", (v) => f.height - f.y(base(v))).attr("data-norm", (v) => String(v));
  f.svg.select<SVGGElement>("g").selectAll(".layer-label").data(norms).join("text").attr("class", "layer-label")
    .attr("x", (_, i) => band(i)! + band.bandwidth() / 2).attr("y", f.height + 18).attr("text-anchor", "middle").text((_, i) => (i === norms.length - 1 ? "out" : `L${i + 1}`));
}
