/** Global switches; set them with `nb.config`. */
export interface Config {
  /** Throw at the first op, forward or backward, that produces NaN or ±Infinity, naming the op. */
  debugNans: boolean;
  /**
   * Largest dense Jacobian or Hessian, in bytes, that jacfwd, jacrev, jacobian and hessian
   * will build (default 1 GiB); beyond it they throw and point to matrix-free products.
   */
  maxDenseBytes: number;
}

/** The live settings, read on hot paths (a plain object for speed). */
export const settings: Config = { debugNans: false, maxDenseBytes: 2 ** 30 };

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
  Object.assign(settings, changes);
  return { ...settings };
}
