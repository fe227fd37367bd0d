/**
 * The multivariate normal N(loc, covariance), parameterised through the lower Cholesky factor
 * L of the covariance (nb.linalg.cholesky), so every quantity is differentiable in loc and
 * covariance and a non-positive-definite covariance fails with linalg's clear error.
 */
import { type TensorLike, eye, randn, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { type Shape, broadcastShapes, formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, log, mul, sub } from "../ops/primitives/elementwise.js";
import { broadcastTo, reshape } from "../ops/primitives/shape.js";
import { sum } from "../ops/primitives/reduce.js";
import { expandDims, matmul, square } from "../ops/composite.js";
import { matrixTranspose } from "../ops/primitives/linalg.js";
import { cholesky, triangularSolve } from "../ops/linalg/index.js";
import { Distribution, type SampleOptions, type Support } from "./distribution.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** The diagonal of each matrix in a batch [..., d, d] → [..., d]. */
const diagonal = (m: Tensor): Tensor => sum(mul(m, eye(m.shape[m.ndim - 1]!)), -1);

/**
 * The multivariate normal with mean `loc` [..., d] and covariance [..., d, d].
 * @example
 * const d = new nb.distributions.MultivariateNormal([0, 0], [[1, 0], [0, 4]]);
 * d.logProb([0, 0]).item(); // => -2.5310242469692907
 * d.variance.toArray(); // => [1, 4]
 */
export class MultivariateNormal extends Distribution {
  readonly hasRsample = true;
  readonly loc: Tensor;
  readonly covariance: Tensor;
  /** The lower Cholesky factor of the covariance. */
  readonly scaleTril: Tensor;
  constructor(loc: TensorLike, covariance: TensorLike) {
    const mu = toTensor(loc), cov = toTensor(covariance);
    const d = mu.shape[mu.ndim - 1];
    if (mu.ndim < 1 || cov.ndim < 2 || cov.shape[cov.ndim - 1] !== d || cov.shape[cov.ndim - 2] !== d) {
      throw new NablaError(
        `MultivariateNormal(loc, covariance): loc must be [..., d] and covariance [..., d, d]; got ${formatShape(mu.shape)} and ${formatShape(cov.shape)}`,
      );
    }
    super(broadcastShapes(mu.shape.slice(0, -1), cov.shape.slice(0, -2), "MultivariateNormal(loc, covariance)"), [d!]);
    this.loc = mu;
    this.covariance = cov;
    this.scaleTril = cholesky(cov);
  }
  private get dimension(): number {
    return this.eventShape[0]!;
  }
  /** L⁻¹ (the whitening map), [..., d, d]. */
  private get inverseScale(): Tensor {
    return triangularSolve(this.scaleTril, eye(this.dimension));
  }
  /** log det L = ½ log det covariance, [batch]. */
  private get halfLogDet(): Tensor {
    return sum(log(diagonal(this.scaleTril)), -1);
  }
  logProb(x: TensorLike): Tensor {
    const diff = sub(x, this.loc);
    const white = matmul(expandDims(diff, -2), matrixTranspose(this.inverseScale));
    const mahalanobis = sum(square(white), [-2, -1]);
    return sub(mul(-0.5, add(mahalanobis, this.dimension * LOG_2PI)), this.halfLogDet);
  }
  get mean(): Tensor {
    return broadcastTo(this.loc, [...this.batchShape, this.dimension]);
  }
  get variance(): Tensor {
    return broadcastTo(diagonal(this.covariance), [...this.batchShape, this.dimension]);
  }
  entropy(): Tensor {
    return broadcastTo(add(this.halfLogDet, 0.5 * this.dimension * (1 + LOG_2PI)), this.batchShape);
  }
  get support(): Support {
    return { lower: -Infinity, upper: Infinity, discrete: false };
  }
  override rsample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    return this.fromStandardNormal(randn(this.extendedShape(shape), { seed: options.seed }));
  }
  /**
   * loc + L·ε for standard normal ε [..., d]: the map behind rsample, also used with
   * quasi-random ε by expectation's qmc.
   * @example
   * new nb.distributions.MultivariateNormal([1, 2], [[4, 0], [0, 9]]).fromStandardNormal([1, 1]).toArray(); // => [3, 5]
   */
  fromStandardNormal(eps: TensorLike): Tensor {
    const e = toTensor(eps);
    return add(this.loc, reshape(matmul(expandDims(e, -2), matrixTranspose(this.scaleTril)), [...e.shape.slice(0, -1), this.dimension]));
  }
}

/** KL(p ‖ q) = ½(‖Lq⁻¹Lp‖²_F + ‖Lq⁻¹(μq − μp)‖² − d) + log det Lq − log det Lp. */
export function klMultivariateNormal(p: MultivariateNormal, q: MultivariateNormal): Tensor {
  const d = p.eventShape[0]!;
  if (q.eventShape[0] !== d) throw new NablaError(`kl: MultivariateNormal dimensions differ (${d} and ${q.eventShape[0]})`);
  const qInv = triangularSolve(q.scaleTril, eye(d));
  const trace = sum(square(matmul(qInv, p.scaleTril)), [-2, -1]);
  const gap = matmul(expandDims(sub(q.loc, p.loc), -2), matrixTranspose(qInv));
  const mahalanobis = sum(square(gap), [-2, -1]);
  const logDet = (m: MultivariateNormal) => sum(log(diagonal(m.scaleTril)), -1);
  return add(mul(0.5, sub(add(trace, mahalanobis), d)), sub(logDet(q), logDet(p)));
}
