/**
 * The reference kernels against naive loops written from the definitions, on odd shapes,
 * strided and broadcast views, and both dtypes. The fast paths (packed matmul, contiguous
 * and single-value elementwise layouts, generated reduce loops) must agree with the slow
 * obvious code everywhere.
 */
import { describe, expect, test } from "vitest";
import { referenceBackend as ref } from "./index.js";
import type { BinaryKernel, ReduceKernel, UnaryKernel } from "../interface.js";
import type { DType } from "../../tensor/dtype.js";
import { type Shape, contiguousStrides, sizeOf } from "../../tensor/shape.js";
import { ArrayTensor } from "../../tensor/tensor.js";

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return (seed / 2 ** 32) * 4 - 2;
}

function dense(shape: Shape, dtype: DType = "float64"): ArrayTensor {
  const n = sizeOf(shape);
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = random();
  return new ArrayTensor(data, shape);
}

/** A non-contiguous view of `shape`: every other element of a larger buffer, starting at offset 3. */
function strided(shape: Shape, dtype: DType = "float64"): ArrayTensor {
  const base = dense([2 * sizeOf(shape) + 3], dtype);
  return new ArrayTensor(base.data, shape, contiguousStrides(shape).map((s) => 2 * s), 3);
}

/** The view of `x` with its last two axes swapped (no copy). */
function swapLast(x: ArrayTensor): ArrayTensor {
  const r = x.ndim;
  const shape = [...x.shape.slice(0, r - 2), x.shape[r - 1]!, x.shape[r - 2]!];
  const strides = [...x.strides.slice(0, r - 2), x.strides[r - 1]!, x.strides[r - 2]!];
  return new ArrayTensor(x.data, shape, strides, x.offset);
}

/** A stride-0 view repeating one element of `x` over `shape`. */
function repeated(x: ArrayTensor, shape: Shape): ArrayTensor {
  return new ArrayTensor(x.data, shape, shape.map(() => 0), x.offset);
}

/** Element at a multi-index, read through shape and strides, broadcasting like NumPy. */
function at(x: ArrayTensor, index: readonly number[]): number {
  const lead = index.length - x.ndim;
  let o = x.offset;
  for (let i = 0; i < x.ndim; i++) if (x.shape[i] !== 1) o += index[i + lead]! * x.strides[i]!;
  return x.data[o]!;
}

function indices(shape: Shape): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === shape.length) out.push(prefix);
    else for (let i = 0; i < shape[prefix.length]!; i++) walk([...prefix, i]);
  };
  walk([]);
  return out;
}

function expectValues(actual: ArrayTensor, shape: Shape, expected: (index: number[]) => number, rtol = 0): void {
  expect(actual.shape).toEqual(shape);
  const got = actual.contiguousData(false);
  indices(shape).forEach((index, k) => {
    const want = expected(index);
    const v = got[k]!;
    if (rtol === 0 || !Number.isFinite(want)) {
      if (!Object.is(v, want)) expect.fail(`at [${index}]: ${v} !== ${want}`);
    } else if (Math.abs(v - want) > rtol * (1 + Math.abs(want))) {
      expect.fail(`at [${index}]: ${v} vs ${want}`);
    }
  });
}

