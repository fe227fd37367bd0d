import { expect } from "vitest";
import * as nb from "../src/index.js";

/** Flattens a number, nested array or Tensor into a list of numbers. */
export function flat(x: nb.TensorLike): number[] {
  if (typeof x === "number") return [x];
  if (x instanceof nb.Tensor) return Array.from(x.values());
  return Array.from(nb.tensor(x).values());
}

/** Asserts elementwise |a − b| ≤ atol + rtol·|b| with matching sizes, reporting the worst element. */
export function expectClose(actual: nb.TensorLike, expected: nb.TensorLike, rtol = 1e-12, atol = 1e-12): void {
  const a = flat(actual);
  const b = flat(expected);
  expect(a.length, "number of elements").toBe(b.length);
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!) - (atol + rtol * Math.abs(b[i]!));
    if (!(err <= excess)) {
      excess = err;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: got ${a[worst]}, expected ${b[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** The message of the NablaError f throws (fails the test on any other outcome). */
export function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(nb.NablaError);
    return (e as Error).message;
  }
  throw new Error("expected a NablaError");
}
