/**
 * The one list of named optimizers: each name with its constructor, its default learning rate
 * and a label. minimize's first-order methods, the CLI's --optimizer and the Lab all read it,
 * so a new optimizer is one entry here.
 */
import { NablaError } from "../tensor/errors.js";
import type { LearningRate, Transform } from "./base.js";
import { type OptimizerState, adadelta, adagrad, adam, adamax, adamw, lion, nadam, rmsprop, sgd } from "./aliases.js";

/** What a registered optimizer's constructor accepts: the learning rate and, for the momentum methods, the coefficient. */
export interface OptimizerSettings {
  /** Default: the entry's `lr`. */
  lr?: LearningRate;
  /** momentum and nesterov: the momentum coefficient (default 0.9). */
  momentum?: number;
}

/** One named optimizer. */
export interface OptimizerEntry {
  /** How people write it ("Adam", "RMSProp"). */
  label: string;
  /** The learning rate used when none is given. */
  lr: number;
  make(settings?: OptimizerSettings): Transform<OptimizerState>;
}

/**
 * Every named optimizer by name: `gd` (plain gradient descent), `momentum`, `nesterov`,
 * `adagrad`, `rmsprop`, `adam`, `adamw`, `nadam`, `adamax`, `adadelta`, `lion`.
 * @example
 * Object.keys(nb.optim.optimizers).length; // => 11
 * nb.optim.optimizers.adam.lr; // => 0.001
 * const opt = nb.optim.optimizers.momentum.make({ lr: 0.1 });
 * opt.step([1], [2], opt.init([1])).params; // => [0.8]
 */
export const optimizers = {
  gd: entry("GD", 1e-2, (lr) => sgd({ lr })),
  momentum: entry("Momentum", 1e-2, (lr, momentum) => sgd({ lr, momentum })),
  nesterov: entry("Nesterov", 1e-2, (lr, momentum) => sgd({ lr, momentum, nesterov: true })),
  adagrad: entry("AdaGrad", 1e-2, (lr) => adagrad({ lr })),
  rmsprop: entry("RMSProp", 1e-2, (lr) => rmsprop({ lr })),
  adam: entry("Adam", 1e-3, (lr) => adam({ lr })),
  adamw: entry("AdamW", 1e-3, (lr) => adamw({ lr })),
  nadam: entry("NAdam", 2e-3, (lr) => nadam({ lr })),
  adamax: entry("Adamax", 2e-3, (lr) => adamax({ lr })),
  adadelta: entry("Adadelta", 1, (lr) => adadelta({ lr })),
  lion: entry("Lion", 1e-4, (lr) => lion({ lr })),
} as const satisfies Record<string, OptimizerEntry>;

/** The name of a registered optimizer. */
export type OptimizerName = keyof typeof optimizers;

/**
 * The registered names, in the table's order.
 * @example
 * nb.optim.optimizerNames.slice(0, 3); // => ["gd", "momentum", "nesterov"]
 */
export const optimizerNames = Object.keys(optimizers) as OptimizerName[];

/**
 * The optimizer registered under name, or an error listing the names.
 * @example
 * const opt = nb.optim.optimizer("adam", { lr: 0.1 });
 * opt.step([1], [3], opt.init([1])).params[0]!.toFixed(6); // => "0.900000"
 */
export function optimizer(name: string, settings: OptimizerSettings = {}): Transform<OptimizerState> {
  if (!isOptimizerName(name)) throw new NablaError(`unknown optimizer "${name}"; use one of ${optimizerNames.join(", ")}`);
  return optimizers[name].make(settings);
}

/**
 * Whether name is a registered optimizer.
 * @example
 * [nb.optim.isOptimizerName("adam"), nb.optim.isOptimizerName("newton")]; // => [true, false]
 */
export function isOptimizerName(name: string): name is OptimizerName {
  return Object.prototype.hasOwnProperty.call(optimizers, name);
}

/** An entry whose constructor fills in its own default learning rate and a momentum of 0.9. */
function entry(label: string, lr: number, build: (lr: LearningRate, momentum: number) => Transform<OptimizerState>): OptimizerEntry {
  return { label, lr, make: (s = {}) => build(s.lr ?? lr, s.momentum ?? 0.9) };
}
