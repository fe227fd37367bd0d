/**
 * Hostile but realistic inputs get the library's own error (NablaError/ParseError, one clear
 * line), never a TypeError, a RangeError, a stack overflow, a hang or a silently wrong answer.
 * One test per class of hole found by throwing ~3,800 such inputs at nabla (issue 14).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { refusal } from "./helpers.js";

describe("expressions", () => {
  test.each(["valueOf(x)", "toString(x)", "constructor(x)", "__proto__(x)", "hasOwnProperty(x)", "isPrototypeOf(x, y)"])(
    "a name that lives on Object.prototype is an unknown function: %s",
    (src) => expect(refusal(() => nb.parse(src))).toContain("unknown function"),
  );
  test("−0 keeps its sign through print and parse (found by the property tests)", () => {
    const e = new nb.Expr({ kind: "binary", op: "/", left: { kind: "number", value: 1 }, right: { kind: "number", value: -0 } });
    expect(e.toString()).toBe("1/(-0)");
    expect(nb.parse(e.toString()).evaluate({})).toBe(-Infinity);
  });
  test("such names are ordinary variables when not called", () => {
    const e = nb.parse("constructor + valueOf*2");
    expect(e.variables()).toEqual(["constructor", "valueOf"]);
    expect(e.evaluate({ constructor: 1, valueOf: 3 })).toBe(7);
    expect(refusal(() => e.evaluate({}))).toContain("no value given for constructor, valueOf");
  });
  test.each([
    ["parentheses", "(".repeat(5000) + "x" + ")".repeat(5000)],
    ["signs", "-".repeat(100_000) + "x"],
    ["powers", "x^".repeat(20_000) + "x"],
    ["a flat sum", Array(100_000).fill("x").join("+")],
    ["calls", "sin(".repeat(2000) + "x" + ")".repeat(2000)],
  ])("a tree deeper than the limit is a ParseError, not a stack overflow: %s", (_label, src) => {
    expect(() => nb.parse(src)).toThrow(nb.ParseError);
    expect(refusal(() => nb.parse(src))).toContain(`more than ${nb.MAX_EXPRESSION_DEPTH} deep`);
  });
  test("an expression at the depth limit prints, evaluates, differentiates and simplifies", () => {
    const n = nb.MAX_EXPRESSION_DEPTH;
    const sum = nb.parse(Array(n).fill("x").join(" + "));
    expect(sum.evaluate({ x: 0.5 })).toBe(n / 2);
    expect(nb.parse(sum.toString()).toString()).toBe(sum.toString());
    expect(sum.diff("x").simplify().evaluate({ x: 3 })).toBe(n);
    const nested = nb.parse("-".repeat(n - 1) + "x");
    expect(nested.evaluate({ x: 2 })).toBe(n % 2 === 1 ? 2 : -2);
    expect(nested.toLatex().length).toBeGreaterThan(n);
  });
});

describe("tensor sizes", () => {
  afterEach(() => void nb.config({ maxTensorBytes: 2 ** 31 }));
  test("a huge shape is refused before allocating, in the maxDenseBytes style", () => {
    const m = refusal(() => nb.zeros([1e6, 1e6]));
    expect(m).toBe(
      "zeros: a float64 tensor of shape [1000000, 1000000] = 1.00e+12 elements would take 7.3 TiB, over the limit of 2.0 GiB " +
        "set by nb.config({ maxTensorBytes }); use a smaller shape or raise maxTensorBytes",
    );
    // 8 GiB would succeed in a 64-bit process (lazily zeroed pages) and then exhaust memory.
    expect(refusal(() => nb.randn([2 ** 28, 4]))).toContain("8.0 GiB");
    expect(refusal(() => nb.ones([2 ** 53, 2 ** 53]))).toContain("over the limit");
  });
  test("results of ops are checked too (broadcasting, matmul)", () => {
    expect(refusal(() => nb.add(nb.zeros([100_000, 1]), nb.zeros([1, 100_000])))).toContain("74.5 GiB");
    expect(refusal(() => nb.matmul(nb.zeros([100_000, 1]), nb.zeros([1, 100_000])))).toContain("over the limit");
  });
  test("the limit is a setting; float32 counts four bytes", () => {
    nb.config({ maxTensorBytes: 1024 });
    expect(nb.zeros([256], { dtype: "float32" }).size).toBe(256);
    expect(refusal(() => nb.zeros([129]))).toContain("1.0 KiB");
    expect(refusal(() => nb.config({ maxTensorBytes: Number.NaN }))).toContain("positive number of bytes");
  });
  test("too many axes", () => {
    expect(refusal(() => nb.zeros(new Array(65).fill(1)))).toContain("at most 64 axes");
  });
});

describe("derivatives and gradients", () => {
  test("derivatives past order 170 say why instead of returning -Infinity or NaN", () => {
    const d = nb.derivatives((x) => nb.exp(x), 0, 170);
    expect(d.every((v) => Math.abs(v - 1) < 1e-12)).toBe(true);
    expect(refusal(() => nb.derivatives((x) => nb.exp(x), 0, 171))).toContain("k! overflows float64");
    const p = nb.taylor((x) => nb.exp(x), 0, 200);
    expect(p.coefficients).toHaveLength(201);
    expect(p.derivatives).toHaveLength(171);
    expect(p.derivatives.every(Number.isFinite)).toBe(true);
  });
  test("an order that would run for hours is refused", () => {
    expect(refusal(() => nb.taylor((x) => nb.exp(x), 0, 1e9))).toContain("past the limit of 1000");
    expect(refusal(() => nb.derivatives((x) => nb.exp(x), Number.NaN, 2))).toContain("finite");
  });
  test("grad of x⁰ is 0 everywhere, at 0 included (JAX and PyTorch agree)", () => {
    expect(nb.grad((x) => nb.pow(x, 0))(0)).toBe(0);
    expect(nb.grad(nb.grad((x) => nb.pow(x, 0)))(0)).toBe(0);
    expect(nb.jvp((x) => nb.pow(x, 0), [0], [1])[1].item()).toBe(0);
    expect(nb.grad((x) => nb.pow(x, 2))(0)).toBe(0);
    expect(nb.grad(nb.grad((x) => nb.pow(x, 2)))(0)).toBe(2);
  });
  test("a __proto__ key is kept as data in pytrees", () => {
    const params = JSON.parse('{"__proto__": 2, "a": 1}') as Record<string, number>;
    const g = nb.grad((p: Record<string, nb.Tensor>) => nb.add(nb.square(p["__proto__"]!), p["a"]!))(params) as Record<string, number>;
    expect(Object.keys(g)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(g)).toBe(Object.prototype);
    expect(g["__proto__"]).toBe(4);
    expect(g["a"]).toBe(1);
  });
});

describe("options are validated at every entry point", () => {
  const bowl = (x: nb.Tensor) => nb.sum(nb.square(x));
  test.each([
    [{ maxIter: -1 }, "maxIter must be an integer ≥ 1, got -1"],
    [{ maxIter: 2.5 }, "maxIter must be an integer ≥ 1"],
    [{ tol: Number.NaN }, "tol must be a finite number ≥ 0, got NaN"],
    [{ tol: -1 }, "tol must be a finite number ≥ 0"],
    [{ method: "gd", lr: Infinity }, "lr must be a finite positive number"],
    [{ method: "adam", lr: -0.1 }, "lr must be a finite positive number"],
    [{ method: "momentum", momentum: 1.5 }, "momentum must be in [0, 1)"],
    [{ method: "constructor" }, 'unknown method "constructor"'],
    [{ method: "toString" }, 'unknown method "toString"'],
    [{ bounds: { lower: [2], upper: [1] } }, "lower = 2 > upper = 1"],
    [{ bounds: { lower: Number.NaN } }, "or NaN"],
  ] as [nb.MinimizeOptions, string][])("minimize %j", (options, message) => {
    expect(refusal(() => nb.minimize(bowl, [1], options))).toContain(message);
  });
  test("loss and initialiser names never resolve through Object.prototype", () => {
    const data = { x: nb.ones([4, 1]), y: nb.ones([4, 1]) };
    expect(refusal(() => nb.nn.fit(new nb.nn.Linear(1, 1), data, { loss: "constructor" as "mse", quiet: true }))).toContain('unknown loss "constructor"');
    expect(refusal(() => new nb.nn.Linear(1, 1, { init: "toString" as "zeros" }))).toContain('unknown initialiser "toString"');
  });
  test("a non-finite start is refused", () => {
    expect(refusal(() => nb.minimize(bowl, [1, Number.NaN], { method: "bfgs" }))).toContain("x0[1] is NaN");
    expect(refusal(() => nb.minimize(bowl, Infinity))).toContain("must be finite");
  });
  test("optimizers refuse a learning rate that is not finite and positive", () => {
    expect(refusal(() => nb.optim.adam({ lr: Infinity }))).toContain("lr must be a finite positive number");
    expect(refusal(() => nb.optim.sgd({ lr: -1 }))).toContain("got -1");
    expect(refusal(() => nb.optim.sgd({} as { lr: number }))).toContain("got undefined");
    const broken = nb.optim.sgd({ lr: () => Number.NaN });
    expect(refusal(() => broken.step([1], [1], broken.init([1])))).toContain("step 0 gave NaN");
  });
  test("fit refuses counts that would train nothing", () => {
    const model = new nb.nn.Linear(1, 1, { seed: 0 });
    const data = { x: nb.ones([4, 1]), y: nb.ones([4, 1]) };
    expect(refusal(() => nb.nn.fit(model, data, { loss: "mse", epochs: -1, quiet: true }))).toContain("epochs must be an integer ≥ 1, got -1");
    expect(refusal(() => nb.nn.fit(model, data, { loss: "mse", batchSize: 0, quiet: true }))).toContain("batchSize");
    expect(refusal(() => nb.nn.fit(model, data, { loss: "mse", epochs: Number.NaN, quiet: true }))).toContain("epochs");
  });
});

describe("fit on a non-finite loss", () => {
  test("stops at the first NaN loss and keeps the last finite parameters", () => {
    const model = new nb.nn.Linear(1, 1, { seed: 0 });
    const x = nb.tensor([[1], [2], [3], [4]]);
    // A learning rate this large makes the weights overflow within a few steps.
    const result = nb.nn.fit(model, { x, y: nb.tensor([[1e200], [2e200], [3e200], [4e200]]) }, {
      loss: "mse", optimizer: nb.optim.sgd({ lr: 1e10 }), epochs: 50, batchSize: 2, quiet: true, gradientFlow: false,
    });
    expect(result.nonFiniteLoss).toBeDefined();
    expect(Number.isFinite(result.nonFiniteLoss!.loss)).toBe(false);
    expect(result.history.length).toBeLessThan(50);
    expect(result.warnings.some((w) => w.includes("training stopped"))).toBe(true);
    const p = result.model.parameters() as Record<string, nb.Tensor>;
    for (const t of Object.values(p)) expect([...t.values()].every(Number.isFinite)).toBe(true);
  });
  test("a run that stays finite has no nonFiniteLoss entry", () => {
    const x = nb.tensor([[1], [2], [3], [4]]);
    const result = nb.nn.fit(new nb.nn.Linear(1, 1, { seed: 0 }), { x, y: nb.mul(x, 2) }, { loss: "mse", epochs: 2, quiet: true });
    expect(result.nonFiniteLoss).toBeUndefined();
  });
});

describe("files and data", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-files-"));
  test("saveModel never replaces a FIFO or a folder, and reading a FIFO does not block", () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const model = new nb.nn.Linear(1, 1, { seed: 0 });
    expect(refusal(() => nb.nn.saveModel(model, fifo, { overwrite: true }))).toContain("is not a regular file");
    expect(refusal(() => nb.nn.saveModel(model, dir, { overwrite: true }))).toContain("is not a regular file");
    expect(refusal(() => nb.data.readCsv(fifo))).toContain("not a regular file");
    expect(statSync(fifo).isFIFO()).toBe(true);
    nb.nn.saveModel(model, join(dir, "m.nabla"));
    nb.nn.saveModel(model, join(dir, "m.nabla"), { overwrite: true });
    expect(readdirSync(dir).sort()).toEqual(["fifo", "m.nabla"]);
  });
  test("a stratified split of 300,000 rows takes linear time and no recursion", () => {
    const n = 300_000;
    const y = nb.tensor(Array.from({ length: n }, (_, i) => i % 3));
    const split = nb.data.trainTestSplit(nb.zeros([n, 1]), y, { testSize: 0.2, seed: 1, stratify: true });
    expect(split.yTest.size).toBe(60_000);
    expect(nb.nn.confusionMatrix(split.yTest, split.yTest).map((row) => row.reduce((a, b) => a + b))).toEqual([20_000, 20_000, 20_000]);
    expect(nb.data.oneHot(y).shape).toEqual([n, 3]);
  });
  test("a model file nested 200,000 levels deep is refused, not a stack overflow", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    const doc = `{"format": "nabla-model", "version": 1, "architecture": {"type": "ReLU"}, "parameters": {}, "buffers": {}, "metadata": {"x": ${deep}}}`;
    expect(refusal(() => nb.nn.modelFromJson(doc))).toContain("levels deep");
    expect(refusal(() => nb.nn.modelFromJson(`{"format": "nabla-model", "version": 1, "architecture": {"type": "LeakyReLU", "alpha": ${deep}}}`))).toContain("levels deep");
  });
  test("creation ops with huge sizes are refused like zeros", () => {
    expect(refusal(() => nb.eye(1e6))).toContain("eye: a float64 tensor of shape [1000000, 1000000]");
    expect(refusal(() => nb.arange(0, 1e12))).toContain("arange:");
    expect(refusal(() => nb.linspace(0, 1, 1e12))).toContain("linspace:");
  });
  test("a confusion matrix for the label 1000000 is refused, not a 10¹² cell allocation", () => {
    expect(refusal(() => nb.nn.confusionMatrix([0, 1e6], [0, 0]))).toContain("labels must be class indices 0..k−1");
  });
});

test("off a terminal, fit's progress prints its last step once, with the final epoch's metrics", () => {
  const lines: string[] = [];
  const x = nb.tensor([[1], [2], [3], [4]]);
  nb.nn.fit(new nb.nn.Linear(1, 1, { seed: 0 }), { x, y: nb.mul(x, 2) }, { loss: "mse", epochs: 3, batchSize: 2, stream: { write: (s: string) => void lines.push(s) } });
  const last = lines.filter((l) => l.includes(" 6/6 "));
  expect(last).toHaveLength(1);
  expect(last[0]).toContain("r2");
});
