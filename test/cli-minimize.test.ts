/** `nabla minimize` end to end, as a user's shell runs the built CLI. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const nabla = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, "minimize", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const ROSENBROCK = "(1-x)^2 + 100*(y-x^2)^2";

describe("nabla minimize", () => {
  test("finds Rosenbrock's minimum and prints the iterations and the counts", () => {
    const r = nabla(ROSENBROCK, "--x0", "-1.2,1", "--method", "trust-ncg");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("converged: gradient norm ≤ tol");
    expect(r.stdout).toMatch(/minimum f = \S+ at x = 0\.99999\d*, y = 0\.99999\d* \(29 iterations, 30 f, 30 ∇f, 46 Hessian-vector evaluations\)/);
  });
  test("at a saddle it says saddle point, never minimum, and exits 1; trust-ncg steps off it to a minimum", () => {
    // x² − y² + y⁴/4: a saddle at the origin, minima f = −1 at (0, ±√2).
    const saddle = nabla("x^2 - y^2 + y^4/4", "--x0", "0.001,0");
    expect(saddle.code).toBe(1);
    expect(saddle.stderr).toContain("saddle point");
    expect(saddle.stdout + saddle.stderr).not.toContain("minimum f");
    const escaped = nabla("x^2 - y^2 + y^4/4", "--x0", "0.001,0", "--method", "trust-ncg");
    expect(escaped.code).toBe(0);
    expect(escaped.stdout).toMatch(/minimum f = -0\.99999999\d* at x = \S+, y = -?1\.41421/);
  });
  test("--json gives the structured result with the history, and no progress output", () => {
    const r = nabla("(x-3)^2 + exp(x)", "--x0", "0", "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const result = JSON.parse(r.stdout) as { x: { x: number }; success: boolean; history: unknown[]; nit: number };
    // The minimiser solves 2(x − 3) + eˣ = 0.
    expect(2 * (result.x.x - 3) + Math.exp(result.x.x)).toBeCloseTo(0, 4);
    expect(result.history).toHaveLength(result.nit + 1);
  });
  test("--plot writes an SVG of the contours and the path, and never overwrites a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-minimize-"));
    const file = join(dir, "path.svg");
    expect(nabla(ROSENBROCK, "--x0", "-1.2,1", "--plot", file).code).toBe(0);
    const svg = readFileSync(file, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("<polyline");
    const existing = join(dir, "keep.svg");
    writeFileSync(existing, "mine");
    const r = nabla(ROSENBROCK, "--x0", "-1.2,1", "--plot", existing);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("exists; nabla never overwrites a file");
    expect(readFileSync(existing, "utf8")).toBe("mine");
    expect(existsSync(join(dir, "other.svg"))).toBe(false);
  });
  test("bad input is one line and exit 2; a run that does not converge is exit 1", () => {
    const missing = nabla(ROSENBROCK);
    expect([missing.code, missing.stderr.trim().split("\n")]).toEqual([2, ["nabla minimize: --x0 is required, e.g. --x0 0,0 (see nabla minimize --help)"]]);
    expect(nabla(ROSENBROCK, "--x0", "1").stderr).toContain("--x0 gives 1 value(s) for 2 variable(s) (x, y)");
    expect(nabla(ROSENBROCK, "--x0", "0,0", "--method", "simplex").stderr).toContain('unknown method "simplex"');
    const limited = nabla("x^4", "--x0", "1", "--method", "gd", "--max-iter", "5");
    expect(limited.code).toBe(1);
    expect(limited.stderr).toContain("did not converge: maximum number of iterations reached");
  });
});
