/**
 * The backend contract (DESIGN.md, Performance): every kernel of every registered backend
 * agrees with the reference backend, on odd shapes (edge tiles of every blocking), strided,
 * transposed and broadcast views, both dtypes and mixed ones, and special values (±0, ±∞,
 * NaN). Sizes straddle the native backend's hand-off to JavaScript (1024 elements), so both
 * of its paths run, and its thresholds for splitting a loop across threads (2¹⁴ elements for
 * transcendentals, 2¹⁷ for cheap ops and reductions), on odd sizes that leave uneven shares.
 *
 * Tolerance, per element, with u the unit roundoff (2⁻⁵³ float64, 2⁻²⁴ float32):
 * - elementwise and reductions other than sum: |got − ref| ≤ 16u·(1 + |ref|) — room for
 *   glibc's libm and V8's to differ in the last bits; comparisons, NaN positions, infinities
 *   and the sign of zero must match exactly; erf in float64 alone gets an absolute 1e-13,
 *   because the reference's Maclaurin series loses ~5e-14 to cancellation near |x| = 2.5;
 * - sum over L elements: ≤ 2Lu·Σ|x| (any summation order);
 * - matmul over k: ≤ 2ku·(|A|·|B|)ᵢⱼ + 16u·|ref| (any summation order, float32 accumulating
 *   in float32 where the reference accumulates in float64);
 * - data movement (contiguous, cast, pad, concat, gather, scatterAdd, where): exact.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import * as nb from "../src/node.js";
import { backends, registeredBackends } from "../src/backend/registry.js";
import { type Backend, BINARY_KERNELS, type BinaryKernel, type FusedLoop, type FusedLoopSpec, REDUCE_KERNELS, UNARY_KERNELS, type UnaryKernel } from "../src/backend/interface.js";
import { type DType, type TypedArray, setUninitializedAllocator } from "../src/tensor/dtype.js";
import { type Shape, contiguousStrides, sizeOf } from "../src/tensor/shape.js";
import { ArrayTensor } from "../src/tensor/tensor.js";

// Kernels may take their outputs from allocateUninitialized (in Node, memory nobody cleared,
// small outputs sliced from a shared pool). Here that memory is poisoned with NaN bytes, so an
// element a kernel forgets to write shows up as a mismatch against the reference instead of
// passing as a lucky zero, and starts 8 bytes into its buffer, as a pool's slices do.
setUninitializedAllocator((bytes) => new Uint8Array(bytes + 16).fill(0xff).subarray(8, 8 + bytes));

const ref = backends.reference;
const others = registeredBackends().filter((b) => b !== ref);
const DTYPES: DType[] = ["float64", "float32"];
const unitRoundoff = (d: DType): number => (d === "float64" ? 2 ** -53 : 2 ** -24);

// The kernel lists of interface.ts: a kernel added there is tested on every backend.
const UNARY = UNARY_KERNELS;
const BINARY = BINARY_KERNELS;
const REDUCE = REDUCE_KERNELS;
const SPECIALS = [0, -0, 1, -1, NaN, Infinity, -Infinity, 0.5, 2];

let seed = 2024;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return (seed / 2 ** 32) * 6 - 3;
}

/** Random values in (−3, 3), with the special values sprinkled in when `specials` is set. */
function dense(shape: Shape, dtype: DType, specials = true): ArrayTensor {
  const n = sizeOf(shape);
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = specials && i % 29 === 7 ? SPECIALS[(i / 29) % SPECIALS.length | 0]! : random();
  return new ArrayTensor(data, shape);
}

/** A non-contiguous view: every other element of a larger buffer, from offset 3. */
function strided(shape: Shape, dtype: DType): ArrayTensor {
  const base = dense([2 * sizeOf(shape) + 3], dtype);
  return new ArrayTensor(base.data, shape, contiguousStrides(shape).map((s) => 2 * s), 3);
}

/** A [6, 7, 30] view whose rows lie 32 elements apart from offset 5 (not the output's layout). */
function paddedRows(dtype: DType): ArrayTensor {
  return new ArrayTensor(dense([6 * 7 * 32 + 5], dtype).data, [6, 7, 30], [7 * 32, 32, 1], 5);
}

/** The view of `x` with its last two axes swapped (no copy). */
function swapLast(x: ArrayTensor): ArrayTensor {
  const r = x.ndim;
  return new ArrayTensor(
    x.data,
    [...x.shape.slice(0, r - 2), x.shape[r - 1]!, x.shape[r - 2]!],
    [...x.strides.slice(0, r - 2), x.strides[r - 1]!, x.strides[r - 2]!],
    x.offset,
  );
}

/** A transposed view of a fresh [cols, rows] tensor: shape `shape`, not contiguous. */
const transposed = (shape: Shape, dtype: DType): ArrayTensor => swapLast(dense([...shape.slice(0, -2), shape.at(-1)!, shape.at(-2)!], dtype));

/** Views of one shape the kernels must all accept. */
function views(shape: Shape, dtype: DType): [string, ArrayTensor][] {
  const out: [string, ArrayTensor][] = [["contiguous", dense(shape, dtype)], ["strided", strided(shape, dtype)]];
  if (shape.length >= 2) out.push(["transposed", transposed(shape, dtype)]);
  return out;
}

/** Checks shape, dtype and every element of `got` against `want` within tol(i). */
function expectMatch(got: ArrayTensor, want: ArrayTensor, tol: (i: number, w: number) => number, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  const g = got.contiguousData(false);
  const w = want.contiguousData(false);
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!, b = w[i]!;
    const same = Object.is(a, b) || (Number.isFinite(b) && b !== 0 && Math.abs(a - b) <= tol(i, b));
    if (!same) expect.fail(`${what}: element ${i} is ${a}, the reference gives ${b} (tolerance ${tol(i, b)})`);
  }
}

const elementwiseTol = (dtype: DType) => (_: number, w: number): number => 16 * unitRoundoff(dtype) * (1 + Math.abs(w));
const exact = (): number => 0;

test("the wasm backend is registered (Node has WebAssembly SIMD), and the native one where its addon was built", () => {
  expect(others.some((b) => b.name === "wasm")).toBe(true);
  // On a machine where the build failed this documents the fallback instead of failing.
  if (!others.some((b) => b.name === "native")) console.warn("backends.test: no native backend loaded; only the reference runs");
  expect(registeredBackends()[0]).toBe(ref);
});