describe("matmul", () => {
  const naive = (a: ArrayTensor, b: ArrayTensor) => (index: number[]): number => {
    const r = index.length;
    const k = a.shape[a.ndim - 1]!;
    let s = 0;
    for (let p = 0; p < k; p++) {
      s += at(a, [...index.slice(0, r - 2), index[r - 2]!, p]) * at(b, [...index.slice(0, r - 2), p, index[r - 1]!]);
    }
    return s;
  };
  const check = (a: ArrayTensor, b: ArrayTensor, outShape: Shape): void => {
    const out = ref.matmul(a, b, outShape);
    expect(out.dtype).toBe(a.dtype === "float32" && b.dtype === "float32" ? "float32" : "float64");
    expectValues(out, outShape, naive(a, b), out.dtype === "float32" ? 1e-5 : 1e-12);
  };

  // Sizes around the 4×4 tile, the small-work cutoff and the KC/MC/NC blocks.
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 5], [5, 1, 3], [3, 5, 2], [4, 4, 4], [7, 9, 11], [33, 35, 31],
    [65, 67, 66], [70, 300, 13], [130, 5, 9], [6, 260, 530],
  ];
  for (const dtype of ["float64", "float32"] as const) {
    test.each(sizes)(`${dtype} %i×%i · %i×…`, (m, k, n) => {
      check(dense([m, k], dtype), dense([k, n], dtype), [m, n]);
    });
  }

  test("strided, transposed and offset views", () => {
    for (const [m, k, n] of [[5, 7, 3], [66, 67, 69]] as const) {
      check(swapLast(dense([k, m])), swapLast(dense([n, k])), [m, n]);
      check(strided([m, k]), swapLast(strided([n, k], "float32")), [m, n]);
      check(swapLast(strided([k, m], "float32")), strided([k, n], "float32"), [m, n]);
    }
  });

  test("batched with broadcast batch axes", () => {
    check(dense([2, 1, 5, 6]), dense([3, 6, 7]), [2, 3, 5, 7]);
    check(strided([3, 9, 10], "float32"), dense([10, 11], "float32"), [3, 9, 11]);
    check(dense([1, 37, 40]), swapLast(dense([4, 41, 40])), [4, 37, 41]);
  });

  test("empty axes give zeros or empty results", () => {
    check(dense([3, 0]), dense([0, 4]), [3, 4]);
    check(dense([0, 5]), dense([5, 4]), [0, 4]);
  });
});

describe("binary", () => {
  const define: Record<BinaryKernel, (x: number, y: number) => number> = {
    add: (x, y) => x + y,
    sub: (x, y) => x - y,
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
    pow: (x, y) => Math.pow(x, y),
    maximum: (x, y) => Math.max(x, y),
    minimum: (x, y) => Math.min(x, y),
    atan2: (x, y) => Math.atan2(x, y),
    mulNoNan: (x, y) => (x === 0 || y === 0 ? 0 : x * y),
    equal: (x, y) => (x === y ? 1 : 0),
    less: (x, y) => (x < y ? 1 : 0),
    greater: (x, y) => (x > y ? 1 : 0),
    // mulNoNan(x, step(y)), written out.
    reluGrad: (x, y) => {
      const step = y > 0 ? 1 : 0;
      return x === 0 || step === 0 ? 0 : x * step;
    },
  };
  const ops = Object.keys(define) as BinaryKernel[];
  const broadcast = (a: Shape, b: Shape): Shape => {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => {
      const da = a[i - (n - a.length)] ?? 1;
      const db = b[i - (n - b.length)] ?? 1;
      return da === 1 ? db : da;
    });
  };
  const check = (op: BinaryKernel, a: ArrayTensor, b: ArrayTensor, outShape = broadcast(a.shape, b.shape)): void => {
    const out = ref.binary(op, a, b, outShape);
    expect(out.dtype).toBe(a.dtype === b.dtype ? a.dtype : "float64");
    const round = out.dtype === "float32" ? Math.fround : (v: number) => v;
    expectValues(out, outShape, (i) => round(define[op](at(a, i), at(b, i))));
  };

  test.each(ops)("%s on contiguous, broadcast, strided and single-value operands", (op) => {
    for (const dtype of ["float64", "float32"] as const) {
      check(op, dense([3, 5], dtype), dense([3, 5], dtype));
      check(op, dense([3, 5], dtype), dense([], dtype));
      check(op, dense([1], dtype), dense([4, 3], dtype));
      check(op, dense([3, 1, 5], dtype), dense([4, 1], dtype));
      check(op, strided([2, 3, 5], dtype), dense([5], "float64"));
      check(op, swapLast(dense([7, 3], dtype)), strided([3, 7], dtype));
      check(op, repeated(dense([2], dtype), [4, 6]), dense([4, 6], dtype));
      check(op, strided([9], dtype), repeated(dense([1], dtype), [9]));
      check(op, repeated(dense([1], dtype), [2, 3]), repeated(dense([1], dtype), [2, 3]));
      // A contiguous row repeated along the leading axes (a bias), on either side.
      check(op, dense([4, 6], dtype), dense([6], dtype));
      check(op, dense([1, 6], dtype), dense([4, 6], dtype));
      check(op, dense([2, 3, 5], dtype), dense([3, 5], "float64"));
      check(op, dense([3, 5], dtype), dense([1, 1, 5], dtype));
      check(op, dense([4, 1], dtype), dense([4, 6], dtype));
    }
  });

  test("mulNoNan: an exact zero wins over NaN and ∞, giving +0", () => {
    const a = new ArrayTensor(new Float64Array([0, -0, NaN, Infinity, 2, 1e-200, -3, 0]), [8]);
    const b = new ArrayTensor(new Float64Array([NaN, 5, 0, -0, NaN, 1e-200, -0, -4]), [8]);
    check("mulNoNan", a, b);
    check("mulNoNan", b, a);
    check("mulNoNan", a, repeated(new ArrayTensor(new Float64Array([0]), [1]), [8]));
  });
});

