import type { BinaryKernel, ReduceKernel, UnaryKernel } from "../interface.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { erf } from "../../util/erf.js";

/**
 * Each elementwise kernel is one JavaScript expression in `x` (and `y`). Loops are generated
 * from these once per (op, dtypes, layout) and cached, so every hot loop is monomorphic and
 * allocation-free; jit's fused loops (./fused.ts) are generated from the same expressions.
 */
const UNARY_EXPR: Record<UnaryKernel, string> = {
  identity: "x",
  neg: "-x",
  exp: "Math.exp(x)",
  log: "Math.log(x)",
  log1p: "Math.log1p(x)",
  expm1: "Math.expm1(x)",
  sqrt: "Math.sqrt(x)",
  reciprocal: "1 / x",
  abs: "Math.abs(x)",
  sign: "(x > 0 ? 1 : x < 0 ? -1 : x)",
  sin: "Math.sin(x)",
  cos: "Math.cos(x)",
  tan: "Math.tan(x)",
  asin: "Math.asin(x)",
  acos: "Math.acos(x)",
  atan: "Math.atan(x)",
  sinh: "Math.sinh(x)",
  cosh: "Math.cosh(x)",
  tanh: "Math.tanh(x)",
  erf: "erf(x)",
  // Branches keep exp's argument non-positive: no overflow, no cancellation.
  sigmoid: "(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))",
  softplus: "(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))",
  relu: "(x > 0 ? x : 0 * x)",
  step: "(x > 0 ? 1 : 0)",
};

const BINARY_EXPR: Record<BinaryKernel, string> = {
  add: "x + y",
  sub: "x - y",
  mul: "x * y",
  div: "x / y",
  pow: "Math.pow(x, y)",
  maximum: "Math.max(x, y)",
  minimum: "Math.min(x, y)",
  atan2: "Math.atan2(x, y)",
  // One comparison in the common case: the product is only rechecked when it is 0 or NaN,
  // the two results an exact zero factor can produce (+0 then, as the definition says).
  mulNoNan: "((p = x * y) === p && p !== 0 ? p : x === 0 || y === 0 ? 0 : p)",
  equal: "(x === y ? 1 : 0)",
  less: "(x < y ? 1 : 0)",
  greater: "(x > y ? 1 : 0)",
  // mulNoNan(x, step(y)): a −0 cotangent gives +0 as the product does.
  reluGrad: "(y > 0 && x !== 0 ? x : 0)",
};

/** The expression of a unary kernel applied to the variable `x` (an identifier: it may be read twice). */
export function unaryExpression(op: UnaryKernel, x: string): string {
  return substitute(UNARY_EXPR[op], x, "y");
}

/** The expression of a binary kernel on the variables `x` and `y`; mulNoNan needs a scratch `let p`. */
export function binaryExpression(op: BinaryKernel, x: string, y: string): string {
  return substitute(BINARY_EXPR[op], x, y);
}

function substitute(expression: string, x: string, y: string): string {
  return expression.replace(/\b[xy]\b/g, (v) => (v === "x" ? x : y));
}

const helpers = { erf };

/** o[oo + i] = f(x[xo + i]) for i < n. */
export type UnaryLoop = (x: TypedArray, xo: number, o: TypedArray, oo: number, n: number) => void;
/** o[oo + i] = f(a[ao + i·as], b[bo + i·bs]) for i < n (as, bs are 0 or the inner stride). */
export type BinaryLoop = (
  a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, o: TypedArray, oo: number, n: number,
) => void;

/** Reduces x[xo .. xo + n) to one number. */
export type ReduceLoop = (x: TypedArray, xo: number, n: number) => number;

const unaryCache = new Map<string, UnaryLoop>();
const binaryCache = new Map<string, BinaryLoop>();
const reduceCache = new Map<string, ReduceLoop>();