test("every registered backend implements every kernel name of interface.ts, and a fused loop", () => {
  // 1100 elements: past the native backend's hand-off to JavaScript, so its own op codes run.
  const x = dense([1100], "float64");
  for (const be of registeredBackends()) {
    for (const op of UNARY) expect(be.unary(op, x).shape, `${be.name}: unary ${op}`).toEqual([1100]);
    for (const op of BINARY) expect(be.binary(op, x, x, [1100]).shape, `${be.name}: binary ${op}`).toEqual([1100]);
    for (const op of REDUCE) expect(be.reduce(op, x, [0]).shape, `${be.name}: reduce ${op}`).toEqual([]);
    expect(typeof be.fusedLoop, `${be.name}: fusedLoop`).toBe("function");
  }
});

describe.each(others.map((b): [string, Backend] => [b.name, b]))("backend %s against the reference", (_, be) => {
  test.each(DTYPES)("unary kernels, %s", (dtype) => {
    for (const shape of [[37, 53], [5], [], [131101]] as Shape[]) {
      for (const [view, x] of views(shape, dtype)) {
        for (const op of UNARY) {
          const tol = op === "erf" && dtype === "float64" ? (): number => 1e-13 : elementwiseTol(dtype);
          expectMatch(be.unary(op, x), ref.unary(op, x), tol, `${op} ${view} [${shape}]`);
        }
      }
    }
  });

  test.each(DTYPES)("binary kernels, %s, every layout", (dtype) => {
    const other: DType = dtype === "float64" ? "float32" : "float64";
    const cases: [string, ArrayTensor, ArrayTensor, Shape][] = [
      ["same shape", dense([37, 53], dtype), dense([37, 53], dtype), [37, 53]],
      ["transposed × strided", transposed([37, 53], dtype), strided([37, 53], dtype), [37, 53]],
      ["scalar left", dense([], dtype), dense([37, 53], dtype), [37, 53]],
      ["scalar right", dense([37, 53], dtype), dense([1], dtype), [37, 53]],
      ["stride-0 view", new ArrayTensor(dense([1], dtype).data, [37, 53], [0, 0]), dense([37, 53], dtype), [37, 53]],
      ["row broadcast, long rows", dense([5, 7, 67], dtype), dense([7, 67], dtype), [5, 7, 67]],
      ["outer broadcast", dense([5, 1, 67], dtype), dense([1, 7, 67], dtype), [5, 7, 67]],
      ["column broadcast", dense([37, 1], dtype), dense([37, 53], dtype), [37, 53]],
      ["short rows", dense([37, 1], dtype), dense([1, 53], dtype), [37, 53]],
      ["bias row, leading axes one stride", dense([6, 7, 30], dtype), dense([30], dtype), [6, 7, 30]],
      ["column against padded rows", dense([6, 7, 1], dtype), paddedRows(dtype), [6, 7, 30]],
      ["padded rows against a row", paddedRows(dtype), dense([30], dtype), [6, 7, 30]],
      ["mixed dtypes", dense([37, 53], dtype), dense([37, 53], other), [37, 53]],
      ["small", dense([3], dtype), dense([3], dtype), [3]],
      ["long enough for threads", dense([131101], dtype), dense([131101], dtype), [131101]],
      ["long, scalar right", dense([131101], dtype), dense([], dtype), [131101]],
    ];
    for (const [layout, a, b, outShape] of cases) {
      for (const op of BINARY) {
        const want = ref.binary(op, a, b, outShape);
        expectMatch(be.binary(op, a, b, outShape), want, elementwiseTol(want.dtype), `${op} ${layout}`);
      }
    }
  });

  test.each(DTYPES)("reductions, %s, every axis set", (dtype) => {
    const long = [...views([37, 53], dtype), ...views([6, 41, 9], dtype), ["long rows", dense([3, 65537], dtype)], ["long columns", dense([65537, 3], dtype)], ["one long row", dense([262147], dtype)]] as [string, ArrayTensor][];
    for (const [view, x] of long) {
      const axesSets = x.ndim === 1 ? [[0]] : x.ndim === 2 ? [[0], [1], [0, 1], []] : [[0], [2], [0, 1], [0, 2], [0, 1, 2]];
      for (const op of REDUCE) {
        for (const axes of axesSets) {
          const want = ref.reduce(op, x, axes);
          const len = sizeOf(axes.map((a) => x.shape[a]!));
          // Σ|x| over a row bounds the sum's rounding in any order; its rows follow `want`'s.
          const absSums = ref.reduce("sum", ref.unary("abs", x), axes).contiguousData(false);
          const tol = op === "sum"
            ? (i: number): number => 2 * len * unitRoundoff(dtype) * absSums[i]!
            : elementwiseTol(dtype);
          expectMatch(be.reduce(op, x, axes), want, tol, `${op} over [${axes}] of ${view} [${x.shape}]`);
        }
      }
    }
  });

  test.each(DTYPES)("matmul, %s: edge tiles, views, batches, broadcasting", (dtype) => {
    const other: DType = dtype === "float64" ? "float32" : "float64";
    const mm = (m: number, k: number, n: number): [ArrayTensor, ArrayTensor] => [dense([m, k], dtype, false), dense([k, n], dtype, false)];
    const cases: [string, ArrayTensor, ArrayTensor][] = [
      ["1×1·1×1", ...mm(1, 1, 1)],
      ["3×5·5×7", ...mm(3, 5, 7)],
      ["odd 37×53·53×29", ...mm(37, 53, 29)],
      ["edge tiles 65×300·300×97", ...mm(65, 300, 97)],
      ["k past one block 13×600·600×35", ...mm(13, 600, 35)],
      ["wide enough for threads 120×250·250×300", ...mm(120, 250, 300)],
      ["row vector 1×300·300×70", ...mm(1, 300, 70)],
      ["a classifier head, narrow 130×128·128×10", ...mm(130, 128, 10)],
      ["matrix·vector 128×64·64×1", ...mm(128, 64, 1)],
      ["transposed matrix·vector 150×90·90×1", transposed([150, 90], dtype), dense([90, 1], dtype, false)],
      ["transposed A", transposed([40, 60], dtype), dense([60, 50], dtype, false)],
      ["transposed A read in place, a partial last tile 45×70·70×33", transposed([45, 70], dtype), dense([70, 33], dtype, false)],
      ["transposed A too large to read in place, threads split rows 600×300·300×20", transposed([600, 300], dtype), dense([300, 20], dtype, false)],
      ["A too large to read in place, threads split columns 360×380·380×70", ...mm(360, 380, 70)],
      ["transposed B", dense([40, 60], dtype, false), transposed([60, 50], dtype)],
      ["strided", strided([33, 45], dtype), strided([45, 39], dtype)],
      ["batched", dense([2, 3, 17, 19], dtype, false), dense([2, 3, 19, 23], dtype, false)],
      ["broadcast batch", dense([2, 3, 17, 19], dtype, false), dense([19, 23], dtype, false)],
      ["broadcast batch axis of 1", dense([4, 1, 20, 30], dtype, false), dense([3, 30, 25], dtype, false)],
      ["mixed dtypes", dense([30, 40], dtype, false), dense([40, 50], other, false)],
    ];
    for (const [what, a, b] of cases) {
      const batch = broadcastBatch(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const outShape = [...batch, a.shape.at(-2)!, b.shape.at(-1)!];
      const want = ref.matmul(a, b, outShape);
      const k = a.shape.at(-1)!;
      // (|A|·|B|)ᵢⱼ, by the reference, for the rounding bound.
      const bound = ref.matmul(ref.unary("abs", a), ref.unary("abs", b), outShape).contiguousData(false);
      const u = unitRoundoff(want.dtype);
      expectMatch(be.matmul(a, b, outShape), want, (i, w) => 2 * k * u * bound[i]! + 16 * u * Math.abs(w), `matmul ${what} ${dtype}`);
    }
  });

  // nb.jit's fused loops, where the backend has its own: exactly-rounded float32 chains must
  // agree bit for bit (float32 arithmetic equals float64 rounded once), the rest within the
  // elementwise tolerance per step; sums within the summation bound. Sizes on both sides of
  // the native hand-off (1024), and one its threads split (70001: five chunks of 16384).
  test.each([[20, "float32"], [3001, "float32"], [20, "float64"], [3001, "float64"], [70001, "float32"], [70001, "float64"]] as [number, DType][])(
    "fused loops, n = %i, %s", (n, dtype) => {
      const other: DType = dtype === "float32" ? "float64" : "float32";
      const x = dense([n], dtype), y = dense([n], dtype), mixed = dense([n], other), s = dense([1], dtype);
      const row = dense([7], dtype);
      const map = Int32Array.from({ length: n }, (_, i) => i % 7);
      const specs: [string, FusedLoopSpec, boolean][] = [
        // Adam's chain: (b·m + (1−b)·g) / (√(v·s) + s), all float32-exact ops, three stores.
        ["exact arithmetic", {
          operands: [{ dtype, access: "full" }, { dtype, access: "full" }, { dtype, access: "scalar" }, { dtype, access: "indexed" }],
          steps: [
            { op: "binary", kernel: "mul", x: 0, y: 2, dtype }, { op: "binary", kernel: "sub", x: 1, y: 3, dtype },
            { op: "binary", kernel: "add", x: 4, y: 5, dtype }, { op: "unary", kernel: "abs", x: 1, dtype },
            { op: "unary", kernel: "sqrt", x: 7, dtype }, { op: "binary", kernel: "div", x: 6, y: 8, dtype },
            { op: "binary", kernel: "mulNoNan", x: 9, y: 0, dtype }, { op: "unary", kernel: "neg", x: 10, dtype },
          ],
          stores: [11, 6, 9], sums: [],
        }, true],
        ["transcendentals, where, mixed dtypes and sums", {
          operands: [{ dtype, access: "full" }, { dtype: other, access: "full" }, { dtype, access: "indexed" }],
          steps: [
            { op: "unary", kernel: "tanh", x: 0, dtype }, { op: "binary", kernel: "mul", x: 3, y: 1, dtype: "float64" },
            { op: "binary", kernel: "greater", x: 0, y: 2, dtype }, { op: "where", cond: 5, x: 4, y: 2, dtype: "float64" },
            { op: "unary", kernel: "exp", x: 2, dtype }, { op: "unary", kernel: "identity", x: 6, dtype },
          ],
          stores: [6, 7, 8], sums: [3],
        }, false],
      ];
      for (const [what, spec, bitwise] of specs) {
        const inputs = what === "exact arithmetic" ? [x, y, s, row] : [x, mixed, row];
        const run = (loop: FusedLoop): [TypedArray[], Float64Array] => {
          const outputs = spec.stores.map((v) => {
            const d = v < spec.operands.length ? spec.operands[v]!.dtype : spec.steps[v - spec.operands.length]!.dtype;
            return d === "float64" ? new Float64Array(n).fill(NaN) : new Float32Array(n).fill(NaN);
          });
          const sums = new Float64Array(spec.sums.length);
          loop(inputs.map((t) => t.data), inputs.map((t) => t.offset), spec.operands.map((o) => (o.access === "indexed" ? map : null)), outputs, sums, n);
          return [outputs, sums];
        };
        const [got, gotSums] = run(be.fusedLoop(spec));
        const [want, wantSums] = run(ref.fusedLoop(spec));
        got.forEach((g, j) => expectMatch(new ArrayTensor(g, [n]), new ArrayTensor(want[j]!, [n]), bitwise ? exact : elementwiseTol(dtype), `fused ${what}, store ${j}`));
        gotSums.forEach((g, j) => {
          const bound = 2 * n * unitRoundoff(dtype) * Array.from(x.data).reduce((t, v) => t + (Number.isFinite(v) ? Math.abs(v) : 0), 0) * 4;
          if (!(Object.is(g, wantSums[j]) || Math.abs(g - wantSums[j]!) <= bound)) expect.fail(`fused ${what}: sum ${j} is ${g}, the reference gives ${wantSums[j]}`);
        });
      }
    },
  );

  // A broadcast operand read in runs: a bias row (map i mod 300, rows that blocks of 256
  // straddle, at offsets that leave the first block short), a column broadcast (each value
  // repeated 40 times) and a map whose runs are cut short at random: bit for bit, as the
  // chains are exact.
  test.each(DTYPES)("fused loops read broadcast operands in runs, %s", (dtype) => {
    const n = 30000;
    const maps: [string, Int32Array, number][] = [
      ["bias row of 300", Int32Array.from({ length: n }, (_, i) => i % 300), 300],
      ["column broadcast", Int32Array.from({ length: n }, (_, i) => Math.floor(i / 40)), 750],
      ["runs cut at random", Int32Array.from({ length: n }, (_, i) => (i % 97 < 90 ? i % 500 : (i * 7) % 500)), 500],
    ];
    const spec: FusedLoopSpec = {
      operands: [{ dtype, access: "full" }, { dtype, access: "indexed" }],
      steps: [{ op: "binary", kernel: "add", x: 0, y: 1, dtype }, { op: "unary", kernel: "relu", x: 2, dtype }],
      stores: [2, 3], sums: [],
    };
    for (const [what, map, size] of maps) {
      for (const start of [0, 3, 17]) {
        const x = dense([n + start], dtype, false), row = dense([size + start], dtype, false);
        const run = (loop: FusedLoop): TypedArray[] => {
          const outputs = [0, 1].map(() => (dtype === "float64" ? new Float64Array(n + start) : new Float32Array(n + start)).subarray(start));
          loop([x.data, row.data], [start, start], [null, map], outputs, new Float64Array(0), n);
          return outputs;
        };
        const got = run(be.fusedLoop(spec)), want = run(ref.fusedLoop(spec));
        got.forEach((g, j) => expectMatch(new ArrayTensor(g, [n]), new ArrayTensor(want[j]!, [n]), exact, `${what}, offset ${start}, store ${j}`));
      }
    }
  });

  // Runs of steps that each read the previous one's result run as one pass in registers
  // (native chains, with the step just before one folded into the link that reads it): Adam's
  // update with its outputs written over its inputs, as a donating compiled step does; runs
  // that must stop, and a step that must not fold, where an intermediate is also stored,
  // summed or read twice; a float64 program whose float32 steps round. Bit for bit (sums within the
  // summation bound), at lengths with a ragged last block and across threads.
  test.each([[3001, "float32"], [3001, "float64"], [70001, "float32"]] as [number, DType][])("fused chains, n = %i, %s", (n, dtype) => {
    const other: DType = dtype === "float32" ? "float64" : "float32";
    const full = { dtype, access: "full" } as const, scalar = { dtype, access: "scalar" } as const;
    const bin = (kernel: BinaryKernel, x: number, y: number, d: DType = dtype) => ({ op: "binary", kernel, x, y, dtype: d }) as const;
    const un = (kernel: UnaryKernel, x: number, d: DType = dtype) => ({ op: "unary", kernel, x, dtype: d }) as const;
    const adam: FusedLoopSpec = {
      // m, b1, g, 1 − b1, v, b2, 1 − b2, bc1, bc2, eps, −lr, p
      operands: [full, scalar, full, scalar, full, scalar, scalar, scalar, scalar, scalar, scalar, full],
      steps: [
        bin("mul", 0, 1), bin("mul", 2, 3), bin("add", 12, 13), bin("mul", 4, 5), bin("mul", 2, 2), bin("mul", 16, 6),
        bin("add", 15, 17), bin("mul", 14, 7), un("sqrt", 18), bin("mul", 20, 8), bin("add", 21, 9), bin("div", 19, 22),
        bin("mul", 23, 10), bin("add", 11, 24),
      ],
      stores: [14, 18, 25], sums: [],
    };
    const kept: FusedLoopSpec = {
      operands: [full, full, scalar],
      steps: [
        bin("mul", 0, 2), bin("add", 1, 3), bin("sub", 1, 4), bin("mul", 5, 5), bin("div", 2, 6), un("neg", 7),
        un("abs", 8), un("sqrt", 9), bin("sub", 10, 0),
      ],
      stores: [3, 7, 11], sums: [7],
    };
    const mixed: FusedLoopSpec = {
      operands: [full, { dtype: other, access: "full" }],
      steps: [bin("mul", 0, 1, "float64"), bin("add", 2, 0, "float32"), un("sqrt", 3, "float64"), bin("div", 4, 1, "float64"), un("neg", 5, "float32")],
      stores: [6], sums: [],
    };
    const one = (v: number): TypedArray => (dtype === "float64" ? Float64Array.of(v) : Float32Array.of(v));
    const vector = (d: DType = dtype): TypedArray => dense([n], d).data;
    const specs: [string, FusedLoopSpec, TypedArray[]][] = [
      ["adam", adam, [vector(), one(0.9), vector(), one(0.1), vector(), one(0.999), one(1e-3), one(10), one(31.6), one(1e-8), one(-1e-3), vector()]],
      ["kept intermediates", kept, [vector(), vector(), one(-1.5)]],
      ["float32 steps of a float64 program", mixed, [vector(), vector(other)]],
    ];
    for (const [what, spec, inputs] of specs) {
      const run = (loop: FusedLoop, data: TypedArray[], outputs: TypedArray[]): Float64Array => {
        const sums = new Float64Array(spec.sums.length);
        loop(data, data.map(() => 0), spec.operands.map(() => null), outputs, sums, n);
        return sums;
      };
      const fresh = () => spec.stores.map((v) => {
        const d = v < spec.operands.length ? spec.operands[v]!.dtype : spec.steps[v - spec.operands.length]!.dtype;
        return d === "float64" ? new Float64Array(n).fill(NaN) : new Float32Array(n).fill(NaN);
      });
      const want = fresh(), wantSums = run(ref.fusedLoop(spec), inputs.map((d) => d.slice()), want);
      // Adam's outputs over its own m, v and p (operands 0, 4, 11); the others into fresh arrays.
      const data = inputs.map((d) => d.slice());
      const got = what === "adam" ? [data[0]!, data[4]!, data[11]!] : fresh();
      const gotSums = run(be.fusedLoop(spec), data, got);
      got.forEach((g, j) => expectMatch(new ArrayTensor(g, [n]), new ArrayTensor(want[j]!, [n]), exact, `${what}, store ${j}`));
      gotSums.forEach((g, j) => {
        const terms = Array.from(want[1]!).reduce((t, v) => t + (Number.isFinite(v) ? Math.abs(v) : 0), 0);  // the summed value's store
        const bound = 2 * n * unitRoundoff(dtype) * terms;
        if (!(Object.is(g, wantSums[j]) || Math.abs(g - wantSums[j]!) <= bound)) expect.fail(`${what}: sum ${j} is ${g}, the reference gives ${wantSums[j]}`);
      });
    }
  });

  test.each(DTYPES)("where, contiguous, cast, pad, concat, gather, scatterAdd, %s", (dtype) => {
    const cond = dense([37, 1], dtype);
    const a = transposed([37, 53], dtype);
    const b = dense([53], dtype);
    expectMatch(be.where(cond, a, b, [37, 53]), ref.where(cond, a, b, [37, 53]), exact, "where");
    for (const [view, x] of views([6, 41, 9], dtype)) {
      expectMatch(be.contiguous(x), ref.contiguous(x), exact, `contiguous ${view}`);
      for (const to of DTYPES) expectMatch(be.cast(x, to), ref.cast(x, to), exact, `cast ${view} to ${to}`);
      expectMatch(be.pad(x, [1, 0, 2], [0, 3, 1]), ref.pad(x, [1, 0, 2], [0, 3, 1]), exact, `pad ${view}`);
      const parts = [x, dense([6, 5, 9], dtype)];
      expectMatch(be.concat(parts, 1), ref.concat(parts, 1), exact, `concat ${view}`);
      const idx = Int32Array.from([40, 0, 3, 3, 17, 40]);
      expectMatch(be.gather(x, idx, [2, 3], 1), ref.gather(x, idx, [2, 3], 1), exact, `gather ${view}`);
      const g = dense([6, 2, 3, 9], dtype);
      const want = ref.scatterAdd(g, idx, [2, 3], 1, 41);
      expectMatch(be.scatterAdd(g, idx, [2, 3], 1, 41), want, elementwiseTol(dtype), `scatterAdd ${view}`);
    }
  });
});

function broadcastBatch(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[i - rank + a.length] ?? 1;
    const y = b[i - rank + b.length] ?? 1;
    return x === 1 ? y : x;
  });
}

