/**
 * Optimizer race: trajectories of first- and second-order methods over the contours of a
 * surface, each first-order method at its own learning rate (tuned per surface, editable, and
 * re-tuned on demand), their losses on a log scale, and at a clicked point the gradient and
 * the Hessian's eigenpairs with the verdict they give.
 */
import * as nb from "nabla";
import { definePage, type PageContext, param, type StateOf } from "../../page.js";
import type { Frame } from "../../plot.js";
import type { GridResult, InspectResult } from "./jobs.js";
import { animatePaths, drawInspectMarks, drawLosses, drawSurface } from "./plots.js";
import { CUSTOM_WINDOW, FIRST_ORDER, isFirstOrder, OPTIMIZER_LABELS, OPTIMIZERS, SURFACES } from "./surfaces.js";
import { CLICK_MODES, controls, outputs, showInspect, showResults, SURFACE_IDS } from "./view.js";

const GRID_N = 120;
const ANIMATION_MS = 2500;

const PARAMS = {
  s: param.choice(SURFACE_IDS, "rosenbrock"),
  /** The surface's expression; empty means the preset's. */
  f: param.text(""),
  x: param.number(NaN),
  y: param.number(NaN),
  /** Learning rates that differ from the surface's defaults, "adam:0.1,gd:0.001". */
  lrs: param.numbers(),
  /** Older permalinks' one learning rate for every first-order method. */
  lr: param.number(NaN, { min: 0 }),
  iters: param.number(500, { min: 1, max: 5000, integer: true }),
  opt: param.list(OPTIMIZERS, ["gd", "momentum", "adam", "lbfgs"]),
  click: param.choice(CLICK_MODES, "start"),
};
type State = StateOf<typeof PARAMS>;

/** Fills what the URL left out from the surface: its expression, start and learning rates (all of them when fresh). */
function settle(state: State, fresh: boolean): void {
  const surface = SURFACES[state.s];
  if (surface && (fresh || !state.f)) state.f = surface.source;
  if (fresh || !Number.isFinite(state.x) || !Number.isFinite(state.y)) [state.x, state.y] = surface?.start ?? [0, 0];
  const defaults = Object.fromEntries(FIRST_ORDER.map((name) => [name, surface?.lrs[name] ?? nb.optim.optimizers[name].lr]));
  const legacy = Number.isFinite(state.lr) ? Object.fromEntries(FIRST_ORDER.map((name) => [name, state.lr])) : {};
  state.lrs = { ...defaults, ...legacy, ...(fresh ? {} : state.lrs) };
  state.lr = NaN;
}

