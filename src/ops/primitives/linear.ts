/**
 * `linear()`: the helper for primitives linear in their one input (shape ops, sum, gather and
 * scatterAdd). The JVP applies the primitive to the tangent and the Taylor rule to every
 * coefficient, so only the transpose, the VJP, is written (JAX's deflinear).
 */
import { type Primitive, bind, definePrimitive } from "../core.js";
import { linearTaylor } from "../series.js";
import type { Tensor } from "../../tensor/tensor.js";

/** A linear primitive's entry: everything but the JVP, VJP and Taylor rule, plus its transpose. */
export type LinearSpec<P> = Omit<Primitive<P>, "jvp" | "vjp" | "taylor"> & {
  /** The cotangent of the input x, given the output's cotangent g. */
  transpose: (g: Tensor, x: Tensor, params: P) => Tensor;
};

export function linear<P>({ transpose, ...entry }: LinearSpec<P>): Primitive<P> {
  const prim: Primitive<P> = definePrimitive<P>({
    ...entry,
    jvp: (_, [t], __, params) => bind(prim, [t!], params),
    vjp: (g, [x], __, params) => [transpose(g, x!, params)],
    taylor: linearTaylor(() => prim),
  });
  return prim;
}
