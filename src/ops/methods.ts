/**
 * Installs every op as a Tensor method (`a.add(b)` is `nb.add(a, b)`). A registration
 * module: imported once for its side effect, and declared in package.json "sideEffects".
 */
import { Tensor } from "../tensor/tensor.js";
import { type NestedTensors, type TensorLike, setStackNested, toTensor } from "../tensor/create.js";
import type { DType } from "../tensor/dtype.js";
import type { Axis } from "../tensor/shape.js";
import * as ops from "./index.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    atan2(b: TensorLike): Tensor;
    mulNoNan(b: TensorLike): Tensor;
    equal(b: TensorLike): Tensor;
    less(b: TensorLike): Tensor;
    greater(b: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    atan(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    tanh(): Tensor;
    erf(): Tensor;
    sigmoid(): Tensor;
    softplus(): Tensor;
    relu(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    gelu(options?: ops.GeluOptions): Tensor;
    silu(): Tensor;
    clip(lo: TensorLike, hi: TensorLike): Tensor;
    where(cond: TensorLike, otherwise: TensorLike): Tensor;
    cast(dtype: DType): Tensor;
    stopGradient(): Tensor;
    sum(axis?: Axis, keepdims?: boolean): Tensor;
    mean(axis?: Axis, keepdims?: boolean): Tensor;
    prod(axis?: Axis, keepdims?: boolean): Tensor;
    max(axis?: Axis, keepdims?: boolean): Tensor;
    min(axis?: Axis, keepdims?: boolean): Tensor;
    logsumexp(axis?: Axis, keepdims?: boolean): Tensor;
    variance(axis?: Axis, keepdims?: boolean, options?: ops.VarianceOptions): Tensor;
    norm(axis?: Axis, keepdims?: boolean, ord?: number): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    squeeze(axis?: Axis): Tensor;
    expandDims(axis: number): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    slice(begin: readonly number[], size?: readonly number[]): Tensor;
    gather(indices: TensorLike, axis?: number): Tensor;
    matmul(b: TensorLike): Tensor;
    dot(b: TensorLike): Tensor;
    outer(b: TensorLike): Tensor;
  }
}

/** Methods whose receiver is the op's first argument, with the rest passed through. */
const receiverFirst = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "mulNoNan", "equal", "less", "greater",
  "neg", "exp", "log", "log1p", "expm1", "sqrt", "square", "reciprocal", "abs", "sign", "sin", "cos", "tan",
  "asin", "acos", "atan", "sinh", "cosh", "tanh", "erf", "sigmoid", "softplus", "relu", "leakyRelu", "gelu",
  "silu", "clip", "cast", "stopGradient", "sum", "mean", "prod", "max", "min", "logsumexp", "variance", "norm",
  "softmax", "logSoftmax", "reshape", "transpose", "squeeze", "expandDims", "broadcastTo", "slice", "gather",
  "matmul", "dot", "outer",
] as const;

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const name of receiverFirst) {
  const op = ops[name] as (...args: unknown[]) => Tensor;
  proto[name] = function (this: Tensor, ...args: unknown[]) {
    return op(this, ...args);
  };
}
setStackNested((xs, dtype) => {
  const stackAll = (x: NestedTensors): Tensor => (Array.isArray(x) ? ops.stack(x.map(stackAll)) : toTensor(x as Tensor | number, dtype));
  return stackAll(xs);
});

/** `x.where(cond, y)` reads "x where cond, otherwise y". */
proto.where = function (this: Tensor, cond: TensorLike, otherwise: TensorLike) {
  return ops.where(cond, this, otherwise);
};
