/**
 * jit: trace a function once per input signature into a program of primitives, then replay
 * the program, with chains of elementwise ops fused into single loops (./jit-program.ts).
 * The tracer is one more interpreter on the engine's trace levels, so transforms inside the
 * traced function (grad, valueAndGrad, jvp, …) record their derivative ops onto it.
 */
import { type Primitive, type Trace, Tracer, bind, traceStack } from "../ops/core.js";
import { NablaError } from "../tensor/errors.js";
import { type Shape, formatShape, shapesEqual } from "../tensor/shape.js";
import type { DType } from "../tensor/dtype.js";
import { type ArrayTensor, Tensor } from "../tensor/tensor.js";
import { nextLevel, withTrace } from "./trace.js";
import { type Leaf, type TreeDef, flatten, isPlainObject, leavesOf, sameStructure, unflatten } from "./pytree.js";
import { leafTensor } from "./leaves.js";
import { type Equation, Program, type Recording, type Slot } from "./jit-program.js";
import type { Inputs } from "./types.js";

/**
 * What jit throws when f needs the numbers of a traced value (to print it, branch on it or
 * hand it to a JS function): the one failure that means "this function cannot be compiled,
 * run it eagerly", which callers such as `nb.nn.fit` catch to fall back.
 * @example
 * let caught: unknown;
 * try { nb.jit((x: nb.Tensor) => x.item())(nb.scalar(1)); } catch (e) { caught = e; }
 * caught instanceof nb.TracedValueError; // => true
 */
export class TracedValueError extends NablaError {}

/** Whether a jit trace is recording: any (no argument), or the one at `level` (a traced value's own). @internal */
export function jitTracing(level?: number): boolean {
  return traceStack.some((t) => t.name === "jit" && (level === undefined || t.level === level));
}

/**
 * A value inside a jit-traced function: its shape and dtype are known, its numbers are not.
 * `primal` is the value at the arguments of the call being traced; the tracer reads only its
 * shape and dtype, and reading its numbers from f is an error (the program must not depend on them).
 */
class JitTracer extends Tracer {
  constructor(readonly trace: JitTrace, readonly primal: ArrayTensor, readonly slot: Slot) {
    super();
  }

  override concrete(): ArrayTensor {
    throw new TracedValueError(
      `jit: f read the value of a traced tensor (shape ${formatShape(this.shape)}, ${this.dtype}) with ` +
        `item(), toArray(), values(), printing or JS arithmetic; inside jit only shapes and dtypes are known. ` +
        `Use nb.where for data-dependent choices, or mark the argument static with {staticArgnums}.`,
    );
  }
}

/** Records each op on its tracers as an equation; constants are any concrete operands. */
class JitTrace implements Trace {
  active = true;
  readonly name = "jit";
  readonly equations: Equation[] = [];
  readonly constants = new Map<Slot, ArrayTensor>();
  readonly shapes: Recording["shapes"] = [];
  readonly dtypes: Recording["dtypes"] = [];
  private readonly constantSlots = new Map<Tensor, Slot>();

  constructor(readonly level: number) {}

  newSlot(value: Tensor): Slot {
    this.shapes.push(value.shape);
    this.dtypes.push(value.dtype);
    return this.shapes.length - 1;
  }

  constant(value: ArrayTensor): Slot {
    let slot = this.constantSlots.get(value);
    if (slot === undefined) {
      slot = this.newSlot(value);
      this.constantSlots.set(value, slot);
      this.constants.set(slot, value);
    }
    return slot;
  }

  /** The slot of an operand: this trace's tracer, or a concrete value (a constant of the program). */
  slotOf(x: Tensor, op: string): Slot {
    if (x instanceof JitTracer && x.trace === this) return x.slot;
    if (x.level === 0) return this.constant(x.concrete());
    throw new NablaError(
      x.level < this.level
        ? `jit: '${op}' received a value traced by an enclosing ${(x as Tracer).trace.name} that f captured from outside; ` +
            `pass it to the jitted function as an argument instead`
        : `jit: '${op}' received a tracer of another jit call: a value escaped its function (stored in an outer variable?); return it instead`,
    );
  }

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const slots = inputs.map((x) => this.slotOf(x, prim.name));
    // Evaluating on the traced call's values gives the output's shape and dtype exactly.
    const examples = inputs.map((x) => (x instanceof JitTracer ? x.primal : x));
    const out = bind(prim, examples, params).concrete();
    const slot = this.newSlot(out);
    this.equations.push({ prim: prim as Primitive<unknown>, params, inputs: slots, out: slot, shape: out.shape, dtype: out.dtype });
    return new JitTracer(this, out, slot);
  }
}