/** Compiles a loop body with the kernels' helper functions (erf) in scope. */
export function compile<T>(params: string, body: string): T {
  return new Function("helpers", `const { erf } = helpers; return function (${params}) { ${body} };`)(helpers) as T;
}

/** The loop for one unary op; `key` distinguishes dtype combinations so each loop stays monomorphic. */
export function unaryLoop(op: UnaryKernel, key: string): UnaryLoop {
  const cacheKey = `${op}|${key}`;
  let loop = unaryCache.get(cacheKey);
  if (!loop) {
    loop = compile<UnaryLoop>("x_, xo, o, oo, n", `for (let i = 0; i < n; i++) { const x = x_[xo + i]; o[oo + i] = ${UNARY_EXPR[op]}; }`);
    unaryCache.set(cacheKey, loop);
  }
  return loop;
}

/**
 * Operand layouts of a binary loop: "cc" both contiguous, "sc"/"cs" one side a single
 * repeated value, "cr"/"rc" one side a contiguous row repeated along the output (a bias
 * added to every row; the row's length is passed as that side's stride), "ss" general strides.
 */
export type BinaryLayout = "cc" | "sc" | "cs" | "cr" | "rc" | "ss";

/** The loop for one binary op and layout (see BinaryLayout). */
export function binaryLoop(op: BinaryKernel, layout: BinaryLayout, key: string): BinaryLoop {
  const cacheKey = `${op}|${layout}|${key}`;
  let loop = binaryCache.get(cacheKey);
  if (!loop) {
    const element = (x: string, y: string): string => `{ const x = ${x}; const y = ${y}; o[oo + i] = ${BINARY_EXPR[op]}; }`;
    // A repeated row runs as rows × row length: no modulo per element.
    const rows = (len: string, x: string, y: string): string =>
      `for (let r = 0, i = 0; r < n; r += ${len}) for (let j = 0; j < ${len}; j++, i++) ${element(x, y)}`;
    const body = {
      cc: `for (let i = 0; i < n; i++) ${element("a[ao + i]", "b[bo + i]")}`,
      sc: `const xs = a[ao]; for (let i = 0; i < n; i++) ${element("xs", "b[bo + i]")}`,
      cs: `const ys = b[bo]; for (let i = 0; i < n; i++) ${element("a[ao + i]", "ys")}`,
      cr: rows("bs", "a[ao + i]", "b[bo + j]"),
      rc: rows("as", "a[ao + j]", "b[bo + i]"),
      ss: `for (let i = 0; i < n; i++) ${element("a[ao + i * as]", "b[bo + i * bs]")}`,
    }[layout];
    loop = compile<BinaryLoop>("a, ao, as, b, bo, bs, o, oo, n", `let p = 0; ${body}`);
    binaryCache.set(cacheKey, loop);
  }
  return loop;
}

/** max and min propagate NaN: the first NaN ends the row. */
const REDUCE_BODY: Record<ReduceKernel, string> = {
  sum: "let s = 0; for (let i = 0; i < n; i++) s += x[xo + i]; return s;",
  max: "let m = -Infinity; for (let i = 0; i < n; i++) { const v = x[xo + i]; if (v !== v) return NaN; if (v > m) m = v; } return m;",
  min: "let m = Infinity; for (let i = 0; i < n; i++) { const v = x[xo + i]; if (v !== v) return NaN; if (v < m) m = v; } return m;",
};

/**
 * The row loop of one reduction. Generated like the elementwise loops so that it is a small
 * monomorphic function: a single large row is then optimised on the spot, where a loop
 * inside the generic kernel would run unoptimised until the kernel itself became hot.
 */
export function reduceLoop(op: ReduceKernel, key: string): ReduceLoop {
  const cacheKey = `${op}|${key}`;
  let loop = reduceCache.get(cacheKey);
  if (!loop) {
    loop = compile<ReduceLoop>("x, xo, n", REDUCE_BODY[op]);
    reduceCache.set(cacheKey, loop);
  }
  return loop;
}
