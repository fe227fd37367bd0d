/** Newton's method: the smallest page, and the README's example of how a page is written. */
import { el, field, input } from "../../dom.js";
import { definePage, param } from "../../page.js";

export default definePage({
  title: "Newton's method",
  lede: "Newton's method finds a root of f by following the tangent line to zero: x ← x − f(x)/f′(x), with f′ by automatic differentiation. "
    + "Near a simple root the number of correct digits doubles at every step.",
  params: { f: param.text("x^2 - 2"), x0: param.number(1), steps: param.number(6, { min: 1, max: 30, integer: true }) },
  mount(page) {
    const f = input({ type: "text", spellcheck: "false", "data-testid": "newton-f" });
    const x0 = input({ type: "number", step: "any" });
    const steps = input({ type: "number", min: "1", max: "30" });
    page.bind("f", f, "input"); // control ⇄ page.state.f ⇄ the URL
    page.bind("x0", x0);
    page.bind("steps", steps);
    page.controls.append(field("f(x) =", f), field("Start x₀", x0), field("Steps", steps));
    const table = el("table", { class: "methods", "data-testid": "newton-steps" });
    page.output.append(el("div", { class: "table-wrap" }, table));
    const run = async (): Promise<void> => {
      const path = await page.compute("newton", { source: page.state.f, x0: page.state.x0, steps: page.state.steps });
      if (path) table.replaceChildren(...path.map((s, k) => el("tr", { "data-x": String(s.x) },
        el("th", {}, `x${k}`), el("td", { class: "num" }, s.x.toPrecision(17)), el("td", { class: "num" }, `f = ${s.fx.toExponential(1)}`))));
    };
    page.onChange(run); // after any bound control changed the state
    void run();
  },
});
