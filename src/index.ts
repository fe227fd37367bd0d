/**
 * nabla: calculus for machine learning in TypeScript.
 *
 * `import * as nb from "nabla"` gives tensors, ops, and every transform. This file is the
 * only place the public surface is assembled.
 * @module
 */
import "./ops/methods.js";
import "./backend/browser.js";

export { Tensor } from "./tensor/tensor.js";
export type { NestedArray } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export type { Shape, Axis } from "./tensor/shape.js";
export { NablaError } from "./tensor/errors.js";
export { tensor, scalar, zeros, ones, zerosLike, onesLike, full, eye, arange, linspace, randn, rand } from "./tensor/create.js";
export type { TensorLike, NestedTensors, CreateOptions, RandomOptions } from "./tensor/create.js";
export { setGlobalSeed as seed } from "./tensor/random.js";

export * from "./ops/index.js";

export { grad, valueAndGrad, vjp } from "./autodiff/reverse.js";
export type { GradOptions, VjpFn, WithAux } from "./autodiff/reverse.js";
export { jvp } from "./autodiff/forward.js";
export { jacfwd, jacrev, jacobian, hessian } from "./autodiff/jacobian.js";
export type { JacobianFn, JacobianOf, JacobianBlocks, JacobianOptions, HessianFn } from "./autodiff/jacobian.js";
export { hvp, linearize, directional } from "./autodiff/products.js";
export { jet, derivatives, taylor } from "./autodiff/taylor.js";
export type { TaylorPolynomial, QuadraticModel } from "./autodiff/taylor.js";
export { customJvp, customVjp } from "./autodiff/custom.js";
export { jit, TracedValueError } from "./autodiff/jit.js";
export type { JitOptions } from "./autodiff/jit.js";
export { vmap } from "./autodiff/vmap.js";
export type { AxisSpec, Batched, VmapOptions } from "./autodiff/vmap.js";
export type { CustomFn, RuleArgs } from "./autodiff/custom.js";
export { treeMap } from "./autodiff/pytree.js";
export type { PyTree, Leaf } from "./autodiff/pytree.js";
export type { Input, Inputs, Output, Scalar } from "./autodiff/types.js";

export * as linalg from "./ops/linalg/index.js";

export * as numeric from "./numeric/index.js";
export { checkGrad } from "./numeric/check.js";
export type { CheckGradOptions, CheckGradResult, GradMismatch } from "./numeric/check.js";
export { limit } from "./numeric/limit.js";
export type { LimitOptions, LimitResult, LimitSide, OneSidedLimit } from "./numeric/limit.js";
export * as integrate from "./integrate.js";

export * from "./symbolic/index.js";

export * as optim from "./optim/index.js";
export { minimize, minimizeMethods } from "./optim/minimize/index.js";
export type {
  Bounds, Constraint, IterationRecord, KktResiduals, Method, MinimizeOptions, MinimizeResult, Multipliers, ObjectiveFunction, PointLike, StartPoint,
} from "./optim/minimize/index.js";
export { testFunctions } from "./optim/test-functions/index.js";
export type { TestFunction } from "./optim/test-functions/index.js";

export * as nn from "./nn/index.js";
export * as data from "./data/index.js";
export * as io from "./io/index.js";

export { ProgressBar } from "./util/progress.js";
export type { ProgressOptions, ProgressStream } from "./util/progress.js";

export { setBackend, getBackend, listBackends, registerBackend, backends } from "./backend/registry.js";
export type { Backend, UnaryKernel, BinaryKernel, ReduceKernel } from "./backend/interface.js";
export type { ArrayTensor } from "./tensor/tensor.js";

export * as distributions from "./probability/index.js";
export * as estimators from "./probability/estimators.js";
export * as models from "./models/index.js";
export * as landscape from "./landscape/index.js";
export * as random from "./ops/random.js";
