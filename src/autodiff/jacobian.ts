/**
 * Dense Jacobians and Hessians, built from the two modes and vmap: the JVPs along every
 * input basis vector (jacfwd) or the VJPs along every output basis vector (jacrev) run as
 * one batched pass, stacked into shape out.shape ++ in.shape. Before building, the size is
 * checked against `nb.config().maxDenseBytes`.
 */
import { ArrayTensor, Tensor } from "../tensor/tensor.js";
import { eye, zeros } from "../tensor/create.js";
import { allocate } from "../tensor/dtype.js";
import { NablaError } from "../tensor/errors.js";
import { formatBytes, formatShape } from "../tensor/shape.js";
import { settings } from "../ops/config.js";
import { concat, reshape, slice } from "../ops/index.js";
import { moveAxis } from "../ops/batching.js";
import { type Leaf, type PyTree, type TreeDef, flatten, unflatten } from "./pytree.js";
import { leafTensor, likeLeaf } from "./leaves.js";
import { jvpNamed } from "./forward.js";
import { type Pullback, scalarSeed, vjpNamed } from "./reverse.js";
import { vmapNamed } from "./vmap.js";
import type { Inputs, Scalar } from "./types.js";

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

/** A flattened pytree: f's output, whose structure and shapes the Jacobian's blocks follow. */
interface Flat {
  def: TreeDef;
  leaves: Leaf[];
}

/** Assembles blocks[o][i] (shape out_o ++ in_i) into the nested result structure. */
function assemble(out: Flat, s: Setup, blocks: Tensor[][]): PyTree {
  const perOutput = blocks.map((row, o) =>
    unflatten(s.inDef, row.map((block, i) => (typeof out.leaves[o] === "number" ? likeLeaf(block, s.inTemplates[i]!) : block))),
  );
  return unflatten(out.def, perOutput);
}

const totalSize = (ts: readonly Tensor[]): number => ts.reduce((n, t) => n + t.size, 0);
const entryBytes = (ts: readonly Tensor[]): number => (ts.some((t) => t.dtype === "float64") ? 8 : 4);

/**
 * Rows start..start+count−1 of the identity over the leaves' concatenated elements, split
 * like the leaves: for each leaf a batch of shape [count, ...leaf.shape].
 */
function basisRows(leaves: readonly Tensor[], start: number, count: number): Tensor[] {
  const only = leaves.length === 1 ? leaves[0]! : null;
  // The whole basis of one leaf is eye's identity, which matmul recognises (A·I costs nothing).
  if (only !== null && start === 0 && count === only.size) return [reshape(eye(count, { dtype: only.dtype }), [count, ...only.shape])];
  let offset = 0;
  return leaves.map((t) => {
    const data = allocate(t.dtype, count * t.size);
    for (let k = 0; k < count; k++) {
      const e = start + k - offset;
      if (e >= 0 && e < t.size) data[k * t.size + e] = 1;
    }
    offset += t.size;
    return new ArrayTensor(data, [count, ...t.shape]);
  });
}

/**
 * Runs `pass` on every standard basis vector of the leaves as one vmapped pass (in chunks
 * when a batch of basis vectors would pass maxDenseBytes) and returns, per result leaf, the
 * results stacked along a new leading axis.
 */
function overBasis(name: string, leaves: readonly Tensor[], pass: (basis: Tensor[]) => Tensor[]): Tensor[] {
  const n = totalSize(leaves);
  const chunk = Math.max(1, Math.floor(settings.maxDenseBytes / (n * entryBytes(leaves))));
  const parts: Tensor[][] = [];
  for (let start = 0; start < n; start += chunk) {
    parts.push(vmapNamed(`vmap in ${name}`, (...basis: Tensor[]) => pass(basis))(...basisRows(leaves, start, Math.min(chunk, n - start))));
  }
  return parts[0]!.map((_, o) => (parts.length === 1 ? parts[0]![o]! : concat(parts.map((p) => p[o]!), 0)));
}

/** Rows offset..offset+count−1 of a stacked result, [count, ...rest]. */
function rows(stacked: Tensor, offset: number, count: number): Tensor {
  return slice(stacked, stacked.shape.map((_, i) => (i === 0 ? offset : 0)), stacked.shape.map((d, i) => (i === 0 ? count : d)));
}