/** Options for `jit`. */
export interface JitOptions {
  /**
   * Positions of arguments that are not traced: they may be anything (a string, a
   * configuration object, a number that steers control flow), f sees them as they are, and
   * each distinct value (compared by value for numbers, strings and plain data, by identity
   * for functions, tensors and class instances) gets its own trace.
   */
  staticArgnums?: number | readonly number[];
  /**
   * Positions of arguments whose arrays the caller gives up (JAX's `donate_argnums`): the
   * program may write its results into them instead of into fresh arrays, as a training step
   * that returns new parameters and optimizer state of the old ones' shapes can. A donated
   * argument must not be read after the call: its tensors may then hold the results. Outputs
   * computed by a fused elementwise loop take a donated array of their dtype and size once
   * nothing later in the program reads it; an argument that is a view, or shares memory with
   * another argument or a captured constant, is never written.
   */
  donateArgnums?: number | readonly number[];
}

/** A traced program with the output structure to rebuild. */
export interface Compiled {
  program: Program;
  outputDef: TreeDef;
}

/**
 * Compiles f: the first call with a new signature (the arguments' pytree structure and
 * each tensor's shape and dtype, plus the values of static arguments) runs f once on
 * tracers and records its primitives; every call then replays that recording on the new
 * values, fusing each chain of elementwise ops into one loop (no intermediate arrays), with
 * full sums of such chains accumulated in the same loop. The fused loops are generated
 * JavaScript with the reference kernels' formulas, so results equal f's eager results on
 * the reference backend bit for bit (the native backend's own kernels may differ in the
 * last bits). Matmul, reductions over some axes and shape ops run on the active backend.
 *
 * What changes with jit: f runs once per signature, so side effects (logging, counters)
 * happen only while tracing; JS numbers among the arguments are traced like rank-0
 * tensors; reading a traced value (`item`, `toArray`, an `if` on it) is an error: use
 * `nb.where`, or make the argument static. Tensors f captures from outside are constants
 * of the program. Transforms compose: `jit(grad(f))` and `jit(valueAndGrad(f))` compile the
 * derivative too; under an outer transform (`grad(jit(f))`, `jvp`, or one jit inside
 * another) the jitted function simply runs f, inlined into the outer computation.
 * `nb.config({debugNans: true})` runs each primitive on its own, so the check names the op.
 *
 * @example
 * const f = nb.jit((x: nb.Tensor) => nb.add(nb.mul(nb.tanh(x), x), 1));
 * f(nb.tensor([0, 1])).toArray(); // => [1, 1.7615941559557649]
 * const gradient = nb.jit(nb.grad((w: nb.Tensor) => nb.sum(nb.mul(nb.sin(w), w))));
 * gradient(nb.tensor([0, 2])).toArray(); // => [0, 0.0770037537313969]
 */
export function jit<P extends unknown[], R>(f: (...args: P) => R, options: JitOptions = {}): (...args: Inputs<P>) => R {
  const positions = (p: number | readonly number[] | undefined): Set<number> => new Set(typeof p === "number" ? [p] : (p ?? []));
  const staticArgnums = positions(options.staticArgnums);
  const donateArgnums = positions(options.donateArgnums);
  for (const i of donateArgnums) {
    if (!Number.isInteger(i) || i < 0) throw new NablaError(`jit: donateArgnums holds ${i}; give argument positions (integers from 0)`);
    if (staticArgnums.has(i)) throw new NablaError(`jit: argument ${i} is both static and donated; a static argument is not an array the program can write`);
  }
  // Programs by the arguments' shapes, dtypes and static values; the structures they were traced for tell apart programs under one key.
  const cache = new Map<string, { inputDef: TreeDef; compiled: Compiled }[]>();
  // The latest call's program, tried first: a loop calls with one signature, and reading the
  // leaves along its structure and comparing their shapes skips flattening and the key.
  let latest: Latest | undefined;
  const call = f as (...args: unknown[]) => R;
  return (...args) => {
    const traced = staticArgnums.size === 0 ? args : args.filter((_, i) => !staticArgnums.has(i));
    const statics = staticKeys(args, staticArgnums);
    const known = latest !== undefined && latest.argCount === args.length && latest.statics === statics ? leavesOf(traced, latest.inputDef) : undefined;
    const flat = known !== undefined ? { leaves: known, def: latest!.inputDef } : flatten(traced, "jit");
    // Under an outer transform the arguments carry its tracers: run f inline, so that
    // transform sees every op (and a jit inside another is traced into the outer one).
    if (flat.leaves.some((leaf) => leaf instanceof Tensor && leaf.level > 0)) return call(...args);
    const inputs = flat.leaves.map((leaf) => leafTensor(leaf).concrete());
    let compiled = known !== undefined && sameKinds(known, latest!.kinds) ? latest!.compiled : undefined;
    if (compiled === undefined) {
      const key = `${args.length}|${leafKeys(flat.leaves)}${statics}`;
      const programs = cache.get(key) ?? [];
      compiled = programs.find((p) => sameStructure(p.inputDef, flat.def))?.compiled;
      if (compiled === undefined) {
        compiled = traceProgram(call, args, staticArgnums, flat.def, inputs, donatedLeaves(args, staticArgnums, donateArgnums));
        cache.set(key, [...programs, { inputDef: flat.def, compiled }]);
      }
      latest = { argCount: args.length, statics, inputDef: flat.def, kinds: flat.leaves.map(kindOf), compiled };
    }
    return unflatten<R>(compiled.outputDef, compiled.program.run(inputs));
  };
}