describe("backend selection in Node", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  /** Imports the built package ("nabla" → dist/node.js) in a fresh Node with `env` added. */
  /** `before` runs first: `WebAssembly.validate = () => false` simulates an engine without SIMD. */
  const startNabla = (env: Record<string, string>, before = ""): { backend: string; product: string; notices: string[] } => {
    const script = `${before}; import("nabla").then((nb) => console.log(nb.getBackend(), nb.mul([2], [3]).item()))`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NABLA_BACKEND: "", NABLA_NATIVE_BINARY: "", ...env },
    });
    expect(run.status, run.stderr).toBe(0);
    const [backend, product] = run.stdout.trim().split(" ") as [string, string];
    return { backend, product, notices: run.stderr.split("\n").filter((l) => l.startsWith("nabla:")) };
  };

  test("a missing addon falls back to the wasm backend with a one-line notice", () => {
    const { backend, product, notices } = startNabla({ NABLA_NATIVE_BINARY: "/nonexistent/nabla.node" });
    expect([backend, product]).toEqual(["wasm", "6"]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("native backend unavailable");
    expect(notices[0]).toContain("using the wasm backend");
  });

  test("without WebAssembly SIMD or the addon, the reference backend runs after one line for each", () => {
    const { backend, product, notices } = startNabla({ NABLA_NATIVE_BINARY: "/nonexistent/nabla.node" }, "WebAssembly.validate = () => false");
    expect([backend, product]).toEqual(["reference", "6"]);
    expect(notices).toHaveLength(2);
    expect(notices[0]).toBe("nabla: wasm backend unavailable (this engine has no WebAssembly SIMD); falling back to the next backend");
    expect(notices[1]).toContain("using the reference backend");
  });

  test("NABLA_BACKEND chooses; the default is the fastest that loads", () => {
    const hasNative = others.some((b) => b.name === "native");
    expect(startNabla({}).backend).toBe(hasNative ? "native" : "wasm");
    expect(startNabla({ NABLA_BACKEND: "reference" })).toEqual({ backend: "reference", product: "6", notices: [] });
    expect(startNabla({ NABLA_BACKEND: "wasm" })).toEqual({ backend: "wasm", product: "6", notices: [] });
    const unknown = startNabla({ NABLA_BACKEND: "no-such-backend" });
    expect(unknown.notices).toHaveLength(1);
    expect(unknown.backend).toBe(hasNative ? "native" : "wasm");
  });

  // The addon picks its GEMM kernels once per process from the CPU; NABLA_NATIVE_ISA caps the
  // choice, so the AVX2 and portable kernels are checked here too, on odd edge tiles.
  test.runIf(others.some((b) => b.name === "native"))("the AVX2 and portable matmul kernels agree with the reference", () => {
    const script = `
      const nb = await import("nabla");
      const { nativeIsa } = await import("./dist/backend/native/index.js");
      const worst = [];
      for (const [dtype, a, b] of ["float64", "float32"].flatMap((dtype) => [
        [dtype, nb.randn([65, 300], { seed: 1, dtype }), nb.randn([300, 97], { seed: 2, dtype }).transpose().transpose()],
        [dtype, nb.randn([300, 45], { seed: 3, dtype }).transpose(), nb.randn([300, 40], { seed: 4, dtype })],
      ])) {
        const fast = nb.matmul(a, b);
        nb.setBackend("reference");
        const ref = nb.matmul(a, b);
        const bound = nb.matmul(nb.abs(a), nb.abs(b));
        nb.setBackend("native");
        worst.push(nb.max(nb.div(nb.abs(nb.sub(fast, ref)), bound)).item());
      }
      console.log(JSON.stringify([nativeIsa(), worst]));`;
    for (const isa of ["avx2", "generic"]) {
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, NABLA_BACKEND: "", NABLA_NATIVE_BINARY: "", NABLA_NATIVE_ISA: isa },
      });
      expect(run.status, run.stderr).toBe(0);
      const [chosen, [f64, f64t, f32, f32t]] = JSON.parse(run.stdout) as [string, number[]];
      // avx2 on a CPU without it falls to generic: either way a capped kernel ran.
      expect(["avx2", "generic"]).toContain(chosen);
      expect(Math.max(f64!, f64t!)).toBeLessThan(2 * 300 * 2 ** -53);
      expect(Math.max(f32!, f32t!)).toBeLessThan(2 * 300 * 2 ** -24);
    }
  });
});

