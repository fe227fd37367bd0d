/**
 * The native linear-algebra kernels with the GEMM's worker threads: at n = 1024 the trailing
 * updates (C −= A·B in place, C a block of the matrix with its row stride) are split across
 * threads, by columns for LU's square updates and by rows for Cholesky's narrow left-looking
 * ones. Each thread computes its share with the same arithmetic, so the factors and the
 * inverse must equal the single-threaded ones exactly; the inverse is also held to A·A⁻¹ = I.
 * (test/backends.test.ts holds every kernel to the reference at sizes below the threads' threshold.)
 */
import { describe, expect, test } from "vitest";
import { ArrayTensor } from "../../tensor/tensor.js";
import { loadNativeBackend, setNativeThreads } from "./index.js";
import type { Backend } from "../interface.js";

function load(): Backend | undefined {
  try {
    return loadNativeBackend();
  } catch {
    return undefined;
  }
}

const native = load();

describe.skipIf(native === undefined)("native linalg kernels on worker threads", () => {
  test("cholesky, lu and luInverse at n = 1024 equal their single-threaded results", () => {
    const be = native!;
    const n = 1024;
    const x = new Float64Array(n * n);
    let s = 7;
    for (let i = 0; i < x.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      x[i] = s / 2 ** 32 - 0.5;
    }
    const xt = new ArrayTensor(x, [n, n]);
    const gram = be.matmul(xt, new ArrayTensor(x, [n, n], [1, n]), [n, n]).contiguousData(true) as Float64Array;
    for (let i = 0; i < n; i++) gram[i * n + i] = gram[i * n + i]! + n / 4;
    const a = new ArrayTensor(gram, [n, n]);
    const run = (threads: number) => {
      const previous = setNativeThreads(threads);
      try {
        const f = be.lu(a);
        return { l: be.cholesky(a).factor.contiguousData(false), lu: f.lu.contiguousData(false), inv: be.luInverse(f, "float64") };
      } finally {
        setNativeThreads(previous);
      }
    };
    const one = run(1), two = run(2);
    expect(Array.from(two.l)).toEqual(Array.from(one.l));
    expect(Array.from(two.lu)).toEqual(Array.from(one.lu));
    expect(Array.from(two.inv.contiguousData(false))).toEqual(Array.from(one.inv.contiguousData(false)));
    const product = be.matmul(a, two.inv, [n, n]).contiguousData(false);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(product[i * n + j]! - (i === j ? 1 : 0)));
    expect(worst).toBeLessThan(1e-12);
  });
});
