/**
 * The error nabla throws for anything a user can fix: a bad shape, a bad argument, a
 * malformed input. Its message names the operation and says what to do.
 */
export class NablaError extends Error {
  override readonly name = "NablaError";
}
