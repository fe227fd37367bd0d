/**
 * The objective as minimize's methods see it: f on a flat vector, with ∇f and Hessian-vector
 * products from nabla, and a count of every evaluation.
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { valueAndGrad } from "../../autodiff/reverse.js";
import { hessian } from "../../autodiff/jacobian.js";
import { hvp } from "../../autodiff/products.js";
import type { Scalar } from "../../autodiff/types.js";
import type { Vec } from "./vector.js";

/** A starting point: a Tensor of any shape, a list of numbers, or one number. */
export type StartPoint = Tensor | readonly number[] | number;

/** The objective of minimize: a scalar function of a Tensor shaped like x0. */
export type ObjectiveFunction = (x: Tensor) => Scalar;

function scalarValue(out: Scalar): number {
  return typeof out === "number" ? out : out.item();
}

/** Evaluation counts, as scipy reports them. */
export interface EvaluationCounts {
  nfev: number;
  ngev: number;
  nhev: number;
}

/** f, ∇f and H·v on flat vectors, counted. */
export class Objective {
  readonly n: number;
  readonly counts: EvaluationCounts = { nfev: 0, ngev: 0, nhev: 0 };
  private readonly shape: readonly number[];
  private readonly valueAndGradient: (x: Tensor) => [Scalar, Tensor];

  constructor(private readonly f: ObjectiveFunction, x0: StartPoint) {
    const start = x0 instanceof Tensor ? x0 : tensor(typeof x0 === "number" ? x0 : [...x0]);
    this.shape = start.shape;
    this.n = start.size;
    if (this.n === 0) throw new NablaError("minimize: x0 has no elements");
    this.valueAndGradient = valueAndGrad(f) as (x: Tensor) => [Scalar, Tensor];
    this.start = Float64Array.from(start.values());
  }

  /** Where a method starts: x0 as a flat vector (moved past a saddle point when a second-order method escapes one). */
  start: Vec;

  /** A flat vector as the Tensor f takes. */
  toTensor(x: Vec): Tensor {
    return tensor(Array.from(x), { shape: [...this.shape] });
  }

  value(x: Vec): number {
    this.counts.nfev++;
    return scalarValue(this.f(this.toTensor(x)));
  }

  /** f and ∇f from one reverse pass (counted as one evaluation of each). */
  valueAndGrad(x: Vec): [number, Vec] {
    this.counts.nfev++;
    this.counts.ngev++;
    const [v, g] = this.valueAndGradient(this.toTensor(x));
    return [scalarValue(v), Float64Array.from(g.values())];
  }

  /** H(x)·v by forward-over-reverse (nb.hvp), never forming H. */
  hvp(x: Vec, v: Vec): Vec {
    this.counts.nhev++;
    return Float64Array.from(hvp(this.f, this.toTensor(x), this.toTensor(v)).values());
  }

  /** The dense Hessian, row-major (nb.hessian: n forward passes over ∇f, counted as n products). */
  hessian(x: Vec): Vec {
    this.counts.nhev += this.n;
    return Float64Array.from((hessian(this.f)(this.toTensor(x)) as Tensor).values());
  }
}
