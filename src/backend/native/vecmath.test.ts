/**
 * The native backend's vector math kernels (native/src/vecmath_impl.h) against correctly
 * rounded values: float64 within 2 ulp, float32 within 1 ulp, over each function's whole
 * domain including subnormals, ±0, ±∞, NaN, over- and underflow thresholds and the doubles
 * closest to multiples of π/2; pow(x, y) also over every special case of C99's pow (with
 * JavaScript's two exceptions, as the reference backend's Math.pow has them), negative bases
 * with integer exponents, and bases near 1 with large exponents. The references (vecmath-reference.json) were computed with
 * mpmath at 1200 bits by scripts/vecmath-reference.py. Every instruction set's kernels are
 * checked: the one this CPU selects in this process, AVX2 and the portable ones in child
 * processes that cap the choice with NABLA_NATIVE_ISA.
 *
 * sin, cos and tan hand |x| ≥ 1.6e6 to libm (no Payne–Hanek reduction of their own); those lanes
 * get libm's accuracy, checked here to 16 ulp: glibc 2.36's cos and tan are 8 and 14 ulp off at
 * x = 6381956970095103·2⁷⁹⁷, the double closest to a multiple of π/2 (the reference, kept in
 * the JSON, agrees with mpmath at 4000 bits).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { ulpError } from "../../../test/ulp.js";
import { DEFAULT_BINARY } from "./index.js";

interface Cases {
  x: string[];
  y: string[];
}
/** A function of two arguments: inputs x and y, correctly rounded results out. */
interface BinaryCases extends Cases {
  out: string[];
}
interface Reference {
  functions: Record<string, { float64: Cases; float32: Cases }>;
  binary: Record<string, { float64: BinaryCases; float32: BinaryCases }>;
}
type Floats = Float64Array | Float32Array;
interface Addon {
  isa: string;
  unaryOps: readonly string[];
  binaryOps: readonly string[];
  unary(op: number, x: Floats, xo: number, out: Floats, n: number): void;
  binary(op: number, a: Floats, ao: number, as: number, b: Floats, bo: number, bs: number, out: Floats, oo: number, n: number): void;
}

const referencePath = fileURLToPath(new URL("./vecmath-reference.json", import.meta.url));
const reference = JSON.parse(readFileSync(referencePath, "utf8")) as Reference;
const FUNCTIONS = [...Object.keys(reference.functions), ...Object.keys(reference.binary)];

/** A function's inputs (one list per argument) and correctly rounded results. */
function casesOf(name: string, dtype: "float64" | "float32"): { args: number[][]; want: string[] } {
  const binary = reference.binary[name];
  if (binary) return { args: [binary[dtype].x.map(Number), binary[dtype].y.map(Number)], want: binary[dtype].out };
  const { x, y } = reference.functions[name]![dtype];
  return { args: [x.map(Number)], want: y };
}

function loadAddon(): Addon | undefined {
  try {
    return createRequire(import.meta.url)(DEFAULT_BINARY) as Addon;
  } catch {
    return undefined;
  }
}
const addon = loadAddon();


/** Where a function's lanes go to libm instead of the vector path (see vecmath_impl.h). */
const toLibm = (name: string, x: number): boolean => ["sin", "cos", "tan"].includes(name) && Math.abs(x) >= 1.6e6;

/** Worst errors in ulp: float64 on the vector path, float32, float64 on libm's lanes. */
type Worst = [f64: number, f32: number, f64Libm: number];

function worstErrors(run: (name: string, dtype: "float64" | "float32", args: number[][]) => ArrayLike<number>): Record<string, Worst> {
  const worst: Record<string, Worst> = {};
  for (const name of FUNCTIONS) {
    const w: Worst = [0, 0, 0];
    for (const dtype of ["float64", "float32"] as const) {
      const { args, want: y } = casesOf(name, dtype);
      const xs = args[0]!;
      const out = run(name, dtype, args);
      for (let i = 0; i < xs.length; i++) {
        const want = dtype === "float32" ? Math.fround(Number(y[i])) : Number(y[i]);
        const slot = dtype === "float32" ? 1 : toLibm(name, xs[i]!) ? 2 : 0;
        w[slot] = Math.max(w[slot], ulpError(out[i]!, want, dtype === "float32"));
      }
    }
    worst[name] = w;
  }
  return worst;
}

/**
 * tanh's table kernel (AVX-512 and AVX2: expm1 from 2^(j/16) and a corrected quotient) is held
 * to 1 ulp on its dense set, where fdlibm's (the portable build's) reaches the 2 of the rest.
 */
const f64Bound = (name: string, isa: string): number => (name === "tanh" && isa !== "generic" ? 1 : 2);

function expectWithinBounds(worst: Record<string, Worst>, isa: string): void {
  for (const [name, [f64, f32, f64Libm]] of Object.entries(worst)) {
    expect(f64, `${name} float64 (${isa})`).toBeLessThanOrEqual(f64Bound(name, isa));
    expect(f32, `${name} float32 (${isa})`).toBeLessThanOrEqual(1);
    expect(f64Libm, `${name} float64 beyond 1.6e6, libm (${isa})`).toBeLessThanOrEqual(16);
  }
}

