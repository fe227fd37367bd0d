/** The Loss landscape page's DOM: the controls, the output column, the legend, the table of critical points and the verdict. */
import type * as nb from "nabla";
import { DATASETS } from "../../datasets.js";
import { button, el, field, input, select } from "../../dom.js";
import { ACTIVATIONS } from "../../network.js";
import { fmt } from "../../plot.js";
import type { ClassifyResult } from "./jobs.js";
import { KINDS } from "./plots.js";

export function controls() {
  const c = {
    f: input({ type: "text", spellcheck: "false", "data-testid": "landscape-f" }),
    box: input({ type: "text", spellcheck: "false", "data-testid": "landscape-box" }),
    starts: input({ type: "number", step: "10", min: "4", max: "400" }),
    dataset: select(DATASETS, "moons"),
    seed: input({ type: "number", step: "1" }),
    noise: input({ type: "number", step: "0.05", min: "0", max: "1" }),
    depth: input({ type: "number", step: "1", min: "1", max: "4" }),
    width: input({ type: "number", step: "1", min: "1", max: "32" }),
    activation: select(ACTIVATIONS, "tanh"),
    lr: input({ type: "number", step: "any", min: "0" }),
    steps: input({ type: "number", step: "50", min: "10", max: "3000" }),
    range: input({ type: "number", step: "0.1", min: "0.01", max: "10" }),
    train: button("Train ▶", { class: "primary", "data-testid": "landscape-train" }),
    stop: button("Stop", { "data-testid": "landscape-stop" }),
    slice: button("Slice here", { "data-testid": "landscape-slice" }),
    status: el("p", { class: "status", "aria-live": "polite", "data-testid": "landscape-status" }),
  };
  const nodes = [
    el("h2", { class: "panel-head" }, "A function f(x, y)"),
    field("f(x, y) =", c.f, "Press Enter or leave the field to find its critical points."),
    field("Region: xmin, xmax, ymin, ymax", c.box),
    field("Starts", c.starts, "Levenberg–Marquardt runs from quasi-random points"),
    el("h2", { class: "panel-head" }, "A network"),
    el("div", { class: "row" }, field("Dataset", c.dataset), field("Seed", c.seed)),
    el("div", { class: "row" }, field("Noise", c.noise), field("Activation φ", c.activation)),
    el("div", { class: "row" }, field("Hidden layers", c.depth), field("Width", c.width)),
    el("div", { class: "row" }, field("Learning rate η", c.lr), field("Steps", c.steps)),
    field("Slice range", c.range, "α and β run over [−r, r]"),
    el("div", { class: "buttons" }, c.train, c.stop, c.slice),
    c.status,
  ];
  return { ...c, nodes };
}

export function outputs() {
  const o = {
    contour: el("div", { class: "plot square", "data-testid": "landscape-contour" }),
    legend: el("ul", { class: "kinds", "data-testid": "landscape-legend" }),
    verdict: el("div", { class: "verdict", "aria-live": "polite", "data-testid": "landscape-verdict" }),
    points: el("table", { class: "methods", "data-testid": "landscape-points" }),
    sharpness: el("div", { class: "plot small", "data-testid": "landscape-sharpness" }),
    loss: el("div", { class: "plot small", "data-testid": "landscape-loss" }),
    density: el("div", { class: "plot small", "data-testid": "landscape-density" }),
    slice: el("div", { class: "plot square", "data-testid": "landscape-slice-plot" }),
  };
  const nodes = [
    el("h2", {}, "Critical points, by Morse index"), o.legend, o.contour,
    el("p", { class: "caption" }, "Click a marker or anywhere on the contours for nb.landscape.classify's verdict there."), o.verdict,
    el("div", { class: "table-wrap" }, o.points),
    el("div", { class: "pair" },
      el("div", {}, el("h2", {}, "Sharpness λmax and the edge of stability"), o.sharpness),
      el("div", {}, el("h2", {}, "Loss"), o.loss)),
    el("h2", {}, "Hessian spectrum at the current weights"), o.density,
    el("h2", {}, "A filter-normalised 2-D slice around the current weights"), o.slice,
  ];
  return { ...o, nodes };
}

/** One entry per kind found, with its marker's colour and how many there are. */
export function showLegend(list: HTMLElement, points: readonly nb.landscape.CriticalPoint[]): void {
  const kinds = Object.keys(KINDS) as nb.landscape.PointKind[];
  const counts = kinds.map((kind) => [kind, points.filter((p) => p.kind === kind).length] as const).filter(([, n]) => n > 0);
  list.dataset["count"] = String(points.length);
  list.replaceChildren(...(counts.length
    ? counts.map(([kind, n]) => el("li", { "data-kind": kind, "data-count": String(n) },
      el("span", { class: "swatch", style: `background:${KINDS[kind].color}` }), `${n} × ${KINDS[kind].label}`))
    : [el("li", {}, "No critical points in this region.")]));
}

/** The critical points, lowest f first: where, f, kind, Morse index and the Hessian's eigenvalues. */
export function showPoints(table: HTMLTableElement, points: readonly nb.landscape.CriticalPoint[]): void {
  const head = el("tr", {}, ...["x", "y", "f", "kind", "index", "eigenvalues"].map((h) => el("th", {}, h)));
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...points.map((p) => el("tr", { "data-kind": p.kind, "data-x": String(p.x[0]), "data-y": String(p.x[1]) },
    el("td", { class: "num" }, fmt(p.x[0]!, 4)), el("td", { class: "num" }, fmt(p.x[1]!, 4)), el("td", { class: "num" }, fmt(p.value, 4)),
    el("td", { class: "kind" }, el("span", { class: "swatch", style: `background:${KINDS[p.kind].color}` }), p.kind),
    el("td", { class: "num" }, String(p.morseIndex)), el("td", { class: "num" }, p.eigenvalues.map((v) => fmt(v, 3)).join(", "))))));
}

/** classify's verdict at the clicked point. */
export function showVerdict(box: HTMLElement, r: ClassifyResult): void {
  box.dataset["kind"] = r.kind;
  const where = `(${r.point.join(", ")})`;
  const condition = Number.isFinite(r.conditionNumber) ? fmt(r.conditionNumber, 3) : "∞";
  box.replaceChildren(
    el("strong", { style: `color:${KINDS[r.kind].color}` }, r.kind === "not-critical" ? `Not a critical point at ${where}` : `A ${r.kind} at ${where}`),
    el("span", {}, ` · f = ${fmt(r.value, 6)} · ‖∇f‖ = ${fmt(r.gradNorm, 3)} · Hessian eigenvalues ${r.eigenvalues.map((v) => fmt(v, 4)).join(", ")} · Morse index ${r.morseIndex} · condition number ${condition}`));
}
