/**
 * Property-based tests (fast-check): random programs composed from the primitive table agree
 * in reverse mode, forward mode and finite differences, and their Taylor coefficients agree
 * with nested derivatives; parse∘print is the identity and simplify keeps values; model files
 * and CSV text round-trip; random garbage into every loader and the parser gives nabla's own
 * error, never another.
 *
 * In the suite this runs a fixed seed in a few seconds. `npm run fuzz` runs it with a fresh
 * seed and 300 times the cases (about half a minute), printing the seed; rerun a failure with
 * `NABLA_FUZZ_SEED=<seed> npm run fuzz` (NABLA_FUZZ_SCALE sets the multiplier).
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { type Primitive, bind, primitives } from "../src/ops/core.js";

const FUZZ = process.env.NABLA_FUZZ === "1";
const SEED = Number(process.env.NABLA_FUZZ_SEED ?? (FUZZ ? Date.now() % 2 ** 31 : 14));
const SCALE = FUZZ ? Number(process.env.NABLA_FUZZ_SCALE ?? 300) : 1;
const TIMEOUT = FUZZ ? 3_600_000 : 60_000;
if (FUZZ) console.log(`fuzz: seed ${SEED}, ${SCALE}× the suite's cases (rerun with NABLA_FUZZ_SEED=${SEED} npm run fuzz)`);

/** fast-check's settings for one property: the run's seed, `runs` cases scaled for fuzzing. */
const settings = (runs: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs * SCALE, endOnFailure: true });

// ---------------------------------------------------------------------------------------------
// Random programs from the primitive table.

const byName = (name: string): Primitive<undefined> => {
  const p = primitives.find((q) => q.name === name);
  if (!p) throw new Error(`no primitive ${name}`);
  return p as unknown as Primitive<undefined>;
};

/** Smooth elementwise primitives, with the map that brings any real input into their domain. */
const squash = (h: nb.Tensor): nb.Tensor => nb.mul(2, nb.tanh(h));
const DOMAIN_MAPS: Record<string, (h: nb.Tensor) => nb.Tensor> = {
  real: squash,
  positive: (h) => nb.add(0.5, nb.sigmoid(h)),
  unit: (h) => nb.mul(0.8, nb.tanh(h)),
};
const UNARY = primitives.filter((p) => p.check.cases[0]!.shapes.length === 1 && !p.nondifferentiable && p.check.cases[0]!.shapes[0]!.length === 0 && p.check.domain in DOMAIN_MAPS);
const BINARY = ["add", "sub", "mul", "div", "atan2", "pow"].map(byName);

interface Step {
  prim: Primitive<undefined>;
  /** Shape of the constant operand of a binary step (broadcast against the running value). */
  constantShape: number[];
  constant: number[];
}

/** Shapes that broadcast against [2, 3]: every axis 1 or its length, maybe fewer axes. */
const broadcastShape = fc.constantFrom<number[]>([], [1], [3], [1, 3], [2, 1], [2, 3], [1, 1]);
const stepArb: fc.Arbitrary<Step> = fc.record({
  prim: fc.constantFrom(...(UNARY as unknown as Primitive<undefined>[]), ...BINARY),
  constantShape: broadcastShape,
  constant: fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 6, maxLength: 6 }),
});

/** The program: each step maps the running value into the primitive's domain and applies it. */
function program(steps: readonly Step[]): (x: nb.Tensor) => nb.Tensor {
  return (x) => {
    let h = x;
    for (const { prim, constantShape, constant } of steps) {
      const into = DOMAIN_MAPS[prim.check.domain] ?? squash;
      if (prim.check.cases[0]!.shapes.length === 1) h = bind(prim, [into(h)], undefined);
      else {
        const size = constantShape.reduce((a, b) => a * b, 1);
        const c = nb.tensor(constant.slice(0, size), { shape: constantShape, dtype: x.dtype });
        // Divisors and bases stay away from zero; exponents and the rest are any real.
        const right = prim.name === "div" || prim.name === "atan2" ? nb.add(2, nb.tanh(c)) : c;
        h = bind(prim, prim.name === "pow" ? [nb.add(0.5, nb.sigmoid(h)), right] : [into(h), right], undefined);
      }
    }
    return nb.sum(h);
  };
}

const point = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 });

