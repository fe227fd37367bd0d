/**
 * An optimizer's per-leaf arithmetic run eagerly as compiled loops: the function is traced
 * once per dtype by nb.jit into one fused loop, which then runs over every leaf of the
 * pytrees directly, without jit's per-call work (argument flattening, signature, program
 * interpretation) and with each output's leaves in one allocation, so a step of a six-leaf
 * model makes three arrays, not eighteen. Results equal the jit-compiled function's (it is
 * the same loop), which is what the optimizer computes inside a traced training step.
 */
import { traceProgram } from "../autodiff/jit.js";
import { NO_SUMS, type SoleLoop, operandReadBefore } from "../autodiff/jit-program.js";
import { donatableArrays } from "../autodiff/jit-buffers.js";
import { type PyTree, flatten, sameStructure, unflatten } from "../autodiff/pytree.js";
import { settings } from "../ops/config.js";
import { type DType, type TypedArray, allocate, allocateUninitialized } from "../tensor/dtype.js";
import { shapesEqual, sizeOf } from "../tensor/shape.js";
import { ArrayTensor, Tensor } from "../tensor/tensor.js";

/**
 * Runs the arithmetic over the leaves of `trees` (one structure) with `scalars` (the same for
 * every leaf, rounded to each leaf's dtype); returns one tree per result of the arithmetic,
 * or undefined where this path does not apply (a leaf that is a number or a traced value,
 * leaves of different dtypes or shapes across the trees, mismatched structures,
 * nb.config({debugNans})): the caller then takes its general path, which also reports errors.
 */
export type LeafLoop = (trees: readonly PyTree[], scalars: readonly number[], donate?: boolean) => PyTree[] | undefined;

/** One dtype's compiled loop, and for each result whether it may be written over the same-numbered tree's leaf (`donate`). */
interface DonatingLoop {
  loop: SoleLoop;
  inPlace: boolean[];
}

/**
 * Compiles `arithmetic` (elementwise: `treeCount` leaves then `scalarCount` rank-0 scalars in,
 * a list of leaves out) for `leafLoop`'s runs. With `donate`, result k is written over tree k's
 * leaf (the caller gives those arrays up, as an in-place update) where the loop allows it:
 * the leaf is a whole contiguous array sharing memory with no other operand, and the loop
 * reads it no later than the step that computes result k.
 */
export function leafLoop(arithmetic: (...args: Tensor[]) => Tensor[], treeCount: number, scalarCount: number): LeafLoop {
  const loops = new Map<DType, DonatingLoop | null>();
  const loopFor = (dtype: DType): DonatingLoop | null => {
    let loop = loops.get(dtype);
    if (loop === undefined) {
      // Two elements per leaf, so that leaves and scalars trace to different accesses.
      const examples = [
        ...Array.from({ length: treeCount }, () => new ArrayTensor(allocate(dtype, 2), [2])),
        ...Array.from({ length: scalarCount }, () => new ArrayTensor(allocate(dtype, 1), [])),
      ];
      const compiled = traceProgram((...xs) => arithmetic(...(xs as Tensor[])), examples, new Set(), flatten(examples, "leafLoop").def, examples);
      const sole = compiled.program.soleLoop();
      loop = sole === undefined ? null : { loop: sole, inPlace: sole.storeOf.map((store, k) => canOverwrite(sole, k, store)) };
      loops.set(dtype, loop);
    }
    return loop;
  };

  return (trees, scalars, donate = false) => {
    if (settings.debugNans) return undefined;
    const flat = trees.map((t) => flatten(t, "leafLoop"));
    const def = flat[0]!.def;
    if (flat.some((f) => !sameStructure(f.def, def))) return undefined;
    const leaves = flat[0]!.leaves.map((_, i) => flat.map((f) => f.leaves[i]));
    if (leaves.length === 0 || !leaves.every(sameKind)) return undefined;
    const columns = leaves.map((column) => column.map((t) => (t as Tensor).concrete()));
    const results: ArrayTensor[][] = [];
    // Leaf k of position i is entry i·trees.length + k.
    const donatable = donate ? donatableArrays(columns.flat()) : [];
    for (const dtype of new Set(columns.map((c) => c[0]!.dtype))) {
      const loop = loopFor(dtype);
      if (loop === null) return undefined;
      runDtype(loop, columns, dtype, scalars, results, donatable);
    }
    return results.map((leavesOut) => unflatten<PyTree>(def, leavesOut));
  };
}

/** True when the leaves at one position of every tree are concrete tensors of one dtype and shape. */
function sameKind(leaves: readonly unknown[]): boolean {
  const first = leaves[0];
  if (!(first instanceof Tensor) || first.level !== 0) return false;
  return leaves.every((x) => x instanceof Tensor && x.level === 0 && x.dtype === first.dtype && shapesEqual(x.shape, first.shape));
}

/** Whether result k's store (computed by one step) may go over operand k's array. */
function canOverwrite(loop: SoleLoop, k: number, store: number): boolean {
  const producer = loop.spec.stores[store]! - loop.spec.operands.length;
  return loop.operands.every((source, operand) => !("input" in source) || source.input !== k || operandReadBefore(loop.spec, operand, producer));
}

/**
 * Runs the loop over every leaf position of `dtype`, writing result k of position i to
 * results[k][i], over the leaf's own array where `donatable` (by position, then tree) has it.
 */
function runDtype(
  { loop, inPlace }: DonatingLoop, columns: readonly ArrayTensor[][], dtype: DType, scalars: readonly number[], results: ArrayTensor[][],
  donatable: readonly (TypedArray | undefined)[],
): void {
  const positions = columns.map((_, i) => i).filter((i) => columns[i]![0]!.dtype === dtype);
  const total = positions.reduce((acc, i) => acc + sizeOf(columns[i]![0]!.shape), 0);
  // Fresh storage only for results that cannot go over their leaves.
  const donated = (i: number, k: number): TypedArray | undefined => (inPlace[k] ? donatable[i * columns[i]!.length + k] : undefined);
  const storage = loop.storeOf.map((_, k) => (positions.every((i) => donated(i, k) !== undefined) ? undefined : allocateUninitialized(dtype, total)));
  const scalarData = dtype === "float32" ? Float32Array.from(scalars) : Float64Array.from(scalars);
  const run = loop.loop();
  let start = 0;
  for (const i of positions) {
    const column = columns[i]!;
    const shape = column[0]!.shape;
    const n = sizeOf(shape);
    const data: TypedArray[] = [];
    const offsets: number[] = [];
    for (const operand of loop.spec.operands.keys()) {
      const source = loop.operands[operand]!;
      if ("constant" in source) {
        data.push(source.constant.data);
        offsets.push(source.constant.offset);
      } else if (source.input < column.length) {
        const t = column[source.input]!;
        data.push(t.contiguous ? t.data : t.contiguousData(false));
        offsets.push(t.contiguous ? t.offset : 0);
      } else {
        data.push(scalarData);
        offsets.push(source.input - column.length);
      }
    }
    const views = storage.map((s, k) => donated(i, k) ?? s!.subarray(start, start + n));
    const outputs: TypedArray[] = [];
    loop.storeOf.forEach((store, k) => (outputs[store] = views[k]!));
    run(data, offsets, loop.maps, outputs, NO_SUMS, n);
    views.forEach((view, k) => ((results[k] ??= [])[i] = new ArrayTensor(view, shape)));
    start += n;
  }
}