export default definePage({
  title: "Optimizer race",
  lede: "Gradient descent steps against the gradient: x ← x − η∇f(x). Momentum and Nesterov add inertia; AdaGrad, RMSProp and Adam scale each coordinate by its gradient history; "
    + "Newton's method uses the Hessian to jump to the minimum of the local quadratic model; BFGS and L-BFGS build that curvature from gradients alone. "
    + "Each first-order method races at its own learning rate η, tuned for the surface: edit it, or press Tune to search the best one from the current start. "
    + "Click the plot to move the start (or switch to inspecting: the gradient arrow and the Hessian's eigenvectors at that point, and what they say about it).",
  params: PARAMS,
  mount(page) {
    const { state } = page;
    const [c, o] = page.place(controls(), outputs());
    settle(state, false);
    const view = () => SURFACES[state.s] ?? CUSTOM_WINDOW;
    let grid: GridResult | undefined;
    let inspected: InspectResult | undefined;
    let plot: Frame | undefined;
    let stopAnimation = (): void => {};
    page.onLeave(() => stopAnimation());

    const redraw = (): void => {
      if (!grid) return;
      plot = drawSurface(o.contour, grid, view(), [state.x, state.y], `Contours of f(x, y) = ${state.f} with optimizer paths`, clicked);
      if (inspected) drawInspectMarks(plot, inspected, view());
      showInspect(o.inspect, inspected);
    };
    const race = async (): Promise<void> => {
      stopAnimation();
      o.contour.dataset["done"] = "false";
      c.race.disabled = true;
      const result = await page.compute("race", { source: state.f, start: [state.x, state.y], optimizers: state.opt, lrs: state.lrs, maxIter: state.iters });
      c.race.disabled = false;
      if (!result) return;
      redraw();
      drawLosses(o.losses, result);
      showResults(o.results, result, state.lrs);
      stopAnimation = animatePaths(plot!, result, ANIMATION_MS, () => { o.contour.dataset["done"] = "true"; });
    };
    const load = async (): Promise<void> => {
      o.contour.dataset["done"] = "false";
      const result = await page.compute("grid", { source: state.f, ...view(), n: GRID_N });
      if (!result) return;
      [grid, inspected] = [result, undefined];
      o.note.textContent = SURFACES[state.s]?.note ?? "Your own surface, drawn on [−3, 3]².";
      page.save();
      redraw();
      await race();
    };
    const clicked = (point: [number, number]): void => {
      if (state.click === "inspect") return void inspect(point);
      [state.x, state.y] = point;
      page.save();
      void race();
    };
    const inspect = async (point: [number, number]): Promise<void> => {
      inspected = await page.compute("inspect", { source: state.f, point });
      if (inspected && plot) drawInspectMarks(plot, inspected, view());
      showInspect(o.inspect, inspected);
    };
    const tune = async (): Promise<void> => {
      const names = state.opt.filter(isFirstOrder);
      if (!names.length) return page.error("tick a first-order optimizer to tune its learning rate");
      c.tune.disabled = true;
      c.tuneStatus.textContent = `Searching the best η for ${names.map((n) => OPTIMIZER_LABELS[n]).join(", ")}…`;
      const found = await page.compute("tune", { source: state.f, start: [state.x, state.y], optimizers: names, maxIter: state.iters, ...view() });
      c.tune.disabled = false;
      c.tuneStatus.textContent = found ? `Best η from this start: ${names.map((n) => `${OPTIMIZER_LABELS[n]} ${found[n]!.lr}`).join(", ")}.` : "";
      if (!found) return;
      for (const name of names) state.lrs[name] = found[name]!.lr;
      wire.showRates();
      page.save();
      await race();
    };
    const wire = wireControls(page, c, { load, race, tune });
    void load();
  },
});

type Controls = ReturnType<typeof controls>;

/** Connects the controls to the state and to the page's actions; showRates puts the state's learning rates in their fields. */
function wireControls(page: PageContext<State>, c: Controls, actions: { load(): Promise<void>; race(): Promise<void>; tune(): Promise<void> }): { showRates(): void } {
  const { state } = page;
  const showRates = (): void => {
    for (const r of c.racers) if (r.lr && isFirstOrder(r.name)) r.lr.value = String(state.lrs[r.name]);
  };
  page.bind("s", c.surface);
  page.bind("f", c.f);
  page.bind("iters", c.iters);
  page.onChange((key) => {
    if (key === "s") {
      settle(state, true);
      c.f.value = state.f;
      showRates();
    } else if (key === "f") {
      state.s = "custom";
      c.surface.value = "custom";
    } else return;
    page.save();
    void actions.load();
  });
  for (const r of c.racers) {
    r.box.checked = state.opt.includes(r.name);
    r.box.addEventListener("change", () => {
      state.opt = c.racers.filter((x) => x.box.checked).map((x) => x.name);
      page.save();
    });
    r.lr?.addEventListener("change", () => {
      const value = Number(r.lr!.value);
      if (value > 0 && isFirstOrder(r.name)) state.lrs[r.name] = value;
      page.save();
    });
  }
  for (const radio of c.clicks) {
    radio.checked = state.click === radio.value;
    radio.addEventListener("change", () => {
      state.click = radio.value as State["click"];
      page.save();
    });
  }
  c.race.addEventListener("click", () => void actions.race());
  c.tune.addEventListener("click", () => void actions.tune());
  showRates();
  return { showRates };
}
