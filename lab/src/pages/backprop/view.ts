/** The Backpropagation page's DOM: controls, the narration of each step, and the check against nb.grad. */
import { button, el, field, input } from "../../dom.js";
import { math } from "../../math.js";
import { fmt } from "../../plot.js";
import type { BackpropResult } from "./jobs.js";
import { shownLabel } from "./plots.js";

export function controls() {
  const c = {
    expression: input({ type: "text", spellcheck: "false", autocomplete: "off", "data-testid": "expr-input" }),
    values: el("fieldset", { class: "values" }, el("legend", {}, "Input values")),
    back: button("◀ Back", { "data-testid": "step-back" }),
    step: button("Step ▶", { "data-testid": "step" }),
    forward: button("Forward pass", { "data-testid": "run-forward" }),
    backward: button("Backward pass", { "data-testid": "run-backward" }),
    reset: button("Reset", { "data-testid": "reset" }),
    neuron: button("Neuron example", { "data-testid": "neuron" }),
  };
  const nodes = [
    field("Expression L =", c.expression, "e.g. x*sin(x) + x^2, (sigmoid(w*x + b) - y)^2"),
    c.values,
    el("div", { class: "buttons" }, c.back, c.step),
    el("div", { class: "buttons" }, c.forward, c.backward),
    el("div", { class: "buttons" }, c.reset, c.neuron),
  ];
  return { ...c, nodes };
}

export function outputs() {
  const o = {
    formula: el("div", { class: "formulas" }),
    graph: el("div", { class: "graph", "data-testid": "graph" }),
    narration: el("div", { class: "narration", "aria-live": "polite", "data-testid": "narration" }),
    check: el("table", { class: "methods", "data-testid": "check" }),
  };
  return { ...o, nodes: [o.formula, o.graph, o.narration, el("h2", {}, "Check against nb.grad"), el("div", { class: "table-wrap" }, o.check)] };
}

/** One number field per variable of the expression, calling onValue when one changes. */
export function valueFields(box: HTMLElement, values: Record<string, number>, variables: string[], onValue: (name: string, value: number) => void): void {
  box.replaceChildren(el("legend", {}, "Input values"));
  for (const v of variables) {
    const control = input({ type: "number", step: "0.1", value: String(values[v] ?? 1), "data-var": v });
    control.addEventListener("change", () => {
      if (control.value !== "" && Number.isFinite(Number(control.value))) onValue(v, Number(control.value));
    });
    box.append(field(v, control));
  }
}

/** What the current step did, in words and a formula. */
export function narrate(box: HTMLElement, r: BackpropResult, active: number | undefined, step: number, forwardSteps: number): void {
  if (active === undefined) return void box.replaceChildren(el("p", {}, "Press Step to compute the first operation, or Forward pass to compute them all."));
  const node = r.nodes[active]!;
  if (step <= forwardSteps) {
    return void box.replaceChildren(el("p", {}, `Forward step ${step} of ${forwardSteps}: `, math(`${node.latex} = ${fmt(node.value, 6)}`)));
  }
  const users = r.edges.filter((e) => e.from === active && e.local !== null);
  if (!users.length) return void box.replaceChildren(el("p", {}, "Backward pass starts at the output: ", math("\\partial L/\\partial L = 1")));
  const terms = users.map((e) => `${fmt(r.nodes[e.to]!.grad, 4)} \\cdot ${fmt(e.local!, 4)}`);
  const meet = users.length > 1 ? ` — ${users.length} paths meet here, so their contributions add` : "";
  box.replaceChildren(el("p", {}, `Backward: ∂L/∂(${shownLabel(node.label)}) = Σ over its users of ∂L/∂user · ∂user/∂node${meet}: `,
    math(`${terms.join(" + ")} = ${fmt(node.grad, 6)}`)));
}

export function showCheck(table: HTMLElement, r: BackpropResult): void {
  table.replaceChildren(
    el("caption", {}, "The hand-run backward pass above against nabla's reverse mode on the whole expression."),
    el("thead", {}, el("tr", {}, ...["Input", "graph ∂L/∂input", "nb.grad"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...r.variables.map((v) => {
      const node = r.nodes.find((n) => n.kind === "input" && n.label === v)!;
      return el("tr", {}, el("th", { scope: "row" }, v), el("td", { class: "num" }, node.grad.toPrecision(12)), el("td", { class: "num", "data-autodiff": v }, r.autodiff[v]!.toPrecision(12)));
    })),
  );
}