describe.each(registeredBackends().map((b): [string, Backend] => [b.name, b]))("nb.jit on backend %s", (name) => {
  // A training step's gradient, compiled: every backend's fused loops (native's C++ ones
  // included) must give what its own eager kernels give. Exact ops and the same libm calls
  // on both paths, so bit for bit.
  test.each(DTYPES)("jit(valueAndGrad) of a two-layer ReLU network with softmax cross-entropy equals eager, %s", (dtype) => {
    const previous = nb.getBackend();
    nb.setBackend(name);
    try {
      const x = nb.tensor(dense([64, 40], dtype, false).data, { shape: [64, 40] });
      const labels = nb.tensor(Array.from({ length: 64 }, (_, i) => i % 5), { dtype });
      const params = { w1: nb.mul(nb.tensor(dense([40, 48], dtype, false).data, { shape: [40, 48] }), 0.2), b1: nb.tensor(dense([48], dtype, false).data), w2: nb.mul(nb.tensor(dense([48, 5], dtype, false).data, { shape: [48, 5] }), 0.2) };
      const loss = (p: typeof params): nb.Tensor =>
        nb.nn.softmaxCrossEntropy(nb.matmul(nb.relu(nb.add(nb.matmul(x, p.w1), p.b1)), p.w2), labels);
      const eager = nb.valueAndGrad(loss)(params);
      const compiled = nb.jit(nb.valueAndGrad(loss))(params);
      const value = (v: nb.Tensor | number): number => (typeof v === "number" ? v : v.item());
      expect(value(compiled[0])).toBe(value(eager[0]));
      for (const k of ["w1", "b1", "w2"] as const) expect(Array.from(compiled[1][k].values()), k).toEqual(Array.from(eager[1][k].values()));
    } finally {
      nb.setBackend(previous);
    }
  });
});

