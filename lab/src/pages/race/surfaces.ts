/**
 * The Optimizer race's test surfaces (expressions in x and y, with a window, a start and each
 * optimizer's default learning rate there) and its racers: first-order optimizers by their
 * names in nb.optim.optimizers, and minimize's Newton, BFGS and L-BFGS.
 */
import * as nb from "nabla";

export interface Surface {
  name: string;
  /** f(x, y) in nabla's expression syntax. */
  source: string;
  /** The plotted window [xmin, xmax] × [ymin, ymax]. */
  x: [number, number];
  y: [number, number];
  start: [number, number];
  /**
   * Each first-order optimizer's learning rate here: what the page's "tune" search finds from
   * the start for the default 500-step race (lab/scripts/tune-surfaces.ts prints these).
   */
  lrs: Record<FirstOrderName, number>;
  note: string;
}

export const SURFACES: Record<string, Surface> = {
  rosenbrock: {
    name: "Rosenbrock", source: "(1 - x)^2 + 100*(y - x^2)^2", x: [-2, 2], y: [-1, 3], start: [-1.2, 1], lrs: { gd: 0.0032, momentum: 0.0034, nesterov: 0.0013, adagrad: 1.8, rmsprop: 0.013, adam: 0.94, adamw: 0.24 },
    note: "A curved, flat-bottomed valley: the gradient points across it, not along it. Minimum 0 at (1, 1).",
  },
  himmelblau: {
    name: "Himmelblau", source: "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", x: [-5, 5], y: [-5, 5], start: [0, 0], lrs: { gd: 0.0047, momentum: 0.00032, nesterov: 0.0003, adagrad: 1.8, rmsprop: 0.1, adam: 1.1, adamw: 1.1 },
    note: "Four minima of value 0 and a local maximum: where you start decides where you end.",
  },
  beale: {
    name: "Beale", source: "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", x: [-4.5, 4.5], y: [-4.5, 4.5], start: [1, 1.5], lrs: { gd: 0.034, momentum: 0.0071, nesterov: 0.0032, adagrad: 2.3, rmsprop: 0.047, adam: 1.7, adamw: 0.41 },
    note: "Sharp ridges and flat plateaus; minimum 0 at (3, 0.5).",
  },
  saddle: {
    name: "Saddle", source: "x^2 - y^2", x: [-2, 2], y: [-2, 2], start: [1.5, 0.01], lrs: { gd: 0.0071, momentum: 0.00081, nesterov: 0.00081, adagrad: 0.26, rmsprop: 0.023, adam: 0.023, adamw: 0.026 },
    note: "Curves up along x, down along y: the gradient vanishes at (0, 0), which is no minimum.",
  },
  monkey: {
    name: "Monkey saddle", source: "x^3 - 3*x*y^2", x: [-2, 2], y: [-2, 2], start: [1, 0.2], lrs: { gd: 0.0011, momentum: 0.00014, nesterov: 0.00013, adagrad: 0.18, rmsprop: 0.015, adam: 0.015, adamw: 0.015 },
    note: "A degenerate critical point at (0, 0): the Hessian there is zero, so second-order tests cannot decide.",
  },
  quadratic: {
    name: "Ill-conditioned quadratic", source: "x^2 + 25*y^2", x: [-3, 3], y: [-3, 3], start: [-2.5, 1], lrs: { gd: 0.032, momentum: 0.0054, nesterov: 0.0014, adagrad: 2, rmsprop: 0.24, adam: 0.076, adamw: 0.076 },
    note: "Condition number 25: gradient descent zig-zags across the narrow direction; Newton solves it in one step.",
  },
  rastrigin: {
    name: "Rastrigin", source: "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", x: [-5.12, 5.12], y: [-5.12, 5.12], start: [2.2, 2.8], lrs: { gd: 0.0024, momentum: 0.01, nesterov: 0.0032, adagrad: 3.2, rmsprop: 0.24, adam: 1, adamw: 0.094 },
    note: "Many local minima around the global minimum 0 at (0, 0): local methods stop in the nearest bowl.",
  },
};

/** The first-order racers, by their names in nb.optim.optimizers. */
export const FIRST_ORDER = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"] as const satisfies readonly nb.optim.OptimizerName[];
export type FirstOrderName = (typeof FIRST_ORDER)[number];
/** The second-order racers, by their names as nb.minimize methods. */
const SECOND_ORDER = ["newton", "bfgs", "lbfgs"] as const satisfies readonly nb.Method[];

export const OPTIMIZERS = [...FIRST_ORDER, ...SECOND_ORDER] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const isFirstOrder = (name: OptimizerName): name is FirstOrderName => (FIRST_ORDER as readonly string[]).includes(name);

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  ...(Object.fromEntries(FIRST_ORDER.map((name) => [name, nb.optim.optimizers[name].label])) as Record<FirstOrderName, string>),
  newton: "Newton", bfgs: "BFGS", lbfgs: "L-BFGS",
};

/** The plotted window of a typed surface. */
export const CUSTOM_WINDOW: Pick<Surface, "x" | "y"> = { x: [-3, 3], y: [-3, 3] };