function runOn(a: Addon): (name: string, dtype: "float64" | "float32", args: number[][]) => ArrayLike<number> {
  return (name, dtype, args) => {
    const [x, y] = args.map((v) => (dtype === "float64" ? Float64Array.from(v) : Float32Array.from(v)));
    const n = x!.length;
    const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    if (y) a.binary(a.binaryOps.indexOf(name), x!, 0, 1, y, 0, 1, out, 0, n);
    else a.unary(a.unaryOps.indexOf(name), x!, 0, out, n);
    return out;
  };
}

describe.runIf(addon !== undefined)("native vector math kernels", () => {
  test("float64 within 2 ulp and float32 within 1 ulp of the correctly rounded result", () => {
    expectWithinBounds(worstErrors(runOn(addon!)), addon!.isa);
  });

  test("pow with one operand repeated (stride 0) gives what the full arrays give, float64 and float32", () => {
    const { x, y } = reference.binary["pow"]!.float64;
    const pow = (a: Floats, as: number, b: Floats, bs: number, out: Floats): Floats => {
      addon!.binary(addon!.binaryOps.indexOf("pow"), a, 0, as, b, 0, bs, out, 0, out.length);
      return out;
    };
    for (const T of [Float64Array, Float32Array]) {
      const xs = T.from(x.slice(0, 37).map(Number)), ys = T.from(y.slice(0, 37).map(Number));
      for (const e of [2, -0.5, 3, -1, NaN]) {
        const repeated = new T(37).fill(e);
        expect(Array.from(pow(xs, 1, T.of(e), 0, new T(37))), `x^${e}`).toEqual(Array.from(pow(xs, 1, repeated, 1, new T(37))));
        expect(Array.from(pow(T.of(e), 0, ys, 1, new T(37))), `${e}^y`).toEqual(Array.from(pow(repeated, 1, ys, 1, new T(37))));
      }
    }
  });

  test("pow's exponents 2, 1, −1 and ½ give x·x, x, 1/x and √x bit for bit (correctly rounded)", () => {
    const xs = Float64Array.from(reference.binary["pow"]!.float64.x.map(Number));
    // IEEE's √ of −0 and −∞ are −0 and NaN, where pow's are +0 and +∞.
    const sqrt = (v: number): number => (Object.is(v, -0) ? 0 : v === -Infinity ? Infinity : Math.sqrt(v));
    const exact: [number, (v: number) => number][] = [[2, (v) => v * v], [1, (v) => v], [-1, (v) => 1 / v], [0.5, sqrt]];
    for (const [e, f] of exact) {
      const out = new Float64Array(xs.length);
      addon!.binary(addon!.binaryOps.indexOf("pow"), xs, 0, 1, Float64Array.of(e), 0, 0, out, 0, xs.length);
      xs.forEach((v, i) => {
        if (!Object.is(out[i], f(v))) expect.fail(`pow(${v}, ${e}) is ${out[i]}, not ${f(v)}`);
      });
    }
  });

  test("in place and on lengths that leave a partial vector", () => {
    const x = Float64Array.from(reference.functions["sin"]!.float64.x.slice(0, 13).map(Number));
    const expected = new Float64Array(13);
    addon!.unary(addon!.unaryOps.indexOf("sin"), x, 0, expected, 13);
    addon!.unary(addon!.unaryOps.indexOf("sin"), x, 0, x, 13);
    expect(Array.from(x)).toEqual(Array.from(expected));
  });

  test.each(["avx2", "generic"])("the %s kernels too (a child process capped with NABLA_NATIVE_ISA)", (isa) => {
    // The child prints its outputs as hex of the raw bytes; the checks run here.
    const script = `
      const addon = require(${JSON.stringify(DEFAULT_BINARY)});
      const ref = require(${JSON.stringify(referencePath)});
      const out = {};
      for (const [name, c] of [...Object.entries(ref.functions), ...Object.entries(ref.binary)]) {
        for (const dtype of ["float64", "float32"]) {
          const T = dtype === "float64" ? Float64Array : Float32Array;
          const x = T.from(c[dtype].x.map(Number)), o = new T(x.length);
          if (name in ref.binary) addon.binary(addon.binaryOps.indexOf(name), x, 0, 1, T.from(c[dtype].y.map(Number)), 0, 1, o, 0, x.length);
          else addon.unary(addon.unaryOps.indexOf(name), x, 0, o, x.length);
          out[name + "/" + dtype] = Buffer.from(o.buffer).toString("hex");
        }
      }
      console.log(JSON.stringify({ isa: addon.isa, out }));`;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, NABLA_NATIVE_ISA: isa } });
    expect(run.status, run.stderr).toBe(0);
    const { isa: chosen, out } = JSON.parse(run.stdout) as { isa: string; out: Record<string, string> };
    expect(["avx2", "generic"]).toContain(chosen);
    const worst = worstErrors((name, dtype) => {
      const bytes = Buffer.from(out[`${name}/${dtype}`]!, "hex");
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return dtype === "float64" ? new Float64Array(buffer) : new Float32Array(buffer);
    });
    expectWithinBounds(worst, chosen);
  });
});