/**
 * Forward mode: the JVPs along every input basis vector in one vmapped pass; column block
 * (o, i) holds ∂out_o/∂in_i. `out` is f's output (for its structure and shapes).
 */
function forwardJacobian(name: string, s: Setup, out: Flat): PyTree {
  const outTensors = out.leaves.map(leafTensor);
  checkDenseSize(name, "Jacobian", [totalSize(outTensors)], [totalSize(s.inputs)], entryBytes(outTensors));
  const columns = totalSize(s.inputs) === 0 ? [] : overBasis(name, s.inputs, (basis) => flatten(jvpNamed(name, s.call, s.inputs, basis)[1], name).leaves.map(leafTensor));
  const blocks = outTensors.map((y, o) => {
    let offset = 0;
    return s.inputs.map((x) => {
      const shape = [...y.shape, ...x.shape];
      offset += x.size;
      if (x.size === 0) return zeros(shape, { dtype: x.dtype });
      return reshape(moveAxis(rows(columns[o]!, offset - x.size, x.size), 0, y.ndim), shape);
    });
  });
  return assemble(out, s, blocks);
}

/** Reverse mode: the VJPs along every output basis vector in one vmapped pass over the pullback. */
function reverseJacobian(name: string, s: Setup, traced?: [unknown, Pullback]): PyTree {
  const [value, pullback] = traced ?? vjpNamed(name, s.call, s.inputs);
  const out = flatten(value, `${name} (f's output)`);
  const outTensors = out.leaves.map(leafTensor);
  checkDenseSize(name, "Jacobian", [totalSize(outTensors)], [totalSize(s.inputs)], entryBytes(outTensors));
  const gradients = totalSize(outTensors) === 0 ? [] : overBasis(name, outTensors, (seeds) => pullback(unflatten(out.def, seeds)).map((g) => leafTensor(g as Leaf)));
  let offset = 0;
  const blocks = outTensors.map((y) => {
    offset += y.size;
    return s.inputs.map((x, i) => {
      const shape = [...y.shape, ...x.shape];
      return y.size === 0 ? zeros(shape, { dtype: x.dtype }) : reshape(rows(gradients[i]!, offset - y.size, y.size), shape);
    });
  });
  return assemble(out, s, blocks);
}

function jacobianWith(name: string, mode: Mode, f: (...args: never[]) => unknown, argnum: number) {
  return (...args: unknown[]): PyTree => {
    const s = setup(name, f, args, argnum);
    if (mode === "forward") return forwardJacobian(name, s, flatten(s.call(...s.inputs), `${name} (f's output)`));
    if (mode === "reverse") return reverseJacobian(name, s);
    // Auto: one reverse pass tells the output size; reuse it when rows are fewer than columns.
    const traced = vjpNamed(name, s.call, s.inputs);
    const out = flatten(traced[0], `${name} (f's output)`);
    return totalSize(out.leaves.map(leafTensor)) <= totalSize(s.inputs) ? reverseJacobian(name, s, traced) : forwardJacobian(name, s, out);
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
export function hessian<P extends unknown[] = [Tensor], N extends number = 0>(f: (...args: P) => Scalar, options: JacobianOptions<N> = {}): HessianFn<P, N> {
  const argnum = options.argnums ?? 0;
  return ((...args: unknown[]) => {
    const s = setup("hessian", f, args, argnum);
    const n = totalSize(s.inputs);
    checkDenseSize("hessian", "Hessian", [n], [n], entryBytes(s.inputs));
    // The gradient has the argument's structure; its Jacobian by forward mode is the Hessian.
    const gradient: Setup = {
      ...s,
      call: (...leaves: unknown[]) => {
        const [out, pullback] = vjpNamed("jacrev", s.call, leaves);
        const seed = scalarSeed(out, "hessian");
        return unflatten(s.inDef, pullback(typeof out === "number" ? seed.item() : seed));
      },
    };
    const h = forwardJacobian("hessian", gradient, { def: s.inDef, leaves: s.inTemplates });
    // A number in gives a number out, as grad does.
    return typeof args[argnum] === "number" && h instanceof Tensor && h.level === 0 ? h.item() : h;
  }) as HessianFn<P, N>;
}
