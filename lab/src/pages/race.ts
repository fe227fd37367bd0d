/**
 * Optimizer race: trajectories of first- and second-order methods over the contours of a
 * surface, their losses on a log scale, and at a clicked point the gradient and the Hessian's
 * eigenpairs with the verdict they give.
 */
import * as d3 from "d3";
import { compute } from "../client.js";
import type { GridResult, InspectResult, Trajectory } from "../compute/race.js";
import { OPTIMIZERS, OPTIMIZER_LABELS, type OptimizerName, SURFACES, type Surface } from "../compute/surfaces.js";
import { button, el, errorLine, field, input, select } from "../dom.js";
import { math } from "../math.js";
import type { Page } from "../page.js";
import { COLORS, fmt, frame, line, type Frame } from "../plot.js";
import { choiceParam, numberParam, saveState } from "../state.js";

const SURFACE_IDS = [...Object.keys(SURFACES), "custom"] as const;
const GRID_N = 120;
const ANIMATION_MS = 2500;

export const racePage: Page = {
  id: "race",
  title: "Optimizer race",
  mount(root, params) {
    const surfaceId = choiceParam(params, "s", SURFACE_IDS, "rosenbrock");
    const preset = SURFACES[surfaceId] ?? SURFACES["rosenbrock"]!;
    const state = {
      s: surfaceId,
      f: params.get("f") ?? preset.source,
      x: numberParam(params, "x", preset.start[0]),
      y: numberParam(params, "y", preset.start[1]),
      lr: numberParam(params, "lr", preset.lr),
      iters: numberParam(params, "iters", 500),
      opt: (params.get("opt") ?? "gd,momentum,adam,lbfgs").split(",").filter((o): o is OptimizerName => (OPTIMIZERS as readonly string[]).includes(o)),
      click: choiceParam(params, "click", ["start", "inspect"] as const, "start"),
    };
    const view = (): Pick<Surface, "x" | "y"> => SURFACES[state.s] ?? { x: [-3, 3], y: [-3, 3] };

    const surfaceSelect = select(SURFACE_IDS, state.s, { ...Object.fromEntries(Object.entries(SURFACES).map(([k, s]) => [k, s.name])), custom: "Typed f(x, y)" });
    const fInput = input({ type: "text", value: state.f, spellcheck: "false", autocomplete: "off", "data-testid": "surface-input" });
    const lrInput = input({ type: "number", step: "any", min: "0", value: String(state.lr), "data-testid": "lr-input" });
    const itersInput = input({ type: "number", step: "50", min: "1", max: "5000", value: String(state.iters) });
    const boxes = OPTIMIZERS.map((name, i) => {
      const box = input({ type: "checkbox", value: name, id: `opt-${name}`, "data-testid": `opt-${name}` });
      box.checked = state.opt.includes(name);
      return el("label", { class: "check", for: `opt-${name}` }, box, el("span", { class: "swatch", style: `background:${COLORS[i]}` }), OPTIMIZER_LABELS[name]);
    });
    const clickMode = el("fieldset", { class: "radio" }, el("legend", {}, "Clicking the plot"),
      ...(["start", "inspect"] as const).map((mode) => {
        const radio = input({ type: "radio", name: "click-mode", value: mode, id: `click-${mode}`, "data-testid": `click-${mode}` });
        radio.checked = state.click === mode;
        radio.addEventListener("change", () => { state.click = mode; save(); });
        return el("label", { for: `click-${mode}`, class: "check" }, radio, mode === "start" ? "sets the start" : "inspects the point");
      }));
    const runButton = button("Race ▶", { class: "primary", "data-testid": "race" });
    const error = errorLine();
    const note = el("p", { class: "caption" });
    const contour = el("div", { class: "plot square", "data-testid": "contour" });
    const losses = el("div", { class: "plot small", "data-testid": "losses" });
    const results = el("table", { class: "methods", "data-testid": "results" });
    const inspectBox = el("div", { class: "inspect", "data-testid": "inspect", "aria-live": "polite" });

    root.append(
      el("header", { class: "page-head" },
        el("h1", {}, "Optimizer race"),
        el("p", { class: "lede" },
          "Gradient descent steps against the gradient: x ← x − η∇f(x). Momentum and Nesterov add inertia; AdaGrad, RMSProp and Adam scale each coordinate by its gradient history; ",
          "Newton's method uses the Hessian to jump to the minimum of the local quadratic model; BFGS and L-BFGS build that curvature from gradients alone. ",
          "Click the plot to move the start (or switch to inspecting: the gradient arrow and the Hessian's eigenvectors at that point, and what they say about it).")),
      el("div", { class: "layout" },
        el("form", { class: "controls", "aria-label": "Race controls" },
          field("Surface", surfaceSelect),
          field("f(x, y) =", fInput),
          error,
          el("fieldset", { class: "checks" }, el("legend", {}, "Optimizers"), ...boxes),
          el("div", { class: "row" }, field("Learning rate η", lrInput, "first-order methods"), field("Max steps", itersInput)),
          clickMode,
          runButton,
        ),
        el("div", { class: "output" }, note, contour, inspectBox, el("h2", {}, "Loss f(x) per step"), losses, el("div", { class: "table-wrap" }, results)),
      ),
    );

    let grid: GridResult | undefined;
    let trajectories: Trajectory[] = [];
    let inspected: InspectResult | undefined;
    let animation: d3.Timer | undefined;
    let contourFrame: Frame | undefined;

    const save = (): void => saveState("race", { s: state.s, ...(state.s === "custom" ? { f: state.f } : {}), x: state.x, y: state.y, lr: state.lr, iters: state.iters, opt: state.opt.join(","), click: state.click });

    const colorOf = (name: OptimizerName): string => COLORS[OPTIMIZERS.indexOf(name)]!;

    const drawContours = (): void => {
      if (!grid) return;
      const w = view();
      const f = frame(contour, { width: 560, height: 520, x: w.x, y: w.y, xLabel: "x", yLabel: "y", title: `Contours of f(x, y) = ${state.f} with optimizer paths` });
      contourFrame = f;
      const finite = grid.values.filter(Number.isFinite);
      const lo = d3.min(finite) ?? 0;
      const hi = d3.max(finite) ?? 1;
      // Levels evenly spaced in log(f − min) show both a deep narrow valley and the walls.
      const thresholds = d3.range(1, 25).map((k) => lo + (hi - lo) * Math.pow(1e-4, 1 - k / 24));
      const color = d3.scaleSequentialLog(d3.interpolateViridis).domain([thresholds[0]! - lo, hi - lo]);
      const contours = d3.contours().size([grid.n, grid.n]).thresholds(thresholds)(grid.values.map((v) => (Number.isFinite(v) ? v : hi)));
      const toData = d3.geoTransform({
        point(px, py) {
          this.stream.point(f.x(w.x[0] + ((w.x[1] - w.x[0]) * px) / (grid!.n - 1)), f.y(w.y[0] + ((w.y[1] - w.y[0]) * py) / (grid!.n - 1)));
        },
      });
      f.plot.insert("g", ":first-child").attr("class", "contours").selectAll("path").data(contours).join("path")
        .attr("d", d3.geoPath(toData)).attr("fill", (d) => color(d.value - lo)).attr("fill-opacity", 0.35).attr("stroke", (d) => color(d.value - lo));
      // Under the contours, below the lowest level (the valley floor), the lowest level's colour.
      f.plot.insert("rect", ":first-child").attr("width", f.width).attr("height", f.height).attr("fill", color(thresholds[0]! - lo)).attr("fill-opacity", 0.35);
      f.plot.append("circle").attr("class", "start").attr("r", 6).attr("cx", f.x(state.x)).attr("cy", f.y(state.y)).attr("data-testid", "start");
      f.svg.on("click", (event: MouseEvent) => {
        const [px, py] = d3.pointer(event, f.plot.node());
        const x = Number(f.x.invert(px).toFixed(3));
        const y = Number(f.y.invert(py).toFixed(3));
        if (state.click === "start") {
          state.x = x;
          state.y = y;
          save();
          void race();
        } else void inspectAt([x, y]);
      });
      drawInspect();
    };

    const drawPaths = (progress: number): void => {
      if (!contourFrame) return;
      const f = contourFrame;
      f.plot.selectAll(".path, .path-end").remove();
      for (const t of trajectories) {
        const shown = t.path.slice(0, Math.max(1, Math.ceil(progress * t.path.length)));
        line(f, shown.map((p) => p[0]), shown.map((p) => p[1]), "path").attr("stroke", colorOf(t.optimizer)).attr("data-optimizer", t.optimizer);
        const end = shown[shown.length - 1]!;
        f.plot.append("circle").attr("class", "path-end").attr("r", 4).attr("fill", colorOf(t.optimizer)).attr("cx", f.x(end[0])).attr("cy", f.y(end[1]));
      }
    };

    const drawLosses = (): void => {
      const all = trajectories.flatMap((t) => t.losses).filter(Number.isFinite);
      if (!all.length) {
        losses.replaceChildren();
        return;
      }
      const maxLen = d3.max(trajectories, (t) => t.losses.length) ?? 1;
      // Log scale when every loss is positive; otherwise (an unbounded saddle) a symmetric log
      // scale, cut off a few decades below the start so one diverging run does not flatten the rest.
      const positive = all.every((v) => v > 0);
      const top = d3.max(all)!;
      const floor = positive ? d3.min(all)! : Math.max(d3.min(all)!, -1000 * (Math.abs(trajectories[0]!.losses[0]!) + 1));
      const f = frame(losses, { height: 260, x: [0, Math.max(1, maxLen - 1)], y: [floor, top], yScale: positive ? "log" : "symlog", xLabel: "step", yLabel: "f", title: "Loss per step, log scale" });
      for (const t of trajectories) {
        const ys = t.losses.map((v) => Math.max(floor, Math.min(v, top)));
        line(f, ys.map((_, i) => i), ys, "loss").attr("stroke", colorOf(t.optimizer));
      }
      results.replaceChildren(
        el("thead", {}, el("tr", {}, ...["Optimizer", "Steps", "Final f", "Final (x, y)", "Outcome"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...trajectories.map((t) => {
          const [x, y] = t.path[t.path.length - 1]!;
          return el("tr", { "data-optimizer": t.optimizer, "data-x": String(x), "data-y": String(y) },
            el("th", { scope: "row" }, el("span", { class: "swatch", style: `background:${colorOf(t.optimizer)}` }), OPTIMIZER_LABELS[t.optimizer]),
            el("td", { class: "num" }, String(t.path.length - 1)),
            el("td", { class: "num" }, fmt(t.losses[t.losses.length - 1]!, 8)),
            el("td", { class: "num" }, `(${fmt(x, 6)}, ${fmt(y, 6)})`),
            el("td", {}, t.status));
        })),
      );
    };

    const drawInspect = (): void => {
      if (!inspected || !contourFrame) {
        inspectBox.replaceChildren(el("p", { class: "caption" }, "Choose “inspects the point” and click the plot to see the local picture."));
        return;
      }
      const r = inspected;
      const f = contourFrame;
      f.plot.selectAll(".inspect-mark").remove();
      const [px, py] = r.point;
      const size = 0.12 * (view().x[1] - view().x[0]);
      const gnorm = Math.hypot(...r.gradient) || 1;
      const arrow = (dx: number, dy: number, cls: string): void => {
        f.plot.append("line").attr("class", `inspect-mark ${cls}`).attr("x1", f.x(px)).attr("y1", f.y(py)).attr("x2", f.x(px + dx)).attr("y2", f.y(py + dy)).attr("marker-end", "url(#race-arrow)");
      };
      if (f.svg.select("#race-arrow").empty()) {
        f.svg.select("defs").append("marker").attr("id", "race-arrow").attr("viewBox", "0 0 10 10").attr("refX", 9).attr("refY", 5).attr("markerWidth", 6).attr("markerHeight", 6).attr("orient", "auto")
          .append("path").attr("d", "M 0 0 L 10 5 L 0 10 z").attr("fill", "context-stroke");
      }
      arrow((size * r.gradient[0]) / gnorm, (size * r.gradient[1]) / gnorm, "gradient-arrow");
      r.eigenvectors.forEach((v, k) => {
        const len = 0.6 * size;
        f.plot.append("line").attr("class", `inspect-mark eigen ${r.eigenvalues[k]! > 0 ? "up" : "down"}`)
          .attr("x1", f.x(px - len * v[0])).attr("y1", f.y(py - len * v[1])).attr("x2", f.x(px + len * v[0])).attr("y2", f.y(py + len * v[1]));
      });
      f.plot.append("circle").attr("class", "inspect-mark inspect-point").attr("r", 5).attr("cx", f.x(px)).attr("cy", f.y(py));
      const critical = Math.hypot(...r.gradient) < 1e-6 * Math.max(1, Math.abs(r.value));
      const meaning = {
        minimum: "both eigenvalues positive: f curves up in every direction",
        maximum: "both eigenvalues negative: f curves down in every direction",
        saddle: "eigenvalues of opposite signs: up along one eigenvector, down along the other",
        degenerate: "an eigenvalue is (numerically) zero: the second-order test cannot decide",
      }[r.verdict];
      inspectBox.replaceChildren(
        el("h2", {}, `At (${fmt(px, 4)}, ${fmt(py, 4)})`),
        el("p", {}, math(`f = ${fmt(r.value, 6)},\\quad \\nabla f = (${fmt(r.gradient[0], 4)},\\ ${fmt(r.gradient[1], 4)})`)),
        el("p", {}, math(`\\lambda_1 = ${fmt(r.eigenvalues[0], 4)},\\ v_1 = (${fmt(r.eigenvectors[0][0], 3)}, ${fmt(r.eigenvectors[0][1], 3)});\\quad \\lambda_2 = ${fmt(r.eigenvalues[1], 4)},\\ v_2 = (${fmt(r.eigenvectors[1][0], 3)}, ${fmt(r.eigenvectors[1][1], 3)})`)),
        el("p", { "data-testid": "verdict", "data-verdict": r.verdict }, el("strong", {}, `Hessian verdict: ${r.verdict}`), ` — ${meaning}. `,
          critical ? "The gradient vanishes, so this is a critical point of that kind." : "The gradient does not vanish here, so this describes the local curvature, not a critical point."),
        el("p", { class: "caption" }, "Arrow: the gradient direction (steepest ascent). Segments: Hessian eigenvectors, green where f curves up, red where it curves down."),
      );
    };

    let loadTicket = 0;
    const race = async (): Promise<void> => {
      const ticket = ++loadTicket;
      animation?.stop();
      contour.dataset["done"] = "false";
      runButton.disabled = true;
      try {
        trajectories = await compute("race", { source: state.f, start: [state.x, state.y], optimizers: state.opt, lr: state.lr, maxIter: state.iters });
        if (ticket !== loadTicket) return;
        drawContours();
        drawLosses();
        const t0 = performance.now();
        animation = d3.timer(() => {
          const progress = Math.min(1, (performance.now() - t0) / ANIMATION_MS);
          drawPaths(progress);
          if (progress >= 1) {
            animation?.stop();
            contour.dataset["done"] = "true";
          }
        });
      } catch (e) {
        error.textContent = (e as Error).message;
      } finally {
        runButton.disabled = false;
      }
    };

    const load = async (): Promise<void> => {
      const ticket = ++loadTicket;
      contour.dataset["done"] = "false";
      try {
        const w = view();
        const g = await compute("grid", { source: state.f, x: w.x, y: w.y, n: GRID_N });
        if (ticket !== loadTicket) return;
        error.textContent = "";
        grid = g;
        inspected = undefined;
        note.textContent = SURFACES[state.s]?.note ?? "Your own surface, drawn on [−3, 3]².";
        save();
        drawContours();
        await race();
      } catch (e) {
        if (ticket === loadTicket) error.textContent = (e as Error).message;
      }
    };

    const inspectAt = async (point: [number, number]): Promise<void> => {
      try {
        inspected = await compute("inspect", { source: state.f, point });
        drawInspect();
      } catch (e) {
        error.textContent = (e as Error).message;
      }
    };

    surfaceSelect.addEventListener("change", () => {
      state.s = surfaceSelect.value;
      const s = SURFACES[state.s];
      if (s) {
        state.f = s.source;
        [state.x, state.y] = s.start;
        state.lr = s.lr;
        fInput.value = s.source;
        lrInput.value = String(s.lr);
      }
      void load();
    });
    fInput.addEventListener("change", () => {
      state.f = fInput.value;
      state.s = "custom";
      surfaceSelect.value = "custom";
      void load();
    });
    lrInput.addEventListener("change", () => {
      if (Number(lrInput.value) > 0) state.lr = Number(lrInput.value);
      save();
    });
    itersInput.addEventListener("change", () => {
      if (Number(itersInput.value) >= 1) state.iters = Math.min(5000, Math.round(Number(itersInput.value)));
      save();
    });
    for (const label of boxes) {
      const box = label.querySelector("input")!;
      box.addEventListener("change", () => {
        state.opt = OPTIMIZERS.filter((name) => (root.querySelector(`#opt-${name}`) as HTMLInputElement).checked);
        save();
      });
    }
    runButton.addEventListener("click", () => { save(); void race(); });
    for (const form of root.querySelectorAll("form")) form.addEventListener("submit", (e) => e.preventDefault());
    void load();
    return () => {
      loadTicket++;
      animation?.stop();
    };
  },
};
