/**
 * Dense Jacobians and Hessians, built from the two modes: one JVP per input element
 * (jacfwd) or one VJP per output element (jacrev), stacked into shape out.shape ++ in.shape.
 * Before building, the size is checked against `nb.config().maxDenseBytes`.
 */
import { Tensor } from "../tensor/tensor.js";
import { basisTensor, zeros } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatBytes, formatShape } from "../tensor/shape.js";
import { settings } from "../ops/config.js";
import { reshape, stack } from "../ops/index.js";
import { type Leaf, type PyTree, type TreeDef, flatten, unflatten } from "./pytree.js";
import { leafTensor, likeLeaf } from "./leaves.js";
import { jvpNamed } from "./forward.js";
import { vjpNamed } from "./reverse.js";
import type { Inputs } from "./types.js";

/** Options for the Jacobian and Hessian transforms. */
export interface JacobianOptions<N extends number = number> {
  /** Which positional argument to differentiate (default 0); it may be a pytree. */
  argnums?: N;
}

type Mode = "forward" | "reverse" | "auto";

/** Throws, before any work, when a dense result would exceed maxDenseBytes. */
function checkDenseSize(name: string, what: string, outShape: readonly number[], inShape: readonly number[], bytesPerEntry: number): void {
  const entries = outShape.reduce((a, b) => a * b, 1) * inShape.reduce((a, b) => a * b, 1);
  const bytes = entries * bytesPerEntry;
  if (bytes > settings.maxDenseBytes) {
    throw new NablaError(
      `${name}: the dense ${what} would be ${formatShape([...outShape, ...inShape])} = ${entries.toExponential(2)} entries ` +
        `(${formatBytes(bytes)}), over the limit of ${formatBytes(settings.maxDenseBytes)} set by nb.config({ maxDenseBytes }). ` +
        `Use matrix-free products instead: nb.hvp(f, x, v) for Hessian-vector products, nb.jvp / nb.vjp for ` +
        `Jacobian-vector products (Lanczos on hvp gives the Hessian's extreme eigenvalues); or raise maxDenseBytes.`,
    );
  }
}

interface Setup {
  inDef: TreeDef;
  inputs: Tensor[];
  inTemplates: Leaf[];
  call: (...leaves: unknown[]) => unknown;
}

function setup(name: string, f: (...args: never[]) => unknown, args: readonly unknown[], argnum: number): Setup {
  if (!Number.isInteger(argnum) || argnum < 0 || argnum >= args.length) {
    throw new NablaError(`${name}: argnums ${argnum} is out of range: f was called with ${args.length} argument(s)`);
  }
  const { leaves, def } = flatten(args[argnum], name);
  const call = (...leafValues: unknown[]) => {
    const full = args.slice();
    full[argnum] = unflatten(def, leafValues);
    return (f as (...a: unknown[]) => unknown)(...full);
  };
  return { inDef: def, inputs: leaves.map(leafTensor), inTemplates: leaves, call };
}

/** Assembles blocks[o][i] (shape out_o ++ in_i) into the nested result structure. */
function assemble(outDef: TreeDef, outTemplates: readonly Leaf[], s: Setup, blocks: Tensor[][]): PyTree {
  const perOutput = blocks.map((row, o) =>
    unflatten(s.inDef, row.map((block, i) => (typeof outTemplates[o] === "number" ? likeLeaf(block, s.inTemplates[i]!) : block))),
  );
  return unflatten(outDef, perOutput);
}

/** out.shape ++ in.shape from a list of slices along the input's flattened elements. */
function block(slices: readonly Tensor[], outShape: readonly number[], inShape: readonly number[], axis: "last" | "first", dtype: Tensor["dtype"]): Tensor {
  if (slices.length === 0) return zeros([...outShape, ...inShape], { dtype });
  const stacked = stack(slices, axis === "last" ? outShape.length : 0);
  return reshape(stacked, [...outShape, ...inShape]);
}

