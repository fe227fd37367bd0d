/**
 * Derivatives: f, f′ and f″ by automatic differentiation, the symbolic derivative, a draggable
 * point with its tangent, the secant as h → 0, Taylor polynomials, and f′(x₀) four ways.
 */
import { definePage, param } from "../../page.js";
import type { DerivativesResult } from "./jobs.js";
import { drawCurve, drawDerivatives } from "./plots.js";
import { controls, ORDERS, outputs, showFormulas, showMethods, showSecant } from "./view.js";

export default definePage({
  title: "Derivatives",
  lede: "The derivative f′(x₀) is the slope of the tangent line: the limit of secant slopes (f(x₀ + h) − f(x₀))/h as h → 0. "
    + "Drag the point along the curve. Near x₀, f is matched by its Taylor polynomial Σ f⁽ᵏ⁾(x₀)(x − x₀)ᵏ/k!, better as the order grows. "
    + "Curves are computed by nabla's automatic differentiation in your browser; the table compares four ways to get f′(x₀).",
  params: {
    f: param.text("x^2*sin(x)"),
    x0: param.number(1),
    order: param.choice(ORDERS, "3"),
    h: param.number(0, { min: -20, max: 0, integer: true }),
    xmin: param.number(-5),
    xmax: param.number(5),
  },
  mount(page) {
    const { state } = page;
    const [c, o] = page.place(controls(), outputs());
    let result: DerivativesResult | undefined;
    const view = () => ({ source: state.f, xmin: state.xmin, xmax: state.xmax, h: state.h });
    const draw = (r: DerivativesResult): void => {
      c.hValue.textContent = `h = 2^${state.h}`;
      showFormulas(o.formulas, r);
      drawCurve(o.curve, r, view(), setX0);
      showSecant(o.secant, r, state.h);
      drawDerivatives(o.derivatives, r, view());
      showMethods(o.table, r);
    };
    const request = page.latest("derivatives", (r) => {
      result = r;
      draw(r);
    });
    const update = (): void => {
      if (state.xmin >= state.xmax) return page.error("the x range needs from < to");
      request({ source: state.f, x0: state.x0, order: Number(state.order), xmin: state.xmin, xmax: state.xmax });
    };
    const setX0 = (x: number): void => {
      state.x0 = x;
      c.x0.value = String(x);
      page.save();
      update();
    };
    page.bind("f", c.f, "input");
    page.bind("x0", c.x0, "input");
    page.bind("order", c.order);
    page.bind("h", c.h, "input");
    page.bind("xmin", c.xmin);
    page.bind("xmax", c.xmax);
    // Moving h redraws what is known; everything else asks the worker.
    page.onChange((key) => (key === "h" ? result && draw(result) : update()));
    let timer: ReturnType<typeof setInterval> | undefined;
    c.animate.addEventListener("click", () => {
      clearInterval(timer);
      let h = 0;
      timer = setInterval(() => {
        c.h.value = String(h);
        c.h.dispatchEvent(new Event("input"));
        if (--h < -20) clearInterval(timer);
      }, 250);
    });
    page.onLeave(() => clearInterval(timer));
    page.save();
    update();
  },
});
