/** Small d3 helpers shared by the pages: a framed chart with axes, lines, filled contours, and a colour cycle. */
import * as d3 from "d3";

export type Scale = d3.ScaleContinuousNumeric<number, number>;

export interface Frame {
  svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  /** The plotting area, clipped, in data coordinates through x and y. */
  plot: d3.Selection<SVGGElement, unknown, null, undefined>;
  x: Scale;
  y: Scale;
  width: number;
  height: number;
}

export interface FrameOptions {
  /** The SVG's coordinate size; it scales to the container's width. */
  width?: number;
  height?: number;
  x: [number, number];
  y: [number, number];
  yScale?: "linear" | "log" | "symlog";
  /** A log x axis (for errors against n); linear by default. */
  xScale?: "linear" | "log";
  xLabel?: string;
  yLabel?: string;
  /** Accessible name of the chart. */
  title: string;
  /** Draw the x axis's numbers (off for charts that label their own categories). */
  xTicks?: boolean;
}

const MARGIN = { top: 12, right: 16, bottom: 40, left: 56 };
let clipIds = 0;

export function frame(container: HTMLElement, options: FrameOptions): Frame {
  const outerWidth = options.width ?? 640;
  const outerHeight = options.height ?? 400;
  const width = outerWidth - MARGIN.left - MARGIN.right;
  const height = outerHeight - MARGIN.top - MARGIN.bottom;
  container.replaceChildren();
  const svg = d3.select(container).append("svg")
    .attr("viewBox", `0 0 ${outerWidth} ${outerHeight}`)
    .attr("role", "img")
    .attr("aria-label", options.title)
    .attr("class", "chart");
  const x: Scale = (options.xScale === "log" ? d3.scaleLog() : d3.scaleLinear()).domain(options.x).range([0, width]);
  const y: Scale = (options.yScale === "log" ? d3.scaleLog() : options.yScale === "symlog" ? d3.scaleSymlog() : d3.scaleLinear())
    .domain(options.y)
    .range([height, 0]);
  const root = svg.append("g").attr("transform", `translate(${MARGIN.left},${MARGIN.top})`);
  root.append("g").attr("class", "grid").call(d3.axisLeft(y).ticks(6).tickSize(-width).tickFormat(() => ""));
  root.append("g").attr("class", "grid").attr("transform", `translate(0,${height})`).call(d3.axisBottom(x).ticks(8).tickSize(-height).tickFormat(() => ""));
  const xAxis = options.xScale === "log" ? d3.axisBottom(x).ticks(6, "~s") : d3.axisBottom(x).ticks(options.xTicks === false ? 0 : 8);
  root.append("g").attr("class", "axis").attr("transform", `translate(0,${height})`).call(xAxis);
  const yAxis = options.yScale === "log" ? d3.axisLeft(y).ticks(6, "~e")
    : options.yScale === "symlog" ? d3.axisLeft(y).tickValues(symlogTicks(options.y)).tickFormat(d3.format("~s"))
    : d3.axisLeft(y).ticks(6);
  root.append("g").attr("class", "axis").call(yAxis);
  if (options.xLabel) root.append("text").attr("class", "axis-label").attr("x", width / 2).attr("y", height + 34).attr("text-anchor", "middle").text(options.xLabel);
  if (options.yLabel) root.append("text").attr("class", "axis-label").attr("transform", `translate(-44,${height / 2}) rotate(-90)`).attr("text-anchor", "middle").text(options.yLabel);
  const clipId = `clip-${clipIds++}`;
  svg.append("defs").append("clipPath").attr("id", clipId).append("rect").attr("width", width).attr("height", height);
  const plot = root.append("g").attr("clip-path", `url(#${clipId})`);
  return { svg, plot, x, y, width, height };
}

/** 0 and ±10ᵏ inside the domain, thinned to about 7: d3's symlog ticks crowd near the ends. */
function symlogTicks([lo, hi]: [number, number]): number[] {
  const ticks = [0, ...d3.range(0, 16).flatMap((k) => [10 ** k, -(10 ** k)])].filter((v) => v >= lo && v <= hi).sort((a, b) => a - b);
  const every = Math.ceil(ticks.length / 7);
  return ticks.filter((v, i) => v === 0 || i % every === 0);
}

/** A polyline through (xs[i], ys[i]); non-finite values break the line instead of spiking. */
export function line(f: Frame, xs: readonly number[], ys: readonly number[], className: string): d3.Selection<SVGPathElement, unknown, null, undefined> {
  const points = xs.map((x, i): [number, number] => [x, ys[i]!]);
  const path = d3.line<[number, number]>()
    .defined(([, y]) => Number.isFinite(y))
    .x(([x]) => f.x(x))
    .y(([, y]) => f.y(y));
  return f.plot.append("path").attr("class", `line ${className}`).attr("d", path(points));
}

/** A y-range that shows the body of a curve, ignoring the few samples near a pole. */
export function robustExtent(values: readonly number[], pad = 0.1): [number, number] {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!finite.length) return [-1, 1];
  const lo = d3.quantileSorted(finite, 0.02)!;
  const hi = d3.quantileSorted(finite, 0.98)!;
  const span = hi - lo || Math.max(1, Math.abs(hi));
  return [lo - pad * span, hi + pad * span];
}

/** Filled contours of values (at i + j·n over the window w), levels evenly spaced in log(f − min) so a deep narrow valley and the walls both show. */
export function filledContours(f: Frame, values: readonly number[], n: number, w: { x: [number, number]; y: [number, number] }): void {
  const finite = values.filter(Number.isFinite);
  const lo = d3.min(finite) ?? 0;
  const hi = d3.max(finite) ?? 1;
  const thresholds = d3.range(1, 25).map((k) => lo + (hi - lo) * Math.pow(1e-4, 1 - k / 24));
  const color = d3.scaleSequentialLog(d3.interpolateViridis).domain([thresholds[0]! - lo, hi - lo]);
  const shapes = d3.contours().size([n, n]).thresholds(thresholds)(values.map((v) => (Number.isFinite(v) ? v : hi)));
  const cell = (i: number, [a, b]: [number, number]): number => a + ((b - a) * i) / (n - 1);
  const toData = d3.geoTransform({
    point(px, py) {
      this.stream.point(f.x(cell(px, w.x)), f.y(cell(py, w.y)));
    },
  });
  f.plot.insert("g", ":first-child").attr("class", "contours").selectAll("path").data(shapes).join("path")
    .attr("d", d3.geoPath(toData)).attr("fill", (d) => color(d.value - lo)).attr("fill-opacity", 0.35).attr("stroke", (d) => color(d.value - lo));
  // Under the contours, below the lowest level (the valley floor), the lowest level's colour.
  f.plot.insert("rect", ":first-child").attr("width", f.width).attr("height", f.height).attr("fill", color(thresholds[0]! - lo)).attr("fill-opacity", 0.35);
}

/** Distinct, colour-blind-friendly colours (Okabe–Ito), one per series. */
export const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22"];

/** Numbers for people: fixed decimals in a normal range, scientific otherwise. */
export function fmt(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return value.toExponential(Math.min(digits, 3));
  return String(Number(value.toFixed(digits)));
}
