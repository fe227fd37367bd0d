import type { Backend, BinaryKernel, ReduceKernel, UnaryKernel } from "../interface.js";
import { type DType, type TypedArray, allocate, allocateUninitialized, promote } from "../../tensor/dtype.js";
import { type Shape, contiguousStrides, shapesEqual, sizeOf } from "../../tensor/shape.js";
import { ArrayTensor, isSingleValue } from "../../tensor/tensor.js";
import { binaryLoop, reduceLoop, unaryLoop } from "./elementwise.js";
import { gemm } from "./matmul.js";
import { linalgKernels } from "./linalg-kernels.js";
import { fusedLoop } from "./fused.js";

/** The pure-TypeScript backend: the reference every faster backend is tested against. */
export const referenceBackend: Backend = {
  name: "reference",
  unary,
  binary,
  where,
  reduce,
  matmul,
  contiguous,
  cast,
  pad,
  concat,
  gather,
  scatterAdd,
  ...linalgKernels,
  fusedLoop,
};

function contiguous(x: ArrayTensor): ArrayTensor {
  if (x.contiguous && x.offset === 0) return x;
  return new ArrayTensor(x.contiguousData(false), x.shape);
}

function unary(op: UnaryKernel, x: ArrayTensor): ArrayTensor {
  const n = sizeOf(x.shape);
  const out = allocateUninitialized(x.dtype, n);
  const src = x.contiguous ? x : contiguous(x);
  unaryLoop(op, x.dtype)(src.data, src.offset, out, 0, n);
  return new ArrayTensor(out, x.shape);
}

/** Strides of `x` as seen from a broadcast output of rank `rank`: 0 along broadcast axes. */
export function broadcastStrides(x: ArrayTensor, outShape: Shape): number[] {
  const rank = outShape.length;
  const lead = rank - x.shape.length;
  const strides = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.shape.length; i++) if (x.shape[i] !== 1) strides[i + lead] = x.strides[i]!;
  return strides;
}

