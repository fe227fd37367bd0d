/** The Derivatives page's DOM: its controls, its output column, the formulas and the table. */
import { button, el, field, input, select } from "../../dom.js";
import { math } from "../../math.js";
import { fmt } from "../../plot.js";
import type { DerivativesResult } from "./jobs.js";
import { secantAt } from "./plots.js";

export const ORDERS = ["1", "2", "3", "4", "5", "6", "8", "10"] as const;

export function controls() {
  const c = {
    f: input({ type: "text", spellcheck: "false", autocomplete: "off", "data-testid": "f-input" }),
    x0: input({ type: "number", step: "0.1", "data-testid": "x0-input" }),
    order: select(ORDERS, "3"),
    h: input({ type: "range", min: "-20", max: "0", step: "1" }),
    hValue: el("output"),
    xmin: input({ type: "number", step: "1" }),
    xmax: input({ type: "number", step: "1" }),
    animate: button("Animate h → 0", { "data-testid": "animate-h" }),
  };
  const nodes = [
    field("f(x) =", c.f, "e.g. x^2*sin(x), exp(-x^2), log(1 + x^2), relu(x)"),
    field("Point x₀", c.x0, "or drag the point on the plot"),
    field("Taylor order", c.order),
    field("Secant step h = 2^k", c.h),
    c.hValue,
    el("div", { class: "row" }, field("x from", c.xmin), field("to", c.xmax)),
    c.animate,
  ];
  return { ...c, nodes };
}

export function outputs() {
  const o = {
    formulas: el("div", { class: "formulas", "data-testid": "formulas" }),
    curve: el("div", { class: "plot", "data-testid": "plot-f" }),
    derivatives: el("div", { class: "plot small", "data-testid": "plot-derivatives" }),
    table: el("table", { class: "methods", "data-testid": "methods" }),
    secant: el("p", { class: "caption", "data-testid": "secant" }),
  };
  const legend = (...items: [string, string][]) => el("ul", { class: "legend" }, ...items.map(([cls, text]) => el("li", { class: cls }, text)));
  const nodes = [
    o.formulas, o.curve, legend(["f", "f"], ["tangent", "tangent"], ["secant", "secant"], ["taylor", "Taylor"]), o.secant,
    o.derivatives, legend(["f", "f"], ["df", "f′"], ["d2f", "f″"]),
    el("h2", {}, "f′(x₀) four ways"), el("div", { class: "table-wrap" }, o.table),
  ];
  return { ...o, nodes };
}

export function showFormulas(container: HTMLElement, r: DerivativesResult): void {
  container.replaceChildren(
    el("div", { "data-testid": "f-latex" }, math(`f(x) = ${r.fLatex}`, true)),
    el("div", { "data-testid": "df-latex" }, math(`f'(x) = ${r.dfLatex}`, true)),
    el("div", { "data-testid": "d2f-latex" }, math(`f''(x) = ${r.d2fLatex}`, true)),
  );
}

export function showSecant(container: HTMLElement, r: DerivativesResult, h: number): void {
  const secant = secantAt(r, h);
  container.replaceChildren(
    `h = 2^${h} = ${fmt(secant.h, 8)}: secant slope ${fmt(secant.slope, 10)}, tangent slope ${fmt(r.slope, 10)}, gap ${fmt(Math.abs(secant.slope - r.slope), 3)}. `,
    "Halving h roughly halves the gap (the error is about h·f″(x₀)/2) until rounding error takes over near h ≈ 10⁻⁸.",
  );
}

export function showMethods(table: HTMLElement, r: DerivativesResult): void {
  const exact = r.methods[0]!.value;
  const headings = ["Method", "f′(x₀)", "|error|", "How"].map((h) => el("th", { scope: "col" }, h));
  table.replaceChildren(
    el("caption", {}, `At x₀ = ${fmt(r.x0)}; error is the distance from the symbolic value.`),
    el("thead", {}, el("tr", {}, ...headings)),
    el("tbody", {}, ...r.methods.map((m) => el("tr", { "data-method": m.method },
      el("th", { scope: "row" }, m.method),
      el("td", { class: "num", "data-value": String(m.value) }, m.value.toPrecision(16)),
      el("td", { class: "num" }, m === r.methods[0] ? "—" : Math.abs(m.value - exact).toExponential(1)),
      el("td", {}, m.how)))),
  );
}
