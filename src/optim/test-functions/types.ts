import type { Tensor } from "../../tensor/tensor.js";
import { reshape, slice } from "../../ops/primitives/shape.js";
import { add } from "../../ops/primitives/elementwise.js";
import { sum } from "../../ops/primitives/reduce.js";
import { square } from "../../ops/composite.js";

/** A named objective with its standard start and known minimum. */
export interface TestFunction {
  /** What it is and where it comes from. */
  description: string;
  /** The objective, a scalar function of a 1-D Tensor. */
  f: (x: Tensor) => Tensor;
  /** The standard starting point. */
  x0: number[];
  /** A minimiser, where one is known in closed form or to the digits published. */
  xmin?: number[];
  /** The minimum value (the global one; −Infinity when f is unbounded below). */
  fmin: number;
  /** The problem's number in Moré, Garbow & Hillstrom (1981), for the problems of that set. */
  mgh?: number;
}

/** The components x₁…xₙ of a 1-D tensor as rank-0 tensors, keeping derivatives. */
export function components(x: Tensor): Tensor[] {
  return Array.from({ length: x.shape[0]! }, (_, i) => reshape(slice(x, [i], [1]), []));
}

/** Σ residuals², over residual tensors of any shape: the MGH objective f = Σ fᵢ(x)². */
export function sumOfSquares(...residuals: Tensor[]): Tensor {
  return residuals.map((r) => sum(square(r))).reduce((a, b) => add(a, b));
}
