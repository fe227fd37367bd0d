/** `nabla landscape` end to end, as a user's shell runs the built CLI. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";

const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const nabla = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, "landscape", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2";

describe("nabla landscape", () => {
  test("Himmelblau: nine critical points with their kinds, the spectrum at a point, and an SVG", () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-landscape-"));
    const file = join(dir, "h.svg");
    const r = nabla(HIMMELBLAU, "--region", "-5,5,-5,5", "--starts", "60", "--at", "x=3,y=2", "--plot", file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("9 critical point(s)");
    expect(r.stdout.match(/^ {2}minimum /gm)).toHaveLength(4);
    expect(r.stdout.match(/^ {2}saddle /gm)).toHaveLength(4);
    expect(r.stdout.match(/^ {2}maximum /gm)).toHaveLength(1);
    // At (3, 2) the Hessian is [[74, 20], [20, 34]]: eigenvalues 54 ± √800.
    expect(r.stdout).toMatch(/at x = 3, y = 2: minimum/);
    expect(r.stdout).toContain(`Hessian eigenvalues: ${(54 - Math.sqrt(800)).toPrecision(6).slice(0, 6)}`);
    const svg = readFileSync(file, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<circle/g)).toHaveLength(9);
    const existing = join(dir, "keep.svg");
    writeFileSync(existing, "mine");
    expect(nabla(HIMMELBLAU, "--starts", "5", "--plot", existing).code).toBe(2);
    expect(readFileSync(existing, "utf8")).toBe("mine");
  });
  test("--json gives the structured result; a saddle at --at 0,0", () => {
    const r = nabla("x^2 - y^2 + y^4/4", "--region", "-2,2,-2,2", "--at", "0,0", "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const result = JSON.parse(r.stdout) as { criticalPoints: { kind: string; value: number }[]; at: { kind: string; morseIndex: number } };
    expect(result.at).toMatchObject({ kind: "saddle", morseIndex: 1 });
    expect(result.criticalPoints.map((p) => p.kind).sort()).toEqual(["minimum", "minimum", "saddle"]);
    expect(Math.min(...result.criticalPoints.map((p) => p.value))).toBeCloseTo(-1, 10);
  });
  test("--model: λmax and the trace of a trained network's loss, against the dense Hessian; a density SVG", () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-landscape-model-"));
    const file = join(dir, "m.nabla");
    const train = spawnSync(process.execPath, [main, "train", "--data", "digits", "--model", "mlp:64-2-10", "--epochs", "1", "--save", file, "--quiet"], { encoding: "utf8" });
    expect(train.status).toBe(0);
    const svg = join(dir, "density.svg");
    const r = nabla("--model", file, "--data", "digits", "--samples", "100", "--plot", svg, "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const result = JSON.parse(r.stdout) as { parameters: number; topEigenvalues: number[]; smallestEigenvalue: number; trace: number; traceStderr: number };
    expect(result.parameters).toBe(64 * 2 + 2 + 2 * 10 + 10);
    // The same loss on a flat parameter vector, and its dense Hessian from nb.hessian.
    const { model } = nb.nn.readModelFile(file);
    const params = nb.nn.parameters(model);
    const { x, y } = nb.data.load("digits");
    const rows = nb.arange(0, 100);
    const [xs, ys] = [nb.gather(x, rows, 0), nb.gather(y, rows, 0)];
    const entries = Object.entries(params);
    const flatLoss = (theta: nb.Tensor) => {
      let offset = 0;
      const p = Object.fromEntries(entries.map(([k, t]) => {
        const leaf = nb.reshape(nb.slice(theta, [offset], [t.size]), t.shape);
        offset += t.size;
        return [k, leaf];
      }));
      return nb.nn.softmaxCrossEntropy(model.withParams(p).forward(xs), ys);
    };
    const theta = nb.concat(entries.map(([, t]) => nb.reshape(t, [-1])), 0);
    const eig = nb.numeric.symmetricEigen(nb.hessian(flatLoss)(theta) as nb.Tensor).values;
    const lambdaMax = eig.at(-1)!;
    expect(Math.abs(result.topEigenvalues[0]! - lambdaMax)).toBeLessThan(1e-6 * lambdaMax);
    expect(Math.abs(result.topEigenvalues[1]! - eig.at(-2)!)).toBeLessThan(1e-6 * lambdaMax);
    expect(Math.abs(result.smallestEigenvalue - eig[0]!)).toBeLessThan(1e-6 * lambdaMax);
    const trace = eig.reduce((a, b) => a + b, 0);
    expect(Math.abs(result.trace - trace)).toBeLessThan(5 * result.traceStderr);
    expect(readFileSync(svg, "utf8")).toContain("<polyline");
  });
  test("bad input is one clear line and exit code 2", () => {
    const r = nabla(HIMMELBLAU, "--region", "-5,5,-5");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--region needs a lower and an upper bound per variable \(4 numbers for x, y\), got 3/);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });
});