describe("unary", () => {
  const define: Partial<Record<UnaryKernel, (x: number) => number>> = {
    neg: (x) => -x,
    exp: Math.exp,
    sin: Math.sin,
    cos: Math.cos,
    tanh: Math.tanh,
    abs: Math.abs,
    sqrt: Math.sqrt,
  };
  test.each(Object.keys(define) as UnaryKernel[])("%s on contiguous and strided views", (op) => {
    for (const dtype of ["float64", "float32"] as const) {
      const round = dtype === "float32" ? Math.fround : (v: number) => v;
      for (const x of [dense([3, 7], dtype), strided([2, 3, 4], dtype), swapLast(dense([5, 3], dtype)), repeated(dense([1], dtype), [4])]) {
        const out = ref.unary(op, x);
        expect(out.dtype).toBe(dtype);
        expectValues(out, x.shape, (i) => round(define[op]!(at(x, i))));
      }
    }
  });
});

describe("reduce", () => {
  const naive = (op: ReduceKernel, x: ArrayTensor, axes: readonly number[]) => (outIndex: number[]): number => {
    const reducedShape = axes.map((a) => x.shape[a]!);
    let acc = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
    for (const r of indices(reducedShape)) {
      const index: number[] = [];
      for (let i = 0, kept = 0; i < x.ndim; i++) index.push(axes.includes(i) ? r[axes.indexOf(i)]! : outIndex[kept++]!);
      const v = at(x, index);
      if (op === "sum") acc += v;
      else if (Number.isNaN(v) || Number.isNaN(acc)) acc = NaN;
      else acc = op === "max" ? Math.max(acc, v) : Math.min(acc, v);
    }
    return acc;
  };
  const cases: [Shape, number[]][] = [[[7], [0]], [[3, 5], [1]], [[3, 5], [0]], [[2, 3, 4], [0, 2]], [[2, 3, 4], [0, 1, 2]], [[4, 0], [1]], [[], []]];
  test.each(["sum", "max", "min"] as const)("%s over axes of contiguous and strided views", (op) => {
    for (const dtype of ["float64", "float32"] as const) {
      for (const [shape, axes] of cases) {
        for (const x of [dense(shape, dtype), strided(shape, dtype)]) {
          const out = ref.reduce(op, x, axes);
          const outShape = shape.filter((_, i) => !axes.includes(i));
          expectValues(out, outShape, naive(op, x, axes), op === "sum" ? 1e-6 : 0);
        }
      }
    }
  });

  test("max and min propagate NaN", () => {
    const x = new ArrayTensor(new Float64Array([1, NaN, 3, 4, 5, 6]), [2, 3]);
    for (const op of ["max", "min"] as const) expectValues(ref.reduce(op, x, [1]), [2], naive(op, x, [1]));
  });
});
