/**
 * Derivatives: f, f′ and f″ by automatic differentiation, the symbolic derivative, a draggable
 * point with its tangent, the secant as h → 0, Taylor polynomials, and f′(x₀) four ways.
 */
import * as d3 from "d3";
import { latest } from "../client.js";
import type { DerivativesResult } from "../compute/derivatives.js";
import { button, el, errorLine, field, input, select } from "../dom.js";
import { math } from "../math.js";
import type { Page } from "../page.js";
import { fmt, frame, line, robustExtent } from "../plot.js";
import { numberParam, saveState } from "../state.js";

const ORDERS = ["1", "2", "3", "4", "5", "6", "8", "10"] as const;

export const derivativesPage: Page = {
  id: "derivatives",
  title: "Derivatives",
  mount(root, params) {
    const state = {
      f: params.get("f") ?? "x^2*sin(x)",
      x0: numberParam(params, "x0", 1),
      order: numberParam(params, "order", 3),
      h: numberParam(params, "h", 0),
      xmin: numberParam(params, "xmin", -5),
      xmax: numberParam(params, "xmax", 5),
    };
    const fInput = input({ type: "text", value: state.f, spellcheck: "false", autocomplete: "off", "data-testid": "f-input" });
    const x0Input = input({ type: "number", step: "0.1", value: String(state.x0), "data-testid": "x0-input" });
    const orderSelect = select(ORDERS, ORDERS.find((o) => Number(o) === state.order) ?? "3");
    const hInput = input({ type: "range", min: "-20", max: "0", step: "1", value: String(state.h) });
    const hValue = el("output");
    const xminInput = input({ type: "number", step: "1", value: String(state.xmin) });
    const xmaxInput = input({ type: "number", step: "1", value: String(state.xmax) });
    const error = errorLine();
    const formulas = el("div", { class: "formulas", "data-testid": "formulas" });
    const mainPlot = el("div", { class: "plot", "data-testid": "plot-f" });
    const derivPlot = el("div", { class: "plot small", "data-testid": "plot-derivatives" });
    const table = el("table", { class: "methods", "data-testid": "methods" });
    const secantInfo = el("p", { class: "caption", "data-testid": "secant" });

    root.append(
      el("header", { class: "page-head" },
        el("h1", {}, "Derivatives"),
        el("p", { class: "lede" },
          "The derivative f′(x₀) is the slope of the tangent line: the limit of secant slopes (f(x₀ + h) − f(x₀))/h as h → 0. ",
          "Drag the point along the curve. Near x₀, f is matched by its Taylor polynomial Σ f⁽ᵏ⁾(x₀)(x − x₀)ᵏ/k!, better as the order grows. ",
          "Curves are computed by nabla's automatic differentiation in your browser; the table compares four ways to get f′(x₀).")),
      el("div", { class: "layout" },
        el("form", { class: "controls", "aria-label": "Derivative controls" },
          field("f(x) =", fInput, "e.g. x^2*sin(x), exp(-x^2), log(1 + x^2), relu(x)"),
          error,
          field("Point x₀", x0Input, "or drag the point on the plot"),
          field("Taylor order", orderSelect),
          field("Secant step h = 2^k", hInput),
          hValue,
          el("div", { class: "row" }, field("x from", xminInput), field("to", xmaxInput)),
          button("Animate h → 0", { "data-testid": "animate-h" }),
        ),
        el("div", { class: "output" },
          formulas,
          mainPlot,
          el("ul", { class: "legend" },
            el("li", { class: "f" }, "f"), el("li", { class: "tangent" }, "tangent"), el("li", { class: "secant" }, "secant"), el("li", { class: "taylor" }, "Taylor")),
          secantInfo,
          derivPlot,
          el("ul", { class: "legend" }, el("li", { class: "f" }, "f"), el("li", { class: "df" }, "f′"), el("li", { class: "d2f" }, "f″")),
          el("h2", {}, "f′(x₀) four ways"),
          el("div", { class: "table-wrap" }, table),
        ),
      ),
    );

    let result: DerivativesResult | undefined;

    const draw = (r: DerivativesResult): void => {
      formulas.replaceChildren(
        el("div", { "data-testid": "f-latex" }, math(`f(x) = ${r.fLatex}`, true)),
        el("div", { "data-testid": "df-latex" }, math(`f'(x) = ${r.dfLatex}`, true)),
        el("div", { "data-testid": "d2f-latex" }, math(`f''(x) = ${r.d2fLatex}`, true)),
      );
      const [lo, hi] = robustExtent([...r.f, r.fx0]);
      const f = frame(mainPlot, { x: [state.xmin, state.xmax], y: [lo, hi], xLabel: "x", yLabel: "f(x)", title: `Plot of f(x) = ${state.f} with tangent, secant and Taylor polynomials` });
      r.taylor.forEach((ys, k) => line(f, r.xs, ys, "taylor").attr("opacity", k === r.taylor.length - 1 ? 1 : 0.25));
      line(f, r.xs, r.f, "f");
      const span = state.xmax - state.xmin;
      const tangentAt = (x: number): number => r.fx0 + r.slope * (x - r.x0);
      line(f, [r.x0 - span, r.x0 + span], [tangentAt(r.x0 - span), tangentAt(r.x0 + span)], "tangent");
      const secant = r.secants[-state.h] ?? r.secants[0]!;
      const secantAt = (x: number): number => r.fx0 + secant.slope * (x - r.x0);
      line(f, [r.x0 - span, r.x0 + span], [secantAt(r.x0 - span), secantAt(r.x0 + span)], "secant");
      f.plot.append("circle").attr("class", "secant-point").attr("r", 4).attr("cx", f.x(r.x0 + secant.h)).attr("cy", f.y(r.fx0 + secant.h * secant.slope));
      const handle = f.plot.append("circle").attr("class", "handle").attr("r", 7).attr("cx", f.x(r.x0)).attr("cy", f.y(r.fx0))
        .attr("tabindex", "0").attr("role", "slider").attr("aria-label", "Point x₀ (arrow keys move it)")
        .attr("aria-valuenow", String(r.x0)).attr("data-testid", "handle");
      // The whole plot is the drag target, so grabbing near the curve is enough.
      const moveTo = (event: PointerEvent): void => {
        const [px] = d3.pointer(event, f.plot.node());
        setX0(Number(f.x.invert(px).toFixed(3)));
      };
      f.svg.on("pointerdown", (event: PointerEvent) => {
        (event.currentTarget as Element).setPointerCapture(event.pointerId);
        moveTo(event);
      }).on("pointermove", (event: PointerEvent) => {
        if (event.buttons) moveTo(event);
      });
      handle.on("keydown", (event: KeyboardEvent) => {
        const step = (state.xmax - state.xmin) / 100;
        if (event.key === "ArrowRight" || event.key === "ArrowUp") setX0(Number((state.x0 + step).toFixed(3)));
        else if (event.key === "ArrowLeft" || event.key === "ArrowDown") setX0(Number((state.x0 - step).toFixed(3)));
        else return;
        event.preventDefault();
      });
      secantInfo.replaceChildren(
        `h = 2^${state.h} = ${fmt(secant.h, 8)}: secant slope ${fmt(secant.slope, 10)}, tangent slope ${fmt(r.slope, 10)}, gap ${fmt(Math.abs(secant.slope - r.slope), 3)}. `,
        "Halving h roughly halves the gap (the error is about h·f″(x₀)/2) until rounding error takes over near h ≈ 10⁻⁸.",
      );

      const [dlo, dhi] = robustExtent([...r.f, ...r.df, ...r.d2f]);
      const g = frame(derivPlot, { height: 260, x: [state.xmin, state.xmax], y: [dlo, dhi], xLabel: "x", title: "f, its first derivative and its second derivative" });
      line(g, r.xs, r.f, "f").attr("opacity", 0.35);
      line(g, r.xs, r.df, "df");
      line(g, r.xs, r.d2f, "d2f");
      g.plot.append("line").attr("class", "marker").attr("x1", g.x(r.x0)).attr("x2", g.x(r.x0)).attr("y1", 0).attr("y2", g.height);

      const exact = r.methods[0]!.value;
      table.replaceChildren(
        el("caption", {}, `At x₀ = ${fmt(r.x0)}; error is the distance from the symbolic value.`),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Method"), el("th", { scope: "col" }, "f′(x₀)"), el("th", { scope: "col" }, "|error|"), el("th", { scope: "col" }, "How"))),
        el("tbody", {}, ...r.methods.map((m) => el("tr", { "data-method": m.method },
          el("th", { scope: "row" }, m.method),
          el("td", { class: "num", "data-value": String(m.value) }, m.value.toPrecision(16)),
          el("td", { class: "num" }, m === r.methods[0] ? "—" : Math.abs(m.value - exact).toExponential(1)),
          el("td", {}, m.how)))),
      );
    };

    const request = latest("derivatives", (r) => {
      result = r;
      error.textContent = "";
      draw(r);
    }, (message) => {
      error.textContent = message;
    });

    const update = (): void => {
      saveState("derivatives", state);
      hValue.textContent = `h = 2^${state.h}`;
      request({ source: state.f, x0: state.x0, order: state.order, xmin: state.xmin, xmax: state.xmax });
    };
    const setX0 = (x: number): void => {
      state.x0 = x;
      x0Input.value = String(x);
      update();
    };

    fInput.addEventListener("input", () => {
      state.f = fInput.value;
      update();
    });
    x0Input.addEventListener("input", () => {
      if (x0Input.value !== "" && Number.isFinite(Number(x0Input.value))) setX0(Number(x0Input.value));
    });
    orderSelect.addEventListener("change", () => {
      state.order = Number(orderSelect.value);
      update();
    });
    hInput.addEventListener("input", () => {
      state.h = Number(hInput.value);
      hValue.textContent = `h = 2^${state.h}`;
      saveState("derivatives", state);
      if (result) draw(result);
    });
    const range = (): void => {
      const lo = Number(xminInput.value);
      const hi = Number(xmaxInput.value);
      if (Number.isFinite(lo) && Number.isFinite(hi) && lo < hi) {
        state.xmin = lo;
        state.xmax = hi;
        update();
      }
    };
    xminInput.addEventListener("change", range);
    xmaxInput.addEventListener("change", range);

    let timer: ReturnType<typeof setInterval> | undefined;
    root.querySelector<HTMLButtonElement>("[data-testid=animate-h]")!.addEventListener("click", () => {
      clearInterval(timer);
      state.h = 0;
      timer = setInterval(() => {
        hInput.value = String(state.h);
        hInput.dispatchEvent(new Event("input"));
        if (--state.h < -20) {
          state.h = -20;
          clearInterval(timer);
        }
      }, 250);
    });
    for (const form of root.querySelectorAll("form")) form.addEventListener("submit", (e) => e.preventDefault());

    update();
    return () => clearInterval(timer);
  },
};