function binary(op: BinaryKernel, a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor {
  const dtype = promote(a.dtype, b.dtype);
  if (op === "mul" || op === "mulNoNan") {
    // 1·x = x exactly in IEEE arithmetic (NaN and −0 included): skip the pass. The chain rule
    // meets this constantly, multiplying by the broadcast ones that a sum's VJP seeds.
    if (isOne(a) && b.dtype === dtype && shapesEqual(b.shape, outShape)) return b;
    if (isOne(b) && a.dtype === dtype && shapesEqual(a.shape, outShape)) return a;
  }
  const n = sizeOf(outShape);
  const out = allocateUninitialized(dtype, n);
  const key = a.dtype + b.dtype;
  // Fast layouts: each side either covers the output contiguously or is one repeated value
  // (a single element, or a stride-0 broadcast such as the seed a reduction's VJP expands).
  const ca = a.contiguous && sizeOf(a.shape) === n;
  const cb = b.contiguous && sizeOf(b.shape) === n;
  const layout = ca ? (cb ? "cc" : isSingleValue(b) ? "cs" : null) : cb && isSingleValue(a) ? "sc" : null;
  if (layout !== null) {
    binaryLoop(op, layout, key)(a.data, a.offset, 1, b.data, b.offset, 1, out, 0, n);
    return new ArrayTensor(out, outShape);
  }
  const rowB = ca ? repeatedRow(b, outShape) : 0;
  const rowA = rowB === 0 && cb ? repeatedRow(a, outShape) : 0;
  if (rowB > 0 || rowA > 0) {
    binaryLoop(op, rowB > 0 ? "cr" : "rc", key)(a.data, a.offset, rowA, b.data, b.offset, rowB, out, 0, n);
    return new ArrayTensor(out, outShape);
  }
  const loop = binaryLoop(op, "ss", key);
  const sa = broadcastStrides(a, outShape);
  const sb = broadcastStrides(b, outShape);
  forEachRow(outShape, [sa, sb], [a.offset, b.offset], (oo, offsets, inner) => {
    loop(a.data, offsets[0]!, sa[sa.length - 1]!, b.data, offsets[1]!, sb[sb.length - 1]!, out, oo, inner);
  });
  return new ArrayTensor(out, outShape);
}

/**
 * The length of `x` when it is a contiguous row that broadcasting repeats along `outShape`'s
 * leading axes (a [10] bias or a [1, 10] row against [128, 10]); 0 otherwise.
 */
function repeatedRow(x: ArrayTensor, outShape: Shape): number {
  if (!x.contiguous) return 0;
  let lead = 0;
  while (lead < x.ndim && x.shape[lead] === 1) lead++;
  const tail = x.shape.length - lead;
  if (tail === 0 || tail >= outShape.length) return 0;
  for (let i = 1; i <= tail; i++) if (x.shape[x.ndim - i] !== outShape[outShape.length - i]) return 0;
  return sizeOf(x.shape);
}

/** True when `x` is one repeated value equal to 1. */
export function isOne(x: ArrayTensor): boolean {
  return isSingleValue(x) && x.data[x.offset] === 1;
}


/**
 * Visits the output row by row (all axes but the last), tracking each input's offset
 * through its broadcast strides: the shared odometer of every strided kernel.
 */
export function forEachRow(
  outShape: Shape, strides: number[][], starts: number[],
  visit: (outOffset: number, offsets: number[], inner: number) => void,
): void {
  const nd = outShape.length;
  const n = sizeOf(outShape);
  if (n === 0) return;
  if (nd === 0) {
    visit(0, starts.slice(), 1);
    return;
  }
  const inner = outShape[nd - 1]!;
  const index = new Array<number>(nd).fill(0);
  const offsets = starts.slice();
  for (let o = 0; o < n; o += inner) {
    visit(o, offsets, inner);
    for (let ax = nd - 2; ax >= 0; ax--) {
      index[ax]!++;
      for (let t = 0; t < offsets.length; t++) offsets[t]! += strides[t]![ax]!;
      if (index[ax]! < outShape[ax]!) break;
      for (let t = 0; t < offsets.length; t++) offsets[t]! -= strides[t]![ax]! * outShape[ax]!;
      index[ax] = 0;
    }
  }
}

function where(cond: ArrayTensor, a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor {
  const out = allocateUninitialized(promote(a.dtype, b.dtype), sizeOf(outShape));
  const s = [cond, a, b].map((t) => broadcastStrides(t, outShape));
  const last = outShape.length - 1;
  const [sc, sa, sb] = s.map((st) => (last >= 0 ? st[last]! : 0)) as [number, number, number];
  const cd = cond.data, ad = a.data, bd = b.data;
  forEachRow(outShape, s, [cond.offset, a.offset, b.offset], (oo, [co, ao, bo], inner) => {
    for (let i = 0; i < inner; i++) out[oo + i] = cd[co! + i * sc] !== 0 ? ad[ao! + i * sa]! : bd[bo! + i * sb]!;
  });
  return new ArrayTensor(out, outShape);
}

function reduce(op: ReduceKernel, x: ArrayTensor, axes: readonly number[]): ArrayTensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = kept.map((i) => x.shape[i]!);
  // Move the reduced axes last (a view), so every reduction is over contiguous rows.
  const perm = [...kept, ...axes];
  const permuted = new ArrayTensor(x.data, perm.map((i) => x.shape[i]!), perm.map((i) => x.strides[i]!), x.offset);
  const src = permuted.contiguous ? permuted : contiguous(permuted);
  const rows = sizeOf(outShape);
  const len = sizeOf(axes.map((i) => x.shape[i]!));
  const out = allocateUninitialized(x.dtype, rows);
  const loop = reduceLoop(op, x.dtype);
  for (let r = 0, base = src.offset; r < rows; r++, base += len) out[r] = loop(src.data, base, len);
  return new ArrayTensor(out, outShape);
}

function matmul(a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor {
  const ca = contiguous(a);
  const cb = contiguous(b);
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const k = a.shape[a.ndim - 1]!;
  const batchShape = outShape.slice(0, rank - 2);
  const acc = new Float64Array(sizeOf(batchShape) * m * n);
  forEachMatmulBatch(ca, cb, batchShape, (ao, bo, t) => gemm(ca.data, ao, cb.data, bo, acc, t * m * n, m, k, n));
  const dtype = promote(a.dtype, b.dtype);
  return new ArrayTensor(dtype === "float64" ? acc : Float32Array.from(acc), outShape);
}

/**
 * Visits each matrix product of a batched matmul: the element offsets of a's and b's
 * matrices for batch t, with batch axes broadcast (stride 0 where an operand has size 1 or
 * lacks the axis). The shared odometer of every backend's matmul. Stops, returning false,
 * as soon as `visit` returns false.
 */
export function forEachMatmulBatch(
  a: ArrayTensor, b: ArrayTensor, batchShape: Shape, visit: (aOffset: number, bOffset: number, t: number) => boolean | void,
): boolean {
  const batchStrides = (x: ArrayTensor): number[] => {
    const lead = batchShape.length - (x.ndim - 2);
    return batchShape.map((_, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.strides[i - lead]!));
  };
  const sa = batchStrides(a);
  const sb = batchStrides(b);
  const idx = new Array<number>(batchShape.length).fill(0);
  const batches = sizeOf(batchShape);
  for (let t = 0; t < batches; t++) {
    let ao = a.offset, bo = b.offset;
    for (let i = 0; i < idx.length; i++) {
      ao += idx[i]! * sa[i]!;
      bo += idx[i]! * sb[i]!;
    }
    if (visit(ao, bo, t) === false) return false;
    for (let i = idx.length - 1; i >= 0; i--) {
      if (++idx[i]! < batchShape[i]!) break;
      idx[i] = 0;
    }
  }
  return true;
}

function cast(x: ArrayTensor, dtype: DType): ArrayTensor {
  if (x.dtype === dtype) return x;
  const src = x.contiguousData(false);
  return new ArrayTensor(dtype === "float64" ? Float64Array.from(src) : Float32Array.from(src), x.shape);
}

function pad(x: ArrayTensor, before: readonly number[], after: readonly number[]): ArrayTensor {
  const outShape = x.shape.map((d, i) => d + before[i]! + after[i]!);
  const out = allocate(x.dtype, sizeOf(outShape));
  const outStrides = contiguousStrides(outShape);
  let start = 0;
  for (let i = 0; i < outShape.length; i++) start += before[i]! * outStrides[i]!;
  // Write x through a strided view of `out`: copy with roles reversed.
  const src = contiguous(x);
  writeStrided(src.data, new ArrayTensor(out, x.shape, outStrides, start));
  return new ArrayTensor(out, outShape);
}

/** Writes contiguous `values` into the (strided) view `target`. */
function writeStrided(values: TypedArray, target: ArrayTensor): void {
  const t = target.data;
  const strides = [target.strides as number[]];
  forEachRow(target.shape, strides, [target.offset], (oo, [to], inner) => {
    const s = target.strides[target.ndim - 1] ?? 1;
    for (let i = 0; i < inner; i++) t[to! + i * s] = values[oo + i]!;
  });
}

function concat(xs: readonly ArrayTensor[], axis: number): ArrayTensor {
  const first = xs[0]!;
  const total = xs.reduce((s, x) => s + x.shape[axis]!, 0);
  const outShape = first.shape.map((d, i) => (i === axis ? total : d));
  const dtype = xs.reduce<DType>((d, x) => promote(d, x.dtype), first.dtype);
  const out = allocate(dtype, sizeOf(outShape));
  const outer = sizeOf(first.shape.slice(0, axis));
  const inner = sizeOf(first.shape.slice(axis + 1));
  const rowLen = total * inner;
  let col = 0;
  for (const x of xs) {
    const d = x.contiguousData(false);
    const chunk = x.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) {
      const dst = o * rowLen + col;
      const src = o * chunk;
      for (let i = 0; i < chunk; i++) out[dst + i] = d[src + i]!;
    }
    col += chunk;
  }
  return new ArrayTensor(out, outShape);
}

function gather(x: ArrayTensor, indices: Int32Array, indicesShape: Shape, axis: number): ArrayTensor {
  const d = x.contiguousData(false);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const len = x.shape[axis]!;
  const outShape = [...x.shape.slice(0, axis), ...indicesShape, ...x.shape.slice(axis + 1)];
  const out = allocate(x.dtype, sizeOf(outShape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < indices.length; t++) {
      const src = (o * len + indices[t]!) * inner;
      for (let i = 0; i < inner; i++) out[k++] = d[src + i]!;
    }
  }
  return new ArrayTensor(out, outShape);
}

function scatterAdd(g: ArrayTensor, indices: Int32Array, indicesShape: Shape, axis: number, size: number): ArrayTensor {
  const d = g.contiguousData(false);
  const outShape = [...g.shape.slice(0, axis), size, ...g.shape.slice(axis + indicesShape.length)];
  const outer = sizeOf(g.shape.slice(0, axis));
  const inner = sizeOf(g.shape.slice(axis + indicesShape.length));
  const out = allocate(g.dtype, sizeOf(outShape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < indices.length; t++) {
      const dst = (o * size + indices[t]!) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = out[dst + i]! + d[k++]!;
    }
  }
  return new ArrayTensor(out, outShape);
}

