/** The Optimizer race's DOM: controls (a row per optimizer with its learning rate), the results table and the inspect panel. */
import { button, el, field, input, select } from "../../dom.js";
import { math } from "../../math.js";
import { fmt } from "../../plot.js";
import type { InspectResult, Trajectory } from "./jobs.js";
import { colorOf } from "./plots.js";
import { isFirstOrder, OPTIMIZER_LABELS, OPTIMIZERS, type OptimizerName, SURFACES } from "./surfaces.js";

export const SURFACE_IDS = [...Object.keys(SURFACES), "custom"] as const;
export const CLICK_MODES = ["start", "inspect"] as const;

const swatch = (name: OptimizerName): HTMLElement => el("span", { class: "swatch", style: `background:${colorOf(name)}` });

/** One row per optimizer: a checkbox, and for first-order ones the learning rate. */
function racerRow(name: OptimizerName): { row: HTMLElement; box: HTMLInputElement; lr?: HTMLInputElement } {
  const box = input({ type: "checkbox", value: name, id: `opt-${name}`, "data-testid": `opt-${name}` });
  const label = el("label", { class: "check", for: `opt-${name}` }, box, swatch(name), OPTIMIZER_LABELS[name]);
  if (!isFirstOrder(name)) return { row: el("div", { class: "racer" }, label, el("small", {}, "line search")), box };
  const lr = input({ type: "number", step: "any", min: "0", "aria-label": `Learning rate of ${OPTIMIZER_LABELS[name]}`, "data-testid": `lr-${name}` });
  return { row: el("div", { class: "racer" }, label, lr), box, lr };
}

export function controls() {
  const racers = OPTIMIZERS.map((name) => ({ name, ...racerRow(name) }));
  const c = {
    surface: select(SURFACE_IDS, "rosenbrock", { ...Object.fromEntries(Object.entries(SURFACES).map(([k, s]) => [k, s.name])), custom: "Typed f(x, y)" }),
    f: input({ type: "text", spellcheck: "false", autocomplete: "off", "data-testid": "surface-input" }),
    iters: input({ type: "number", step: "50", min: "1", max: "5000" }),
    clicks: CLICK_MODES.map((mode) => input({ type: "radio", name: "click-mode", value: mode, id: `click-${mode}`, "data-testid": `click-${mode}` })),
    tune: button("Tune η", { "data-testid": "tune", title: "Search each ticked first-order optimizer's best learning rate on this surface" }),
    race: button("Race ▶", { class: "primary", "data-testid": "race" }),
    tuneStatus: el("p", { class: "status", "aria-live": "polite", "data-testid": "tune-status" }),
    racers,
  };
  const nodes = [
    field("Surface", c.surface),
    field("f(x, y) =", c.f),
    el("fieldset", { class: "racers" }, el("legend", {}, "Optimizers and learning rates η"), ...racers.map((r) => r.row)),
    field("Max steps", c.iters),
    el("fieldset", { class: "radio" }, el("legend", {}, "Clicking the plot"),
      ...c.clicks.map((radio) => el("label", { for: radio.id, class: "check" }, radio, radio.value === "start" ? "sets the start" : "inspects the point"))),
    el("div", { class: "buttons" }, c.race, c.tune),
    c.tuneStatus,
  ];
  return { ...c, nodes };
}

export function outputs() {
  const o = {
    note: el("p", { class: "caption" }),
    contour: el("div", { class: "plot square", "data-testid": "contour" }),
    losses: el("div", { class: "plot small", "data-testid": "losses" }),
    results: el("table", { class: "methods", "data-testid": "results" }),
    inspect: el("div", { class: "inspect", "data-testid": "inspect", "aria-live": "polite" }),
  };
  return { ...o, nodes: [o.note, o.contour, o.inspect, el("h2", {}, "Loss f(x) per step"), o.losses, el("div", { class: "table-wrap" }, o.results)] };
}

export function showResults(table: HTMLElement, trajectories: readonly Trajectory[], lrs: Partial<Record<OptimizerName, number>>): void {
  table.replaceChildren(
    el("thead", {}, el("tr", {}, ...["Optimizer", "η", "Steps", "Final f", "Final (x, y)", "Outcome"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...trajectories.map((t) => {
      const [x, y] = t.path[t.path.length - 1]!;
      return el("tr", { "data-optimizer": t.optimizer, "data-x": String(x), "data-y": String(y), "data-f": String(t.losses[t.losses.length - 1]) },
        el("th", { scope: "row" }, swatch(t.optimizer), OPTIMIZER_LABELS[t.optimizer]),
        el("td", { class: "num" }, isFirstOrder(t.optimizer) ? String(lrs[t.optimizer]) : "—"),
        el("td", { class: "num" }, String(t.path.length - 1)),
        el("td", { class: "num" }, fmt(t.losses[t.losses.length - 1]!, 8)),
        el("td", { class: "num" }, `(${fmt(x, 6)}, ${fmt(y, 6)})`),
        el("td", {}, t.status));
    })),
  );
}

const MEANING = {
  minimum: "both eigenvalues positive: f curves up in every direction",
  maximum: "both eigenvalues negative: f curves down in every direction",
  saddle: "eigenvalues of opposite signs: up along one eigenvector, down along the other",
  degenerate: "an eigenvalue is (numerically) zero: the second-order test cannot decide",
};

export function showInspect(box: HTMLElement, r: InspectResult | undefined): void {
  if (!r) return void box.replaceChildren(el("p", { class: "caption" }, "Choose “inspects the point” and click the plot to see the local picture."));
  const [px, py] = r.point;
  const [v1, v2] = r.eigenvectors;
  const critical = Math.hypot(...r.gradient) < 1e-6 * Math.max(1, Math.abs(r.value));
  box.replaceChildren(
    el("h2", {}, `At (${fmt(px, 4)}, ${fmt(py, 4)})`),
    el("p", {}, math(`f = ${fmt(r.value, 6)},\\quad \\nabla f = (${fmt(r.gradient[0], 4)},\\ ${fmt(r.gradient[1], 4)})`)),
    el("p", {}, math(`\\lambda_1 = ${fmt(r.eigenvalues[0], 4)},\\ v_1 = (${fmt(v1[0], 3)}, ${fmt(v1[1], 3)});\\quad \\lambda_2 = ${fmt(r.eigenvalues[1], 4)},\\ v_2 = (${fmt(v2[0], 3)}, ${fmt(v2[1], 3)})`)),
    el("p", { "data-testid": "verdict", "data-verdict": r.verdict }, el("strong", {}, `Hessian verdict: ${r.verdict}`), ` — ${MEANING[r.verdict]}. `,
      critical ? "The gradient vanishes, so this is a critical point of that kind." : "The gradient does not vanish here, so this describes the local curvature, not a critical point."),
    el("p", { class: "caption" }, "Arrow: the gradient direction (steepest ascent). Segments: Hessian eigenvectors, green where f curves up, red where it curves down."),
  );
}
