/**
 * User-defined derivative rules. Each wrapped function becomes a primitive of its own (not
 * in the shared table), so it takes part in every transform like a built-in op.
 */
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, toTensor, zerosLike } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { type Primitive, bind } from "../ops/core.js";
import { vjp } from "./reverse.js";

function named(f: { name: string }, fallback: string): string {
  return f.name && f.name !== "anonymous" ? f.name : fallback;
}

function evaluate(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], name: string) {
  const out = toTensor(f(...inputs));
  if (out.level !== 0) {
    throw new NablaError(`${name}: the function returned a traced value for concrete inputs; it must compute its result from its own arguments only`);
  }
  return out.concrete();
}

/** Arguments of a custom rule: at least one tensor (so `([x], [t]) => …` destructures cleanly). */
export type RuleArgs = [Tensor, ...Tensor[]];

/** A function of Tensors to a Tensor, callable with anything tensor-like. */
export type CustomFn = (...args: TensorLike[]) => Tensor;

/**
 * Gives f a custom forward-mode rule: `jvpRule(primals, tangents)` returns
 * `[f(primals), J·tangents]`, linear in the tangents. Reverse mode transposes that linear
 * map automatically, so grad, vjp and hessian use the rule too.
 * @example
 * // log(1 + eˣ) written naively overflows for large x; the rule supplies σ(x) exactly.
 * const softplus = nb.customJvp(
 *   (x) => nb.log(nb.add(1, nb.exp(x))),
 *   ([x], [t]) => [nb.softplus(x), nb.mul(t, nb.sigmoid(x))],
 * );
 * nb.grad((x) => softplus(x))(1000); // => 1
 */
export function customJvp(f: (...xs: Tensor[]) => Tensor, jvpRule: (primals: RuleArgs, tangents: RuleArgs) => [Tensor, Tensor]): CustomFn {
  const name = named(f, "customJvp");
  const tangentMap = (primals: readonly Tensor[]) => (...tangents: Tensor[]) => jvpRule(primals as RuleArgs, tangents as RuleArgs)[1];
  const prim: Primitive<undefined> = {
    name,
    impl: (inputs) => evaluate(f, inputs, name),
    jvp: (primals, tangents) => tangentMap(primals)(...tangents.map((t, i) => t ?? zerosLike(primals[i]!))),
    // The tangent map is linear, so its VJP at any point (zero, say) is the transpose.
    vjp: (g, primals) => {
      const [, pullback] = vjp(tangentMap(primals), ...primals.map((p) => zerosLike(p)));
      return pullback(g) as Tensor[];
    },
    check: { domain: "real", order: 2, cases: [] },
  };
  return (...args) => bind(prim, args.map((a) => toTensor(a)), undefined);
}

/**
 * Gives f a custom reverse-mode rule. `fwd(...xs)` returns `[f(xs), residuals]` and
 * `bwd(residuals, g)` returns one cotangent per input (null for none). fwd runs when a
 * cotangent flows back, on the same inputs; forward mode has no rule and says so.
 * @example
 * // Gradient clipping in the backward pass only: the identity forward, a clipped cotangent back.
 * const clipGrad = nb.customVjp(
 *   (x) => x,
 *   (x) => [x, null],
 *   (_, g) => [nb.clip(g, -1, 1)],
 * );
 * nb.grad((x) => nb.mul(clipGrad(x), 5))(2); // => 1
 */
export function customVjp<R>(
  f: (...xs: Tensor[]) => Tensor,
  fwd: (...xs: Tensor[]) => [Tensor, R],
  bwd: (residuals: R, g: Tensor) => readonly (Tensor | null)[],
): CustomFn {
  const name = named(f, "customVjp");
  const prim: Primitive<undefined> = {
    name,
    impl: (inputs) => evaluate(f, inputs, name),
    vjp: (g, primals) => {
      const grads = bwd(fwd(...primals)[1], g);
      if (grads.length !== primals.length) {
        throw new NablaError(`${name}: bwd returned ${grads.length} cotangent(s) for ${primals.length} input(s)`);
      }
      return grads;
    },
    check: { domain: "real", order: 2, cases: [] },
  };
  return (...args) => bind(prim, args.map((a) => toTensor(a)), undefined);
}
