/** The Derivatives page's charts: pure drawing over a DerivativesResult. */
import * as d3 from "d3";
import { frame, line, robustExtent } from "../../plot.js";
import type { DerivativesResult } from "./jobs.js";

export interface CurveView {
  source: string;
  xmin: number;
  xmax: number;
  /** The secant's step is 2^h. */
  h: number;
}

/**
 * f with its tangent, secant and Taylor polynomials at x₀, and a draggable handle: dragging
 * anywhere on the plot, or the arrow keys on the handle, ask for a new x₀ through moveTo.
 */
export function drawCurve(container: HTMLElement, r: DerivativesResult, view: CurveView, moveTo: (x0: number) => void): void {
  const [lo, hi] = robustExtent([...r.f, r.fx0]);
  const f = frame(container, { x: [view.xmin, view.xmax], y: [lo, hi], xLabel: "x", yLabel: "f(x)", title: `Plot of f(x) = ${view.source} with tangent, secant and Taylor polynomials` });
  r.taylor.forEach((ys, k) => line(f, r.xs, ys, "taylor").attr("opacity", k === r.taylor.length - 1 ? 1 : 0.25));
  line(f, r.xs, r.f, "f");
  const span = view.xmax - view.xmin;
  const through = (slope: number, cls: string): void => {
    line(f, [r.x0 - span, r.x0 + span], [r.fx0 - slope * span, r.fx0 + slope * span], cls);
  };
  through(r.slope, "tangent");
  const secant = secantAt(r, view.h);
  through(secant.slope, "secant");
  f.plot.append("circle").attr("class", "secant-point").attr("r", 4).attr("cx", f.x(r.x0 + secant.h)).attr("cy", f.y(r.fx0 + secant.h * secant.slope));
  const handle = f.plot.append("circle").attr("class", "handle").attr("r", 7).attr("cx", f.x(r.x0)).attr("cy", f.y(r.fx0))
    .attr("tabindex", "0").attr("role", "slider").attr("aria-label", "Point x₀ (arrow keys move it)")
    .attr("aria-valuenow", String(r.x0)).attr("data-testid", "handle");
  // The whole plot is the drag target, so grabbing near the curve is enough.
  const fromPointer = (event: PointerEvent): void => moveTo(Number(f.x.invert(d3.pointer(event, f.plot.node())[0]).toFixed(3)));
  f.svg.on("pointerdown", (event: PointerEvent) => {
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    fromPointer(event);
  }).on("pointermove", (event: PointerEvent) => {
    if (event.buttons) fromPointer(event);
  });
  handle.on("keydown", (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    moveTo(Number((r.x0 + (step * span) / 100).toFixed(3)));
  });
}

/** f, f′ and f″ together, with x₀ marked. */
export function drawDerivatives(container: HTMLElement, r: DerivativesResult, view: CurveView): void {
  const [lo, hi] = robustExtent([...r.f, ...r.df, ...r.d2f]);
  const g = frame(container, { height: 260, x: [view.xmin, view.xmax], y: [lo, hi], xLabel: "x", title: "f, its first derivative and its second derivative" });
  line(g, r.xs, r.f, "f").attr("opacity", 0.35);
  line(g, r.xs, r.df, "df");
  line(g, r.xs, r.d2f, "d2f");
  g.plot.append("line").attr("class", "marker").attr("x1", g.x(r.x0)).attr("x2", g.x(r.x0)).attr("y1", 0).attr("y2", g.height);
}

/** The secant of step 2^h (h from 0 down to −20). */
export function secantAt(r: DerivativesResult, h: number): { h: number; slope: number } {
  return r.secants[-h] ?? r.secants[0]!;
}
