/**
 * Doc examples run (STYLE.md): every public function and class has a TSDoc `@example`, and
 * every example, and every ```ts block of README.md, executes with its `// =>` values checked.
 */
import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { type DocExample, markdownExamples, publicSymbols, runExample, typeErrors } from "./doctest.js";

const symbols = publicSymbols("src/index.ts");

describe("every public function and class has an @example", () => {
  test.each(symbols.filter((s) => s.needsExample).map((s) => [s.name, s] as const))("%s", (_, s) => {
    expect(s.examples.length, `${s.name} (${s.file}:${s.line}) has no TSDoc @example`).toBeGreaterThan(0);
  });
});

describe("@example blocks run", () => {
  const examples = symbols.flatMap((s) => s.examples);
  test.each(examples.map((ex) => [`${ex.symbol} (${ex.file}:${ex.lines[0]!.line})`, ex] as const))("%s", async (_, ex) => {
    await runExample(ex, nb);
  });
});

describe.runIf(existsSync("README.md"))("README.md ```ts blocks run", () => {
  const blocks = existsSync("README.md") ? markdownExamples("README.md") : [];
  test.each(blocks.map((ex) => [ex.symbol, ex] as const))("%s", async (_, ex) => {
    await runExample(ex, nb);
  });
});

test("every example and README block typechecks as user code", () => {
  const all = [...symbols.flatMap((s) => s.examples), ...(existsSync("README.md") ? markdownExamples("README.md") : [])];
  expect([...typeErrors(all, "src/index.ts").values()]).toEqual([]);
});

describe("the doctest runner itself", () => {
  const example = (code: string): DocExample => ({
    symbol: "probe", file: "probe.ts", lines: code.split("\n").map((text, i) => ({ text, line: i + 1 })),
  });
  test("type errors are reported with the example's own line", () => {
    const good = example('const t = nb.tensor([1, 2]);\nt.shape; // => [2]');
    const bad = example('const t = nb.tensor([1, 2]);\nconst n: number = t.shape;');
    const errors = typeErrors([good, bad], "src/index.ts");
    expect(errors.has(good)).toBe(false);
    expect(errors.get(bad)).toMatch(/^probe\.ts:2 \(probe\): Type 'Shape' is not assignable to type 'number'/);
  });
  test("asserts values, tensors, NaN and multi-line statements", async () => {
    await runExample(example([
      'import { add } from "nabla";',
      "const x: nb.Tensor = add([1, 2], 1);",
      "x; // => [2, 3]",
      "[NaN, 0.1 + 0.2, { a: 'b' }]; // => [NaN, 0.3, { a: \"b\" }]",
      "nb.mul(",
      "  x, 2); // => [4, 6]",
    ].join("\n")), nb);
  });
  test("reports the line, the expected and the actual value", async () => {
    await expect(runExample(example("1;\nnb.add(1, 1); // => 3"), nb)).rejects.toThrow("probe.ts:2 (probe): expected 3, got 2");
    await expect(runExample(example("nb.add(\n  1, 1 // => 2\n);"), nb)).rejects.toThrow("probe.ts:2");
    await expect(runExample(example("nb.nope();"), nb)).rejects.toThrow("probe.ts:1 (probe): example threw");
  });
});
