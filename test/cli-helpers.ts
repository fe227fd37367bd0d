/** Running the built `nabla` command as a separate process, as a user's shell runs it (npm test builds first). */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { bin: { nabla: string } };

/** Runs `nabla ...args` in `cwd` (default: the repository). */
export function runNabla(args: readonly string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${root}/${pkg.bin.nabla}`, ...args], { encoding: "utf8", cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `nabla ...args --json`, expecting success, and parses its output. */
export function runNablaJson(args: readonly string[], cwd = root): Record<string, unknown> {
  const r = runNabla([...args, "--json"], cwd);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}