function forwardJacobian(name: string, s: Setup): PyTree {
  const columns: Tensor[][][] = [];
  let outDef: TreeDef | null = null;
  let outLeaves: Leaf[] = [];
  s.inputs.forEach((x, i) => {
    for (let e = 0; e < x.size; e++) {
      const tangents = s.inputs.map((y, j) => (j === i ? basisTensor(y.shape, e, y.dtype) : zeros(y.shape, { dtype: y.dtype })));
      const [out, tangentOut] = jvpNamed(name, s.call, s.inputs, tangents);
      if (outDef === null) {
        const flat = flatten(out, `${name} (f's output)`);
        outDef = flat.def;
        outLeaves = flat.leaves;
        const bytes = outLeaves.some((l) => leafTensor(l).dtype === "float64") ? 8 : 4;
        const outSize = outLeaves.reduce((n: number, l) => n + leafTensor(l).size, 0);
        const inSize = s.inputs.reduce((n, t) => n + t.size, 0);
        checkDenseSize(name, "Jacobian", [outSize], [inSize], bytes);
        outLeaves.forEach((_, o) => (columns[o] = s.inputs.map(() => [])));
      }
      flatten(tangentOut, name).leaves.forEach((t, o) => columns[o]![i]!.push(leafTensor(t)));
    }
  });
  if (outDef === null) {
    // No input elements: evaluate once for the output structure; every block is empty.
    const flat = flatten(s.call(...s.inputs), `${name} (f's output)`);
    outDef = flat.def;
    outLeaves = flat.leaves;
    outLeaves.forEach((_, o) => (columns[o] = s.inputs.map(() => [])));
  }
  const blocks = outLeaves.map((l, o) => s.inputs.map((x, i) => block(columns[o]![i]!, leafTensor(l).shape, x.shape, "last", x.dtype)));
  return assemble(outDef, outLeaves, s, blocks);
}

function reverseJacobian(name: string, s: Setup, traced?: [unknown, (ct: PyTree) => PyTree[]]): PyTree {
  const [out, pullback] = traced ?? vjpNamed(name, s.call, s.inputs);
  const { leaves: outLeaves, def: outDef } = flatten(out, `${name} (f's output)`);
  const outTensors = outLeaves.map(leafTensor);
  const outSize = outTensors.reduce((n, t) => n + t.size, 0);
  const inSize = s.inputs.reduce((n, t) => n + t.size, 0);
  checkDenseSize(name, "Jacobian", [outSize], [inSize], outTensors.some((t) => t.dtype === "float64") ? 8 : 4);
  const blocks = outTensors.map((y, o) => {
    const rows: Tensor[][] = s.inputs.map(() => []);
    for (let e = 0; e < y.size; e++) {
      const seeds = outTensors.map((z, j) => (j === o ? basisTensor(z.shape, e, z.dtype) : zeros(z.shape, { dtype: z.dtype })));
      pullback(unflatten(outDef, seeds)).forEach((g, i) => rows[i]!.push(leafTensor(g as Leaf)));
    }
    return s.inputs.map((x, i) => block(rows[i]!, y.shape, x.shape, "first", x.dtype));
  });
  return assemble(outDef, outLeaves, s, blocks);
}

function jacobianWith(name: string, mode: Mode, f: (...args: never[]) => unknown, argnum: number) {
  return (...args: unknown[]): PyTree => {
    const s = setup(name, f, args, argnum);
    if (mode === "forward") return forwardJacobian(name, s);
    if (mode === "reverse") return reverseJacobian(name, s);
    // Auto: one reverse pass tells the output size; reuse it when rows are fewer than columns.
    const traced = vjpNamed(name, s.call, s.inputs);
    const outSize = flatten(traced[0], name).leaves.reduce((n: number, l) => n + leafTensor(l).size, 0);
    const inSize = s.inputs.reduce((n, t) => n + t.size, 0);
    return outSize <= inSize ? reverseJacobian(name, s, traced) : forwardJacobian(name, s);
  };
}

/**
 * The Jacobian's structure: the output's structure outside, the input's inside, and at each
 * leaf the block ∂out/∂in of shape out.shape ++ in.shape (a number only when f returned a JS
 * number for a number input).
 */
export type JacobianOf<Out, In> = [Out] extends [Tensor | number] ? JacobianBlocks<Out, In> : { [K in keyof Out]: JacobianOf<Out[K], In> };
/** The input side of a Jacobian: one block per leaf of the differentiated argument. */
export type JacobianBlocks<Out, In> = [In] extends [Tensor | number]
  ? ([Out] extends [number] ? ([In] extends [number] ? number : Tensor) : Tensor)
  : { [K in keyof In]: JacobianBlocks<Out, In[K]> };