describe("random programs from the primitive table", () => {
  test("reverse mode = forward mode = central differences (float64), and float32 follows float64", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 5 }), point, (steps, values) => {
        const f = program(steps);
        const x = nb.tensor(values.slice(0, 6), { shape: [2, 3] });
        const v = nb.tensor(values.slice(6), { shape: [2, 3] });
        const g = nb.grad(f)(x) as nb.Tensor;
        const reverse = nb.sum(nb.mul(g, v)).item();
        const forward = nb.jvp(f, [x], [v])[1].item();
        const eps = 1e-5;
        const central = (f(nb.add(x, nb.mul(eps, v))).item() - f(nb.sub(x, nb.mul(eps, v))).item()) / (2 * eps);
        const scale = Math.max(1, Math.abs(reverse));
        expect(Math.abs(reverse - forward)).toBeLessThanOrEqual(1e-10 * scale);
        expect(Math.abs(reverse - central)).toBeLessThanOrEqual(1e-5 * scale);
        const g32 = nb.grad(f)(nb.tensor(x, { dtype: "float32" })) as nb.Tensor;
        expect(g32.dtype).toBe("float32");
        const gScale = Math.max(1, nb.max(nb.abs(g)).item());
        expect(nb.max(nb.abs(nb.sub(g32, g))).item()).toBeLessThanOrEqual(2e-3 * gScale);
      }),
      settings(40),
    );
  }, TIMEOUT);

  test("Taylor coefficients × k! = nested derivatives, to third order", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 4 }), fc.double({ min: -2, max: 2, noNaN: true }), (steps, x0) => {
        const scalarSteps = steps.map((s) => ({ ...s, constantShape: [] }));
        const f = program(scalarSteps);
        const taylor = nb.derivatives(f, x0, 3);
        const d1 = nb.grad(f);
        const d2 = nb.grad(d1);
        const d3 = nb.grad(d2);
        const nested = [f(nb.scalar(x0)).item(), d1(x0) as number, d2(x0) as number, d3(x0) as number];
        taylor.forEach((t, k) => expect(Math.abs(t - nested[k]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(nested[k]!))));
      }),
      settings(30),
    );
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------
// Expressions.

const FUNCTIONS = ["sin", "cos", "tanh", "exp", "atan", "sigmoid", "softplus", "erf"] as const;
const exprArb: fc.Arbitrary<nb.ExprNode> = fc.letrec<{ node: nb.ExprNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 5, depthIdentifier: "expr" },
    fc.oneof(
      fc.integer({ min: 0, max: 5 }).map((value): nb.ExprNode => ({ kind: "number", value })),
      fc.constantFrom(0.5, 1.25, 2.5, 1e-3).map((value): nb.ExprNode => ({ kind: "number", value })),
      fc.constantFrom("x", "y").map((name): nb.ExprNode => ({ kind: "variable", name })),
      fc.constantFrom("pi" as const, "e" as const).map((name): nb.ExprNode => ({ kind: "constant", name })),
    ),
    tie("node").map((arg): nb.ExprNode => ({ kind: "neg", arg })),
    fc.tuple(fc.constantFrom("+", "-", "*", "/", "^") as fc.Arbitrary<nb.BinaryOp>, tie("node"), tie("node")).map(([op, left, right]): nb.ExprNode => ({ kind: "binary", op, left, right })),
    fc.tuple(fc.constantFrom(...FUNCTIONS), tie("node")).map(([fn, arg]): nb.ExprNode => ({ kind: "call", fn, args: [arg] })),
  ),
})).node;

describe("expressions", () => {
  test("print then parse gives back the tree's text and its values", () => {
    fc.assert(
      fc.property(exprArb, fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (node, x, y) => {
        const expr = new nb.Expr(node);
        const text = expr.toString();
        const again = nb.parse(text);
        expect(again.toString()).toBe(text);
        const [a, b] = [expr.evaluate({ x, y }), again.evaluate({ x, y })];
        expect(Object.is(a, b) || a === b).toBe(true);
      }),
      settings(200),
    );
  }, TIMEOUT);

  test("simplify keeps the value wherever every subexpression is finite", () => {
    // Simplification is real (rational) arithmetic: it does not keep IEEE signed zeros,
    // infinities or the digits rounding loses (1.25/(-0) inside sigmoid, 0.99·x/(−x) at a
    // subnormal x, cos of 10¹⁸³ all change). So the points are multiples of 1/8 and every
    // subexpression stays between 10⁻⁶ and 10⁶ in size (or is 0): well-conditioned values.
    const usual = (v: number): boolean => Number.isFinite(v) && !Object.is(v, -0) && (v === 0 || (Math.abs(v) > 1e-6 && Math.abs(v) < 1e6));
    const finiteEverywhere = (node: nb.ExprNode, at: Record<string, number>): boolean =>
      usual(new nb.Expr(node).evaluate(at)) &&
      (node.kind === "neg" ? [node.arg] : node.kind === "binary" ? [node.left, node.right] : node.kind === "call" ? node.args : []).every((c) => finiteEverywhere(c, at));
    const eighth = fc.integer({ min: -16, max: 16 }).map((k) => k / 8);
    fc.assert(
      fc.property(exprArb, eighth, eighth, (node, x, y) => {
        const expr = new nb.Expr(node);
        const before = expr.evaluate({ x, y });
        fc.pre(finiteEverywhere(node, { x, y }));
        const simplified = expr.simplify();
        const vars = Object.fromEntries(simplified.variables().map((n) => [n, n === "x" ? x : y]));
        const after = simplified.evaluate(vars);
        expect(Math.abs(after - before)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(before)));
      }),
      settings(200),
    );
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------
// Round trips.

const ACTIVATIONS = [() => new nb.nn.ReLU(), () => new nb.nn.Tanh(), () => new nb.nn.GELU(), () => new nb.nn.Sigmoid(), () => new nb.nn.SiLU()];

describe("round trips", () => {
  test("model files: save then load gives the same outputs, bit for bit", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 }), fc.nat(4), fc.nat(1000), (sizes, act, seed) => {
        const layers: nb.nn.Module[] = [];
        for (let i = 0; i + 1 < sizes.length; i++) {
          layers.push(new nb.nn.Linear(sizes[i]!, sizes[i + 1]!, { seed: seed + i }));
          if (i + 2 < sizes.length) layers.push(ACTIVATIONS[act]!());
        }
        const model = new nb.nn.Sequential(...layers);
        const copy = nb.nn.modelFromJson(nb.nn.modelToJson(model));
        const x = nb.randn([3, sizes[0]!], { seed });
        expect(Array.from(copy.forward(x).values())).toEqual(Array.from(model.forward(x).values()));
      }),
      settings(30),
    );
  }, TIMEOUT);

  test("CSV: numbers written with String() and names with quotes read back exactly", () => {
    const name = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() === s && s.trim() !== "" && !/[\r\n"]/.test(s) && !Number.isFinite(Number(s)));
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 4 }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 40 }), (columns, values) => {
        const rows: number[][] = [];
        for (let i = 0; i + columns.length <= values.length; i += columns.length) rows.push(values.slice(i, i + columns.length));
        if (rows.length === 0) return;
        const quote = (s: string) => (s.includes(",") ? `"${s}"` : s);
        const text = [columns.map(quote).join(","), ...rows.map((r) => r.map(String).join(","))].join("\n");
        const table = nb.data.parseCsv(text, { header: true });
        expect(table.columns).toEqual(columns);
        expect(table.rows.map((r) => r.map((v) => (Object.is(v, -0) ? 0 : v)))).toEqual(rows.map((r) => r.map((v) => (Object.is(v, -0) ? 0 : v))));
      }),
      settings(100),
    );
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------
// Garbage in: only nabla's errors come out.