/** What a call must match to reuse the latest program: argument count, static values, structure, each leaf's kind. */
interface Latest {
  argCount: number;
  statics: string;
  inputDef: TreeDef;
  /** Per leaf: "number", or a tensor's dtype and shape (not the tensor: the cache must not keep arguments alive). */
  kinds: LeafKind[];
  compiled: Compiled;
}

type LeafKind = "number" | { dtype: DType; shape: Shape };

function kindOf(leaf: Leaf): LeafKind {
  return typeof leaf === "number" ? "number" : { dtype: leaf.dtype, shape: leaf.shape };
}

function sameKinds(leaves: readonly Leaf[], kinds: readonly LeafKind[]): boolean {
  if (leaves.length !== kinds.length) return false;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    const kind = kinds[i]!;
    if (typeof leaf === "number" ? kind !== "number" : kind === "number" || leaf.dtype !== kind.dtype || !shapesEqual(leaf.shape, kind.shape)) return false;
  }
  return true;
}

/** Traces f on the arguments' shapes and dtypes and compiles the result. @internal (tests read the program's steps) */
export function traceProgram(
  f: (...args: unknown[]) => unknown, args: readonly unknown[], staticArgnums: ReadonlySet<number>, def: TreeDef, inputs: readonly ArrayTensor[],
  donated: ReadonlySet<Slot> = new Set(),
): Compiled {
  const trace = new JitTrace(nextLevel());
  return withTrace(trace, () => {
    const tracers = inputs.map((x) => new JitTracer(trace, x, trace.newSlot(x)));
    const tracedArgs = unflatten<unknown[]>(def, tracers);
    const fullArgs = args.map((a, i) => (staticArgnums.has(i) ? a : tracedArgs.shift()));
    const out = flatten(f(...fullArgs), "jit (f's output)");
    const outputs = out.leaves.map((leaf): Recording["outputs"][number] => (typeof leaf === "number" ? { number: leaf } : trace.slotOf(leaf, "the output of f")));
    const recording: Recording = { shapes: trace.shapes, dtypes: trace.dtypes, equations: trace.equations, constants: trace.constants, outputs };
    return { program: new Program(recording, donated), outputDef: out.def };
  });
}

/** The positions among the traced leaves (the program's input slots) of the donated arguments' leaves. */
function donatedLeaves(args: readonly unknown[], staticArgnums: ReadonlySet<number>, donateArgnums: ReadonlySet<number>): Set<Slot> {
  const slots = new Set<Slot>();
  let next = 0;
  args.forEach((arg, i) => {
    if (staticArgnums.has(i)) return;
    const count = flatten(arg, "jit").leaves.length;
    if (donateArgnums.has(i)) for (let k = 0; k < count; k++) slots.add(next + k);
    next += count;
  });
  return slots;
}

/** The leaves' part of the cache key: each leaf's kind, shape and dtype. */
function leafKeys(leaves: readonly Leaf[]): string {
  let key = "";
  for (const leaf of leaves) key += typeof leaf === "number" ? "n," : `${leaf.dtype}[${leaf.shape.join(",")}],`;
  return key;
}

/** The static arguments' part of the cache key: each one's position and value. */
function staticKeys(args: readonly unknown[], staticArgnums: ReadonlySet<number>): string {
  let key = "";
  if (staticArgnums.size === 0) return key;
  for (const i of [...staticArgnums].sort((a, b) => a - b)) key += `|${i}=${staticKey(args[i])}`;
  return key;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/** Static arguments compare by value when they are plain data, else by identity. */
function staticKey(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "number:-0" : `number:${value}`;
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return `${typeof value}:${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(staticKey).join(",")}]`;
  if (isPlainObject(value)) return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${staticKey(value[k])}`).join(",")}}`;
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return `#${id}`;
}
