/**
 * What every quadrature here shares: the integrand's calling convention (one Tensor of nodes
 * in, one Tensor of values out), concrete evaluation for adaptive searches, and the fixed
 * weighted sum that carries derivatives (nodes mapped from [0, 1] by a + (b − a)·u, so the
 * sum is differentiable in a, b and in anything f closes over, to every order).
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { formatShape } from "../../tensor/shape.js";
import { add, broadcastTo, mul, sub, sum } from "../../ops/index.js";

/**
 * An integrand: called with a Tensor of nodes (shape [m]), returns the values there (shape
 * [m]; a number stands for a constant). Write it elementwise with nabla ops: `x => nb.exp(nb.neg(nb.square(x)))`.
 */
export type Integrand = (x: Tensor) => Tensor | number;

/** An end of the range: a number, or a scalar Tensor (derivatives flow to it). */
export type Endpoint = number | Tensor;

/** The concrete value of an endpoint. */
export function endpointValue(where: string, e: Endpoint, name: string): number {
  const v = typeof e === "number" ? e : e.item();
  if (Number.isNaN(v)) throw new NablaError(`${where}: ${name} is NaN; give a number or ±Infinity`);
  return v;
}

/** The concrete value of an endpoint that must be finite. */
export function checkFinite(where: string, e: Endpoint, name: string): number {
  const v = endpointValue(where, e, name);
  if (!Number.isFinite(v)) throw new NablaError(`${where}: ${name} = ${v} must be finite (use nb.integrate.quad or tanhSinh for infinite ranges)`);
  return v;
}

/** True when an endpoint carries derivatives. */
export function isTraced(e: Endpoint): boolean {
  return typeof e !== "number" && e.level > 0;
}

/** Calls f on the nodes and checks it returned one value per node. */
export function callIntegrand(f: Integrand, x: Tensor, where: string): Tensor {
  const out: unknown = f(x);
  if (typeof out === "number") return broadcastTo(out, x.shape);
  if (!(out instanceof Tensor)) throw new NablaError(`${where}: the integrand must return a Tensor (write it with nabla ops, e.g. x => nb.exp(x)); it returned ${typeof out}`);
  if (out.size !== x.size) {
    throw new NablaError(`${where}: the integrand returned shape ${formatShape(out.shape)} for ${x.size} nodes; it must work elementwise and return one value per node (for a constant c, return c or nb.mul(c, nb.onesLike(x)))`);
  }
  return out;
}

/** f at concrete nodes: the values, and whether f's output carries derivatives. */
export function evaluateAt(f: Integrand, x: Float64Array, where: string): { values: Float64Array; traced: boolean } {
  const y = callIntegrand(f, tensor(x), where);
  return { values: Float64Array.from(y.values()), traced: y.level > 0 };
}

/** Nodes a + (b − a)·u and the Jacobian b − a, kept as Tensors only when a or b is traced. */
export interface MappedNodes {
  x: Tensor;
  jacobian: Tensor | number;
}

export function mappedNodes(a: Endpoint, b: Endpoint, lo: number, hi: number, u: Float64Array): MappedNodes {
  if (!isTraced(a) && !isTraced(b)) return { x: tensor(u.map((t) => lo + (hi - lo) * t)), jacobian: hi - lo };
  const width = sub(b, a);
  return { x: add(a, mul(width, tensor(u))), jacobian: width };
}

/** Σ wᵢ f(xᵢ) · jacobian: a fixed rule, so derivatives of every order pass through it. */
export function weightedSum(f: Integrand, nodes: MappedNodes, weights: Tensor, where = "integrate"): Tensor {
  const y = callIntegrand(f, nodes.x, where);
  return mul(sum(mul(y, weights)), nodes.jacobian);
}
