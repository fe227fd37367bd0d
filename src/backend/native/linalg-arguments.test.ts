/**
 * The native linear-algebra entry points check their arguments themselves (a wrong array type,
 * a negative offset or size, a slice past the end of its array) and throw one error naming the
 * problem, instead of reading or writing outside an array. nabla's TypeScript never passes such
 * arguments; these guard the addon against a caller that does.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { DEFAULT_BINARY } from "./index.js";

type Entry = (...args: unknown[]) => unknown;
const addon = existsSync(DEFAULT_BINARY) ? (createRequire(import.meta.url)(DEFAULT_BINARY) as Record<string, Entry>) : undefined;
const spd = () => Float64Array.from([4, 1, 1, 3]);

describe.skipIf(addon === undefined)("native linalg entry points refuse bad arguments", () => {
  test("a valid call works: the Cholesky factor of [[4, 1], [1, 3]] into a slice of a larger array", () => {
    const out = new Float64Array(6).fill(-1);
    expect(addon!.choleskyF64!(spd(), 0, out, 2, 2)).toBe(-1);
    expect(Array.from(out.slice(2))).toEqual([2, 0, 0.5, Math.sqrt(3 - 0.25)]);
  });

  test.each([
    ["a Float32Array where a Float64Array is due", () => addon!.choleskyF64!(new Float32Array(4), 0, new Float64Array(4), 0, 2), TypeError, /expected a Float64Array/],
    ["a negative offset", () => addon!.choleskyF64!(spd(), -1, new Float64Array(4), 0, 2), TypeError, /non-negative integer/],
    ["an input slice past the end", () => addon!.choleskyF64!(spd(), 1, new Float64Array(4), 0, 2), RangeError, /out of bounds/],
    ["an output slice past the end", () => addon!.choleskyF64!(spd(), 0, new Float64Array(4), 1, 2), RangeError, /out of bounds/],
    ["a Float64Array where the pivots' Int32Array is due", () => addon!.luF64!(spd(), 0, new Float64Array(4), 0, 2, new Float64Array(2), 0), TypeError, /expected an Int32Array/],
    ["pivots past the end", () => addon!.luF64!(spd(), 0, new Float64Array(4), 0, 2, new Int32Array(2), 1), RangeError, /out of bounds/],
    ["a right-hand side past the end", () => addon!.luSolveF64!(spd(), 0, 2, new Int32Array([0, 1]), 0, new Float64Array(3), 0, 2), RangeError, /out of bounds/],
    ["a pivot index outside the matrix", () => addon!.luSolveF64!(spd(), 0, 2, new Int32Array([0, 5]), 0, new Float64Array(2), 0, 1), RangeError, /pivot index is out of range/],
    ["an eigenvalue slice past the end", () => addon!.eighF64!(spd(), 0, 2, new Float64Array(1), 0, null, 0), RangeError, /out of bounds/],
    ["an eigenvector array too short", () => addon!.eighF64!(spd(), 0, 2, new Float64Array(2), 0, new Float64Array(3), 0), RangeError, /out of bounds/],
    ["singular vectors too short", () => addon!.svdF64!(spd(), 0, 2, 2, new Float64Array(3), 0, new Float64Array(2), 0, new Float64Array(4), 0), RangeError, /out of bounds/],
    ["a wrong number of arguments", () => addon!.choleskyF64!(spd(), 0), TypeError, /wrong number of arguments/],
  ] as const)("%s", (_, call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});
