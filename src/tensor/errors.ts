/**
 * The error nabla throws for anything a user can fix: a bad shape, a bad argument, a
 * malformed input. Its message names the operation and says what to do.
 *
 * @example
 * let caught: unknown;
 * try { nb.add(nb.ones([2, 3]), nb.ones([4])); } catch (e) { caught = e; }
 * caught instanceof nb.NablaError; // => true
 * (caught as Error).message; // => "add: shapes [2, 3] and [4] cannot be broadcast together (axis -1: 3 vs 4); each axis must match or be 1"
 */
export class NablaError extends Error {
  override readonly name = "NablaError";
}
