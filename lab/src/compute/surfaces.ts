/** The Optimizer race's test surfaces: expressions in x and y, with a window and a start. */

export interface Surface {
  name: string;
  /** f(x, y) in nabla's expression syntax. */
  source: string;
  /** The plotted window [xmin, xmax] × [ymin, ymax]. */
  x: [number, number];
  y: [number, number];
  start: [number, number];
  /** A learning rate at which plain gradient descent makes visible progress. */
  lr: number;
  note: string;
}

export const SURFACES: Record<string, Surface> = {
  rosenbrock: {
    name: "Rosenbrock", source: "(1 - x)^2 + 100*(y - x^2)^2", x: [-2, 2], y: [-1, 3], start: [-1.2, 1], lr: 0.001,
    note: "A curved, flat-bottomed valley: the gradient points across it, not along it. Minimum 0 at (1, 1).",
  },
  himmelblau: {
    name: "Himmelblau", source: "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", x: [-5, 5], y: [-5, 5], start: [0, 0], lr: 0.01,
    note: "Four minima of value 0 and a local maximum: where you start decides where you end.",
  },
  beale: {
    name: "Beale", source: "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", x: [-4.5, 4.5], y: [-4.5, 4.5], start: [1, 1.5], lr: 0.001,
    note: "Sharp ridges and flat plateaus; minimum 0 at (3, 0.5).",
  },
  saddle: {
    name: "Saddle", source: "x^2 - y^2", x: [-2, 2], y: [-2, 2], start: [1.5, 0.01], lr: 0.05,
    note: "Curves up along x, down along y: the gradient vanishes at (0, 0), which is no minimum.",
  },
  monkey: {
    name: "Monkey saddle", source: "x^3 - 3*x*y^2", x: [-2, 2], y: [-2, 2], start: [1, 0.2], lr: 0.02,
    note: "A degenerate critical point at (0, 0): the Hessian there is zero, so second-order tests cannot decide.",
  },
  quadratic: {
    name: "Ill-conditioned quadratic", source: "x^2 + 25*y^2", x: [-3, 3], y: [-3, 3], start: [-2.5, 1], lr: 0.035,
    note: "Condition number 25: gradient descent zig-zags across the narrow direction; Newton solves it in one step.",
  },
  rastrigin: {
    name: "Rastrigin", source: "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", x: [-5.12, 5.12], y: [-5.12, 5.12], start: [2.2, 2.8], lr: 0.002,
    note: "Many local minima around the global minimum 0 at (0, 0): local methods stop in the nearest bowl.",
  },
};

export const OPTIMIZERS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "newton", "bfgs", "lbfgs"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  gd: "GD", momentum: "Momentum", nesterov: "Nesterov", adagrad: "AdaGrad", rmsprop: "RMSProp",
  adam: "Adam", adamw: "AdamW", newton: "Newton", bfgs: "BFGS", lbfgs: "L-BFGS",
};
