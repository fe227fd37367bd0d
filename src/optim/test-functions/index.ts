/**
 * Named objectives for optimisers (`nb.testFunctions`): the classic two-variable functions,
 * a few instructive shapes, and the Moré–Garbow–Hillstrom (1981) unconstrained set.
 * @module
 */
import { classic } from "./classic.js";
import { mgh } from "./mgh.js";
import type { TestFunction } from "./types.js";

export type { TestFunction } from "./types.js";

/**
 * Every test function by name, each `{description, f, x0, xmin?, fmin, mgh?}`; `mgh` is the
 * problem's number in Moré, Garbow & Hillstrom (1981).
 */
export const testFunctions: Readonly<Record<keyof typeof classic | keyof typeof mgh, TestFunction>> = { ...classic, ...mgh };
