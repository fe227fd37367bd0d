/** Matrix-free derivative products: Hessian-vector products, linearization, directional derivatives. */
import type { Tensor } from "../tensor/tensor.js";
import { jvp, jvpNamed } from "./forward.js";
import { grad } from "./reverse.js";
import type { PyTree } from "./pytree.js";
import type { Inputs, Output, Scalar } from "./types.js";

/**
 * H(x)·v for a scalar function f, without forming H: forward mode over the reverse-mode
 * gradient, so it costs a small multiple of one gradient and memory linear in x's size.
 * x and v may be pytrees of the same structure; the result has that structure.
 * @example
 * const f = (x: nb.Tensor) => nb.sum(nb.mul(nb.pow(x, 3), [1, 2]));   // H = diag(6x₀, 12x₁)
 * nb.hvp(f, nb.tensor([1, 1]), nb.tensor([1, 1])).toArray(); // => [6, 12]
 */
export function hvp<X extends Tensor | number | PyTree>(f: (x: never) => Scalar, x: X, v: X): Output<X> {
  const gradient = grad(f as (x: Tensor) => Scalar);
  return jvpNamed("hvp", (y: unknown) => gradient(y as Tensor), [x], [v])[1] as Output<X>;
}

/**
 * Evaluates f at `primals` and returns its output with the linear map t ↦ J·t (the JVP at
 * that point). Each call of the map runs one forward-mode pass.
 * @example
 * const [y, jvpAt] = nb.linearize((x) => nb.mul(x, x), 3);
 * [y.item(), jvpAt(1).item(), jvpAt(2).item()]; // => [9, 6, 12]
 */
export function linearize<P extends unknown[] = Tensor[], Out = Tensor>(
  f: (...args: P) => Out, ...primals: Inputs<P>
): [Out, (...tangents: Inputs<P>) => Out] {
  const [out] = jvp(f, primals, primals);
  return [out, (...tangents) => jvp(f, primals, tangents)[1]];
}

/**
 * The directional derivative of f at x along u: ∇f(x)·u for a scalar f (J·u in general),
 * by one forward-mode pass.
 * @example
 * nb.directional((x: nb.Tensor) => nb.sum(nb.square(x)), nb.tensor([1, 2]), nb.tensor([1, 0])).item(); // => 2
 */
export function directional<X extends Tensor | number>(f: (x: Tensor) => Tensor, x: X, u: X): Tensor {
  return jvp(f, [x], [u])[1];
}