describe.each(others.map((b): [string, Backend] => [b.name, b]))("linalg kernels of backend %s agree with the reference", (_, be) => {
  // Sizes on both sides of the blocking thresholds (32, 64, 128 columns) and with edge
  // blocks; float32 inputs are computed in float64 and rounded, so they match to float32's
  // last bits. Well-conditioned inputs: any summation order stays within tol·(1 + |ref|).
  const SIZES = [5, 40, 150, 300];
  const tol = (dtype: DType): number => (dtype === "float64" ? 1e-10 : 4 * 2 ** -24);
  const close = (got: ArrayTensor, want: ArrayTensor, dtype: DType): void => {
    expect(got.dtype).toBe(want.dtype);
    expect(got.shape).toEqual(want.shape);
    const g = got.contiguousData(false), w = want.contiguousData(false);
    let worst = 0;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!) / (1 + Math.abs(w[i]!)));
    expect(worst).toBeLessThanOrEqual(tol(dtype));
  };
  /** [batch, n, n] matrices x·xᵀ/n + I (SPD, condition number ≲ 10). */
  const spd = (batch: number, n: number, dtype: DType): ArrayTensor => {
    const x = dense([batch, n, n], "float64", false).contiguousData(false);
    const a = new Float64Array(batch * n * n);
    for (let t = 0; t < batch; t++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let p = 0; p < n; p++) s += (x[t * n * n + i * n + p]! * x[t * n * n + j * n + p]!) / (9 * n);
      a[t * n * n + i * n + j] = s;
    }
    return new ArrayTensor(dtype === "float64" ? a : Float32Array.from(a), [batch, n, n]);
  };
  const cases = SIZES.flatMap((n) => DTYPES.map((dtype): [number, DType] => [n, dtype]));

  test.each(cases)("cholesky, lu, luSolve, luInverse and triangularSolve at n = %i, %s", (n, dtype) => {
    const a = spd(2, n, dtype);
    const mine = be.cholesky(a), theirs = ref.cholesky(a);
    expect(mine.failure).toBeNull();
    close(mine.factor, theirs.factor, dtype);
    // A general matrix (pivoting happens): the diagonal dominance is removed by a shift.
    const g = be.binary("sub", a, new ArrayTensor(new Float64Array([0.5]), []), a.shape);
    const f = be.lu(g), fr = ref.lu(g);
    expect(Array.from(f.pivots)).toEqual(Array.from(fr.pivots));
    close(f.lu, fr.lu, "float64");
    const cond = be.conditionEstimate(g, f), condRef = ref.conditionEstimate(g, fr);
    for (let t = 0; t < 2; t++) expect(Math.abs(cond[t]! - condRef[t]!)).toBeLessThan(1e-8 * condRef[t]!);
    const bound = be.conditionBound(g, f), boundRef = ref.conditionBound(g, fr);
    for (let t = 0; t < 2; t++) expect(Math.abs(bound[t]! - boundRef[t]!)).toBeLessThan(1e-8 * boundRef[t]!);
    const b = new ArrayTensor(dense([2, n, 3], dtype, false).contiguousData(false), [2, n, 3]);
    close(be.luSolve(f, b), ref.luSolve(fr, b), dtype);
    // One column (the substitution path) and 40 (the recursive solves with GEMM updates).
    const b1 = new ArrayTensor(dense([2, n, 1], dtype, false).contiguousData(false), [2, n, 1]);
    close(be.luSolve(f, b1), ref.luSolve(fr, b1), dtype);
    const b40 = new ArrayTensor(dense([2, n, 40], dtype, false).contiguousData(false), [2, n, 40]);
    close(be.luSolve(f, b40), ref.luSolve(fr, b40), dtype);
    close(be.luInverse(f, dtype), ref.luInverse(fr, dtype), dtype);
    for (const [lower, transpose, unit] of [[true, false, false], [false, false, false], [true, true, false], [false, true, true], [false, false, true]] as const) {
      // The Cholesky factor (an upper triangle of it is diagonal) and the LU factors (both full).
      for (const tri of [mine.factor, fr.lu]) {
        for (const rhs of [b, b40]) close(be.triangularSolve(tri, rhs, lower, transpose, unit), ref.triangularSolve(tri, rhs, lower, transpose, unit), dtype);
      }
    }
  });

  test("a singular matrix's condition estimate and bound are Infinity", () => {
    const a = new ArrayTensor(Float64Array.from([1, 2, 3, 2, 4, 6, 0, 1, 1]), [3, 3]);
    expect(Array.from(be.conditionEstimate(a, be.lu(a)))).toEqual([Infinity]);
    expect(Array.from(be.conditionBound(a, be.lu(a)))).toEqual([Infinity]);
    // A NaN or infinite entry leaves the bound NaN or infinite (solve relies on it to skip its NaN scan).
    for (const bad of [NaN, Infinity, -Infinity]) {
      const g = new ArrayTensor(Float64Array.from([4, 1, 0, 1, 4, 1, 0, bad, 4]), [3, 3]);
      expect(Number.isFinite(be.conditionBound(g, be.lu(g))[0])).toBe(false);
    }
  });

  test("a strided (transposed) view, and the failing pivot of a matrix that is not positive definite", () => {
    const a = spd(1, 70, "float64");
    const t = new ArrayTensor(a.data, [1, 70, 70], [4900, 1, 70]);
    close(be.cholesky(t).factor, ref.cholesky(t).factor, "float64");
    close(be.triangularSolve(t, a, false, true, false), ref.triangularSolve(t, a, false, true, false), "float64");
    for (const pivot of [3, 45, 69]) {
      const bad = spd(3, 70, "float64");
      bad.data[2 * 4900 + pivot * 71] = -1e3;
      const mine = be.cholesky(bad).failure, theirs = ref.cholesky(bad).failure;
      expect(mine?.matrix).toBe(2);
      expect(mine?.pivot).toBe(pivot);
      expect(mine?.pivot).toBe(theirs?.pivot);
      expect(Math.abs(mine!.value - theirs!.value)).toBeLessThan(1e-9 * Math.abs(theirs!.value));
    }
  });
});

