/**
 * A function inside a native fused chain (native/src/chain_impl.h) is computed in the chain's
 * registers by its vector kernel's own code, so a fused loop must give the eager kernels' bits:
 * for every unary kernel f (those without a vector kernel run as a pass of their own), f heading
 * a chain, f(x)·y + s, f inside one, −f(x·y), and f before a second function, sigmoid(f(x))·y
 * (a chain takes one function), each into a fresh array and over x; float64 and float32,
 * on a length with a ragged last block (3001) and on one that the threads split (70001), over
 * inputs that reach every kernel's libm lanes (NaN, ±∞, ±0, subnormals, exp's overflow, sin's
 * |x| ≥ 1.6e6). Equal means the same value with the same sign of zero: of two NaN operands
 * (x and y meet NaN at the same elements here) which one a product keeps is the compiler's
 * choice of operand order, which IEEE 754 leaves open. Each instruction set's chains are
 * checked in a child process (capped with NABLA_NATIVE_ISA, as vecmath.test.ts does) that
 * loads the built dist/ (npm test builds first).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import "../../node.js";
import { registeredBackends } from "../registry.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const hasNative = registeredBackends().some((b) => b.name === "native");

// Prints {isa, checked, mismatches}: each mismatch names the kernel, program, dtype, length and
// the first element whose bytes differ.
const script = `
  const dist = ${JSON.stringify(`${root}/dist`)};
  await import(dist + "/node.js");
  const { registeredBackends } = await import(dist + "/backend/registry.js");
  const { UNARY_KERNELS } = await import(dist + "/backend/interface.js");
  const { ArrayTensor } = await import(dist + "/tensor/tensor.js");
  const { nativeIsa } = await import(dist + "/backend/native/index.js");
  const be = registeredBackends().find((b) => b.name === "native");
  const specials = [0, -0, NaN, Infinity, -Infinity, 5e-324, -2.5e-310, 1e-300, 750, -750, 2e6, -3.3e7, 30, 0.5, -1];
  const data = (n, dtype, seed) => {
    const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    let s = seed;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = i % 23 === 7 ? specials[(i / 23 | 0) % specials.length] : (s / 2 ** 32) * 8 - 4;
    }
    return out;
  };
  const mismatches = [];
  let checked = 0;
  for (const dtype of ["float64", "float32"]) {
    for (const n of [3001, 70001]) {
      const x = data(n, dtype, 1), y = data(n, dtype, 2), s = dtype === "float64" ? Float64Array.of(0.75) : Float32Array.of(0.75);
      const t = (a) => new ArrayTensor(a, [a.length]);
      const full = { dtype, access: "full" };
      for (const f of UNARY_KERNELS) {
        const programs = [
          ["f(x)·y + s", [{ op: "unary", kernel: f, x: 0, dtype }, { op: "binary", kernel: "mul", x: 3, y: 1, dtype }, { op: "binary", kernel: "add", x: 4, y: 2, dtype }],
           () => be.binary("add", be.binary("mul", be.unary(f, t(x)), t(y), [n]), t(s), [n])],
          ["−f(x·y)", [{ op: "binary", kernel: "mul", x: 0, y: 1, dtype }, { op: "unary", kernel: f, x: 3, dtype }, { op: "unary", kernel: "neg", x: 4, dtype }],
           () => be.unary("neg", be.unary(f, be.binary("mul", t(x), t(y), [n])))],
          // Two functions: a chain takes one, so this one splits.
          ["sigmoid(f(x))·y", [{ op: "unary", kernel: f, x: 0, dtype }, { op: "unary", kernel: "sigmoid", x: 3, dtype }, { op: "binary", kernel: "mul", x: 4, y: 1, dtype }],
           () => be.binary("mul", be.unary("sigmoid", be.unary(f, t(x))), t(y), [n])],
        ];
        for (const [what, steps, eager] of programs) {
          const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
          const spec = { operands: [full, full, { dtype, access: "scalar" }], steps, stores: [5], sums: [] };
          be.fusedLoop(spec)([x, y, s], [0, 0, 0], [null, null, null], [out], new Float64Array(0), n);
          const want = eager().contiguousData(false);
          // And written over x, as a donated buffer is: each element is read before it is stored.
          const overX = x.slice();
          be.fusedLoop(spec)([overX, y, s], [0, 0, 0], [null, null, null], [overX], new Float64Array(0), n);
          for (const [where, got] of [["", out], [" (over x)", overX]]) {
            checked++;
            const i = got.findIndex((v, k) => !Object.is(v, want[k]));
            if (i >= 0) {
              mismatches.push(f + " in " + what + where + ", " + dtype + ", n = " + n + ": element " + i + " (x = " + x[i] + ", y = " + y[i] + ") is " + got[i] + ", eager " + want[i]);
            }
          }
        }
      }
    }
  }
  console.log(JSON.stringify({ isa: nativeIsa(), checked, mismatches }));`;

describe.runIf(hasNative)("a function in a fused chain gives its eager kernel's bits", () => {
  test.each(["this CPU's", "avx2", "generic"])("%s kernels", (isa) => {
    const env = { ...process.env };
    if (isa === "avx2" || isa === "generic") env["NABLA_NATIVE_ISA"] = isa;
    else delete env["NABLA_NATIVE_ISA"];
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env });
    expect(run.status, run.stderr).toBe(0);
    const { isa: chosen, checked, mismatches } = JSON.parse(run.stdout) as { isa: string; checked: number; mismatches: string[] };
    if (isa !== "this CPU's") expect(["avx2", "generic"]).toContain(chosen);
    expect(checked).toBeGreaterThan(100);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