/** A function returning the Jacobian of f with respect to argument N, for f's arguments. */
export type JacobianFn<P extends unknown[], Out, N extends number> = <A extends Inputs<P>>(...args: A) => JacobianOf<Out, A[N]>;

/**
 * The Jacobian by forward mode: one JVP per input element, so best when inputs are few.
 * Shape out.shape ++ in.shape; pytree inputs and outputs give nested blocks.
 * @example
 * const J = nb.jacfwd((x: nb.Tensor) => nb.mul(x, x))(nb.tensor([1, 2]));
 * J.toArray(); // => [[2, 0], [0, 4]]
 */
export function jacfwd<P extends unknown[] = [Tensor], Out = Tensor, N extends number = 0>(f: (...args: P) => Out, options: JacobianOptions<N> = {}): JacobianFn<P, Out, N> {
  return jacobianWith("jacfwd", "forward", f, options.argnums ?? 0) as JacobianFn<P, Out, N>;
}

/**
 * The Jacobian by reverse mode: one VJP per output element, so best when outputs are few.
 * @example
 * const J = nb.jacrev((x: nb.Tensor) => nb.stack([nb.sum(x), nb.prod(x)]))(nb.tensor([2, 3]));
 * J.toArray(); // => [[1, 1], [3, 2]]
 */
export function jacrev<P extends unknown[] = [Tensor], Out = Tensor, N extends number = 0>(f: (...args: P) => Out, options: JacobianOptions<N> = {}): JacobianFn<P, Out, N> {
  return jacobianWith("jacrev", "reverse", f, options.argnums ?? 0) as JacobianFn<P, Out, N>;
}

/**
 * The Jacobian, by whichever mode is cheaper: reverse when the output has no more elements
 * than the input, forward otherwise.
 * @example
 * nb.jacobian((x: nb.Tensor) => nb.sin(x))(nb.tensor([0])).toArray(); // => [[1]]
 */
export function jacobian<P extends unknown[] = [Tensor], Out = Tensor, N extends number = 0>(f: (...args: P) => Out, options: JacobianOptions<N> = {}): JacobianFn<P, Out, N> {
  return jacobianWith("jacobian", "auto", f, options.argnums ?? 0) as JacobianFn<P, Out, N>;
}

/** The Hessian of a scalar f with respect to argument N: the Jacobian of its gradient (blocks ∂²f/∂aᵢ∂aⱼ for a pytree). */
export type HessianFn<P extends unknown[], N extends number> = <A extends Inputs<P>>(...args: A) => JacobianOf<A[N], A[N]>;

/**
 * The Hessian of a scalar function, forward over reverse (the Jacobian of the gradient by
 * forward mode): shape x.shape ++ x.shape, symmetric to rounding. Checks the dense size
 * first; for large inputs use `hvp`.
 * @example
 * const H = nb.hessian((x: nb.Tensor) => nb.sum(nb.mul(nb.pow(x, 3), [1, 2])))(nb.tensor([1, 1]));
 * H.toArray(); // => [[6, 0], [0, 12]]
 * nb.hessian((x: nb.Tensor) => nb.pow(x, 4))(2); // => 48
 */
export function hessian<P extends unknown[] = [Tensor], N extends number = 0>(f: (...args: P) => unknown, options: JacobianOptions<N> = {}): HessianFn<P, N> {
  const argnum = options.argnums ?? 0;
  const gradient = jacobianWith("jacrev", "reverse", f, argnum);
  const outer = jacobianWith("hessian", "forward", gradient, argnum);
  return ((...args: unknown[]) => {
    const inputs = flatten(args[argnum], "hessian").leaves.map(leafTensor);
    const n = inputs.reduce((k, t) => k + t.size, 0);
    checkDenseSize("hessian", "Hessian", [n], [n], inputs.some((t) => t.dtype === "float64") ? 8 : 4);
    const h = outer(...args);
    // A number in gives a number out, as grad does.
    return typeof args[argnum] === "number" && h instanceof Tensor && h.level === 0 ? h.item() : h;
  }) as HessianFn<P, N>;
}