describe.each(others.map((b): [string, Backend] => [b.name, b]))("spectral kernels of backend %s agree with the reference", (_, be) => {
  // Absolute bounds in units of ‖A‖ (its largest |entry| times n), as backward-stable methods
  // give: eigenvalues and singular values to 1e-12·n·‖A‖; vectors, up to sign, to that over the
  // gap to the nearest other value; reconstruction A = VΛVᵀ / UΣVᵀ to 1e-12·n·‖A‖ and
  // orthogonality of every basis to 1e-12·n. float32 inputs: values to float32's last bits.
  type Mat = number[][];
  const matrixAt = (x: ArrayTensor, t: number): Mat => {
    const r = x.shape.at(-2)!, c = x.shape.at(-1)!, d = x.contiguousData(false);
    return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => d[t * r * c + i * c + j]!));
  };
  const vectorAt = (x: ArrayTensor, t: number): number[] => {
    const k = x.shape.at(-1)!;
    return Array.from(x.contiguousData(false).subarray(t * k, (t + 1) * k));
  };
  const transpose = (m: Mat): Mat => (m.length === 0 ? [] : m[0]!.map((_, j) => m.map((row) => row[j]!)));
  const normOf = (m: Mat): number => m.length * Math.max(1e-300, ...m.flat().map(Math.abs));
  /** max |A − U·diag(s)·Vᵀ|. */
  const reconstructionError = (a: Mat, u: Mat, s: number[], vt: Mat): number =>
    Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - s.reduce((acc, sk, k) => acc + u[i]![k]! * sk * vt[k]![j]!, 0)))));
  /** max |QᵀQ − I| over the columns of q. */
  const orthogonalityError = (q: Mat): number => {
    const qt = transpose(q);
    return Math.max(...qt.flatMap((ci, i) => qt.map((cj, j) => Math.abs(ci.reduce((acc, x, p) => acc + x * cj[p]!, 0) - (i === j ? 1 : 0)))));
  };
  /** Columns of got against want's, each up to the sign that fits best (or `signs`, when given), within tol[j]. */
  const expectColumns = (got: Mat, want: Mat, tol: number[], what: string, signs?: number[]): number[] => {
    const g = transpose(got), w = transpose(want);
    return w.map((wj, j) => {
      const dot = wj.reduce((acc, x, p) => acc + x * g[j]![p]!, 0);
      const sign = signs?.[j] ?? (dot < 0 ? -1 : 1);
      const err = Math.max(...wj.map((x, p) => Math.abs(sign * g[j]![p]! - x)));
      if (!(err <= tol[j]!)) expect.fail(`${what}: column ${j} differs from the reference's by ${err} (tolerance ${tol[j]})`);
      return sign;
    });
  };
  /** For each value, 1e-12·n·‖A‖ over its gap to the nearest other value (the gap at most ‖A‖). */
  const vectorTolerance = (values: number[], n: number, norm: number): number[] =>
    values.map((v, j) => (1e-12 * n * norm) / Math.min(norm, ...values.filter((_, i) => i !== j).map((x) => Math.abs(x - v))));
  const expectValues = (got: number[], want: number[], tol: number, what: string): void => {
    const err = Math.max(0, ...got.map((x, i) => Math.abs(x - want[i]!)));
    if (!(err <= tol)) expect.fail(`${what}: values differ from the reference's by ${err} (tolerance ${tol})`);
  };

  /** eigh against the reference and its own invariants; eigvalsh equals eigh's values. */
  const checkEigh = (a: ArrayTensor, exact?: number[]): void => {
    const { batch, n } = { batch: sizeOf(a.shape.slice(0, -2)), n: a.shape.at(-1)! };
    const mine = be.eigh(a), theirs = ref.eigh(a), values = be.eigvalsh(a);
    expect(mine.values.shape).toEqual(theirs.values.shape);
    expect(mine.vectors.shape).toEqual(theirs.vectors.shape);
    for (let t = 0; t < batch; t++) {
      const raw = matrixAt(a, t);
      const sym = raw.map((row, i) => row.map((x, j) => 0.5 * (x + raw[j]![i]!)));
      const norm = normOf(sym), tol = 1e-12 * n * norm;
      const lambda = vectorAt(mine.values, t), v = matrixAt(mine.vectors, t);
      expectValues(lambda, vectorAt(theirs.values, t), tol, `eigh ${n}×${n}`);
      expectValues(vectorAt(values, t), lambda, tol, `eigvalsh ${n}×${n}`);
      if (exact) expectValues(lambda, exact, tol, `eigh ${n}×${n} against the exact spectrum`);
      for (let i = 1; i < n; i++) expect(lambda[i]!).toBeGreaterThanOrEqual(lambda[i - 1]!);
      expect(reconstructionError(sym, v, lambda, transpose(v))).toBeLessThanOrEqual(tol);
      expect(orthogonalityError(v)).toBeLessThanOrEqual(1e-12 * n);
      if (!exact) expectColumns(v, matrixAt(theirs.vectors, t), vectorTolerance(vectorAt(theirs.values, t), n, norm), `eigh ${n}×${n} vectors`);
    }
  };

  /**
   * svd against the reference and its own invariants; svdvals equals svd's values. With `rank`,
   * the values from index `rank` on must be zero and the vectors (not unique) are not compared.
   */
  const checkSvd = (a: ArrayTensor, rank?: number): void => {
    const batch = sizeOf(a.shape.slice(0, -2)), m = a.shape.at(-2)!, n = a.shape.at(-1)!, k = Math.min(m, n);
    const mine = be.svd(a), theirs = ref.svd(a), values = be.svdvals(a);
    for (const key of ["u", "s", "vt"] as const) expect(mine[key].shape, key).toEqual(theirs[key].shape);
    for (let t = 0; t < batch; t++) {
      const x = matrixAt(a, t), norm = normOf(x), tol = 1e-12 * Math.max(m, n) * norm;
      const s = vectorAt(mine.s, t), u = matrixAt(mine.u, t), vt = matrixAt(mine.vt, t);
      const what = `svd ${m}×${n}`;
      expectValues(s, vectorAt(theirs.s, t), tol, what);
      expectValues(vectorAt(values, t), s, tol, `svdvals ${m}×${n}`);
      for (let i = 0; i < k; i++) expect(s[i]!).toBeGreaterThanOrEqual(0);
      for (let i = 1; i < k; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
      if (rank !== undefined) for (let i = rank; i < k; i++) expect(s[i]!).toBeLessThanOrEqual(tol);
      expect(reconstructionError(x, u, s, vt)).toBeLessThanOrEqual(tol);
      expect(orthogonalityError(u)).toBeLessThanOrEqual(1e-12 * m);
      expect(orthogonalityError(transpose(vt))).toBeLessThanOrEqual(1e-12 * n);
      if (rank !== undefined) continue;
      const vtol = vectorTolerance(vectorAt(theirs.s, t), Math.max(m, n), norm);
      const signs = expectColumns(transpose(vt), transpose(matrixAt(theirs.vt, t)), vtol, `${what} right vectors`);
      expectColumns(u, matrixAt(theirs.u, t), vtol, `${what} left vectors`, signs);
    }
  };

  /** Q·diag(spectrum)·Qᵀ for a random orthogonal Q (the reference's QR of a random matrix). */
  const withSpectrum = (spectrum: number[]): ArrayTensor => {
    const n = spectrum.length;
    const q = matrixAt(ref.qr(dense([n, n], "float64", false)).q, 0);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = spectrum.reduce((acc, l, p) => acc + q[i]![p]! * l * q[j]![p]!, 0);
    return new ArrayTensor(a, [n, n]);
  };

  test.each([1, 2, 3, 5, 40, 150])("eigh and eigvalsh of a batch of random n×n matrices, contiguous and transposed, n = %i", (n) => {
    checkEigh(dense([2, n, n], "float64", false));
    checkEigh(swapLast(dense([2, n, n], "float64", false)));
  });

  test.each([[1, 1], [2, 2], [5, 5], [1, 4], [4, 1], [7, 3], [3, 7], [40, 40], [150, 60], [60, 150]])("svd and svdvals of a batch of random %i×%i matrices", (m, n) => {
    checkSvd(dense([2, m, n], "float64", false));
  });

  test("float32 inputs give float32 outputs with the reference's values", () => {
    const square = dense([2, 30, 30], "float32", false), tall = dense([2, 30, 20], "float32", false);
    for (const [name, mine, theirs] of [
      ["eigvalsh", be.eigvalsh(square), ref.eigvalsh(square)],
      ["svdvals", be.svdvals(tall), ref.svdvals(tall)],
    ] as const) {
      expect(mine.dtype, name).toBe("float32");
      expectMatch(mine, theirs, (_, w) => 8 * 2 ** -24 * (1 + Math.abs(w)), name);
    }
    const { values, vectors } = be.eigh(dense([30, 30], "float32", false));
    expect([values.dtype, vectors.dtype]).toEqual(["float32", "float32"]);
    const { u, s, vt } = be.svd(dense([20, 30], "float32", false));
    expect([u.dtype, s.dtype, vt.dtype]).toEqual(["float32", "float32", "float32"]);
  });

  test("degenerate spectra: repeated eigenvalues, zero and repeated singular values", () => {
    const spectrum = [-2, -2, 0.5, 1, 1, 1, 3, 3, 3, 3, 7];
    checkEigh(withSpectrum(spectrum), [...spectrum]);
    const repeated = Array.from({ length: 70 }, (_, i) => Math.floor(i / 10));
    checkEigh(withSpectrum(repeated), repeated);
    checkEigh(new ArrayTensor(new Float64Array(25), [5, 5]), [0, 0, 0, 0, 0]);
    // Rank r products X·Y: min(m, n) − r zero singular values.
    for (const [m, n, r] of [[7, 5, 3], [5, 7, 2], [40, 30, 10], [30, 40, 1]] as const) {
      const x = dense([m, r], "float64", false), y = dense([r, n], "float64", false);
      checkSvd(ref.matmul(x, y, [m, n]), r);
    }
    checkSvd(new ArrayTensor(new Float64Array(12), [4, 3]), 0);
    // Every singular value 2 (an orthogonal matrix times 2) and pairs of equal ones.
    const q = ref.qr(dense([6, 6], "float64", false)).q;
    const svals = be.svdvals(be.binary("mul", q, new ArrayTensor(new Float64Array([2]), []), [6, 6]));
    expectValues(vectorAt(svals, 0), [2, 2, 2, 2, 2, 2], 1e-13 * 6 * 2, "svdvals of 2Q");
    // Singular values 5, 5, 3, 3, 1, 1, 0.25: full rank, but the vectors are not unique.
    checkSvd(withSpectrum([5, 5, -3, 3, 1, 1, 0.25]), 7);
  });

  test("non-finite input is refused by nb.linalg with the reference backend's message", () => {
    const previous = nb.getBackend();
    const bad = [[1, NaN], [2, 3]];
    const calls: [string, () => unknown][] = [
      ["eigh", () => nb.linalg.eigh(bad)], ["eigvalsh", () => nb.linalg.eigvalsh(bad)],
      ["svd", () => nb.linalg.svd(bad)], ["svdvals", () => nb.linalg.svdvals(bad)],
    ];
    try {
      for (const [name, call] of calls) {
        nb.setBackend("reference");
        let want = "";
        try {
          call();
        } catch (e) {
          want = (e as Error).message;
        }
        expect(want, name).toMatch(/NaN/);
        nb.setBackend(be.name);
        expect(call, name).toThrow(want);
      }
    } finally {
      nb.setBackend(previous);
    }
  });
});