/** Runs f; passes when it returns or throws a NablaError (ParseError included). */
function onlyNablaErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof nb.NablaError)) throw new Error(`expected a NablaError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
}

const TOKENS = ["x", "y", "(", ")", "+", "-", "*", "/", "^", "**", ",", " ", "sin", "pow", "2", "1e3", ".5", "e", "pi", "valueOf", "constructor", "__proto__", "#", "2x", "(("];
const validModel = JSON.parse(nb.nn.modelToJson(new nb.nn.Sequential(new nb.nn.Linear(2, 3, { seed: 1 }), new nb.nn.ReLU(), new nb.nn.Linear(3, 1, { seed: 2 })))) as Record<string, unknown>;

/** A copy of `doc` with the value at one path (a list of keys and indices) replaced. */
function mutate(doc: unknown, path: readonly number[], value: unknown): unknown {
  if (path.length === 0 || typeof doc !== "object" || doc === null) return value;
  const keys = Object.keys(doc);
  const key = keys[path[0]! % keys.length]!;
  const copy = (Array.isArray(doc) ? [...doc] : { ...doc }) as Record<string, unknown>;
  copy[key] = mutate(copy[key], path.slice(1), value);
  return copy;
}

describe("garbage into the parser and every loader", () => {
  test("the parser: random text and random token soup", () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((ts) => ts.join(""));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), soup), (src) => onlyNablaErrors(() => {
      const e = nb.parse(src);
      e.toString();
      e.diff(e.variables()[0] ?? "x").simplify();
    })), settings(300));
  }, TIMEOUT);

  test("model files: random text, and a valid file with one value replaced by random JSON", () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => onlyNablaErrors(() => nb.nn.modelFromJson(text))), settings(100));
    fc.assert(
      fc.property(fc.array(fc.nat(20), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), (path, value) => onlyNablaErrors(() => {
        const model = nb.nn.modelFromJson(JSON.stringify(mutate(validModel, path, value)));
        model.forward(nb.ones([1, 2]));
      })),
      settings(200),
    );
  }, TIMEOUT);

  test("safetensors: random bytes, and a valid file with random bytes overwritten", () => {
    const valid = nb.io.encodeSafetensors({ a: nb.ones([2, 3]), b: nb.zeros([4], { dtype: "float32" }) }, { k: "v" });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => onlyNablaErrors(() => nb.io.decodeSafetensors(bytes))), settings(100));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => onlyNablaErrors(() => {
        const bytes = valid.slice();
        for (const [at, value] of edits) bytes[at] = value;
        nb.io.decodeSafetensors(bytes);
      })),
      settings(300),
    );
  }, TIMEOUT);

  test("CSV text: random text, and tables with random cells", () => {
    const cell = fc.oneof(fc.constantFrom("1", "-2.5", "", " ", "nan", "1e400", '"', '""', "a,b", "\r"), fc.string({ maxLength: 4 }));
    const table = fc.array(fc.array(cell, { maxLength: 4 }).map((cs) => cs.join(",")), { maxLength: 6 }).map((ls) => ls.join("\n"));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }), table), (text) => onlyNablaErrors(() => nb.data.fromCsv(text))), settings(200));
  }, TIMEOUT);
});
