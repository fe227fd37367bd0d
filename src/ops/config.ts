import { tensorLimits } from "../tensor/dtype.js";
import { NablaError } from "../tensor/errors.js";

/** Global switches; set them with `nb.config`. */
export interface Config {
  /** Throw at the first op, forward or backward, that produces NaN or ±Infinity, naming the op. */
  debugNans: boolean;
  /**
   * Largest dense Jacobian or Hessian, in bytes, that jacfwd, jacrev, jacobian and hessian
   * will build (default 1 GiB); beyond it they throw and point to matrix-free products.
   */
  maxDenseBytes: number;
  /**
   * Largest tensor, in bytes, that nabla allocates (default 2 GiB); creating or computing a
   * bigger one throws a NablaError that names the shape, before any memory is taken.
   */
  maxTensorBytes: number;
}

/** The live settings, read on hot paths (a plain object for speed). */
export const settings: Config = { debugNans: false, maxDenseBytes: 2 ** 30, maxTensorBytes: tensorLimits.maxTensorBytes };

/**
 * Reads or changes global settings; returns the settings now in force.
 *
 * @example
 * nb.config({ debugNans: true });
 * let message = "";
 * try { nb.log(nb.tensor([1, -1])); } catch (e) { message = (e as Error).message; }
 * message.includes("'log' produced NaN"); // => true
 * nb.config({ debugNans: false }).debugNans; // => false
 */
export function config(changes: Partial<Config> = {}): Readonly<Config> {
  for (const key of ["maxDenseBytes", "maxTensorBytes"] as const) {
    const value = changes[key];
    if (value !== undefined && !(typeof value === "number" && value > 0)) throw new NablaError(`config: ${key} must be a positive number of bytes, got ${value}`);
  }
  Object.assign(settings, changes);
  tensorLimits.maxTensorBytes = settings.maxTensorBytes;
  return { ...settings };
}
