/**
 * The functions an expression may call: one entry per function holds everything the
 * symbolic layer knows about it (arity, the nabla op it compiles to, its derivative rule,
 * its LaTeX name and the arguments where its value is exact).
 */
import type { Tensor } from "../tensor/tensor.js";
import type { TensorLike } from "../tensor/create.js";
import {
  abs, acos, asin, atan, cos, cosh, erf, exp, expm1, log, log1p, maximum, minimum, relu, sigmoid, sign, sin, sinh,
  softplus, sqrt, step, tan, tanh,
} from "../ops/primitives/elementwise.js";
import { gelu, silu } from "../ops/composite.js";

export interface FunctionSpec {
  /** The nabla op that computes it; the derivative rules below must agree with its rules. */
  readonly op: (...args: TensorLike[]) => Tensor;
  /**
   * ∂f/∂(argument i) as a formula in `u` (and `v` for the second argument); the chain rule
   * multiplies it by the argument's derivative.
   */
  readonly derivatives: readonly string[];
  /** LaTeX for the function name, e.g. `\sin` or `\operatorname{relu}`. */
  readonly latex: string;
  /** The value where it is exact and worth folding (sin 0 = 0), else undefined. */
  readonly exact?: (...args: number[]) => number | undefined;
}

const at = (point: number, value: number) => (x: number): number | undefined => (x === point ? value : undefined);
const named = (name: string): string => `\\operatorname{${name}}`;

/** Every callable function, by the name expressions use. */
export const FUNCTIONS = {
  sin: { op: sin, derivatives: ["cos(u)"], latex: "\\sin", exact: at(0, 0) },
  cos: { op: cos, derivatives: ["-sin(u)"], latex: "\\cos", exact: at(0, 1) },
  tan: { op: tan, derivatives: ["1 + tan(u)^2"], latex: "\\tan", exact: at(0, 0) },
  asin: { op: asin, derivatives: ["1/sqrt(1 - u^2)"], latex: "\\arcsin", exact: at(0, 0) },
  acos: { op: acos, derivatives: ["-1/sqrt(1 - u^2)"], latex: "\\arccos", exact: at(1, 0) },
  atan: { op: atan, derivatives: ["1/(1 + u^2)"], latex: "\\arctan", exact: at(0, 0) },
  sinh: { op: sinh, derivatives: ["cosh(u)"], latex: "\\sinh", exact: at(0, 0) },
  cosh: { op: cosh, derivatives: ["sinh(u)"], latex: "\\cosh", exact: at(0, 1) },
  tanh: { op: tanh, derivatives: ["1 - tanh(u)^2"], latex: "\\tanh", exact: at(0, 0) },
  exp: { op: exp, derivatives: ["exp(u)"], latex: "\\exp", exact: at(0, 1) },
  expm1: { op: expm1, derivatives: ["exp(u)"], latex: named("expm1"), exact: at(0, 0) },
  log: { op: log, derivatives: ["1/u"], latex: "\\ln", exact: at(1, 0) },
  log1p: { op: log1p, derivatives: ["1/(1 + u)"], latex: named("log1p"), exact: at(0, 0) },
  sqrt: {
    op: sqrt, derivatives: ["1/(2*sqrt(u))"], latex: "\\sqrt",
    exact: (x) => (Number.isInteger(Math.sqrt(x)) ? Math.sqrt(x) : undefined),
  },
  // abs′(0) = sign(0) = 0, relu′(0) = step(0) = 0: the engine's subgradient conventions.
  abs: { op: abs, derivatives: ["sign(u)"], latex: "", exact: Math.abs },
  sign: { op: sign, derivatives: ["0"], latex: named("sign"), exact: Math.sign },
  step: { op: step, derivatives: ["0"], latex: named("step"), exact: (x) => (x > 0 ? 1 : 0) },
  relu: { op: relu, derivatives: ["step(u)"], latex: named("relu"), exact: (x) => Math.max(x, 0) },
  erf: { op: erf, derivatives: ["2/sqrt(pi)*exp(-u^2)"], latex: named("erf"), exact: at(0, 0) },
  sigmoid: { op: sigmoid, derivatives: ["sigmoid(u)*(1 - sigmoid(u))"], latex: "\\sigma", exact: at(0, 0.5) },
  softplus: { op: softplus, derivatives: ["sigmoid(u)"], latex: named("softplus") },
  gelu: {
    op: (x: TensorLike) => gelu(x),
    derivatives: ["(1 + erf(u/sqrt(2)))/2 + u*exp(-u^2/2)/sqrt(2*pi)"], latex: named("gelu"), exact: at(0, 0),
  },
  silu: { op: silu, derivatives: ["sigmoid(u)*(1 + u*(1 - sigmoid(u)))"], latex: named("silu"), exact: at(0, 0) },
  // Ties share the derivative equally: (1 ± sign(u − v))/2 is ½ where u = v.
  max: { op: maximum, derivatives: ["(1 + sign(u - v))/2", "(1 - sign(u - v))/2"], latex: "\\max", exact: Math.max },
  min: { op: minimum, derivatives: ["(1 - sign(u - v))/2", "(1 + sign(u - v))/2"], latex: "\\min", exact: Math.min },
} satisfies Record<string, FunctionSpec>;

/** The name of a callable function. */
export type FunctionName = keyof typeof FUNCTIONS;

/** Other spellings the parser accepts. */
export const FUNCTION_ALIASES: Readonly<Record<string, FunctionName>> = { ln: "log" };

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

export function functionSpec(name: FunctionName): FunctionSpec {
  return FUNCTIONS[name];
}

/** The number of arguments a function takes. */
export function arity(name: FunctionName): number {
  return functionSpec(name).derivatives.length;
}
