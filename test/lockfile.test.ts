/**
 * package-lock.json stays in sync with package.json, so `npm ci` on a fresh clone accepts it.
 * The check (scripts/check-lock.mjs) is offline and instant: the lock's root entry must repeat
 * package.json's ranges and each direct dependency must be locked inside its range.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const script = join(root, "scripts", "check-lock.mjs");
const scratch = mkdtempSync(join(tmpdir(), "nabla-lock-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the check on a directory; returns its exit status and stderr. */
function check(dir: string): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [script, dir], { encoding: "utf8", stdio: "pipe" });
    return { status: 0, stderr: "" };
  } catch (e) {
    const failure = e as { status: number; stderr: string };
    return { status: failure.status, stderr: failure.stderr };
  }
}

test("the committed lock matches package.json", () => {
  expect(check(root)).toEqual({ status: 0, stderr: "" });
});

test("a dependency added to package.json without the lock is caught", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  pkg.devDependencies["left-pad"] = "^1.3.0";
  writeFileSync(join(scratch, "package.json"), JSON.stringify(pkg));
  copyFileSync(join(root, "package-lock.json"), join(scratch, "package-lock.json"));
  const { status, stderr } = check(scratch);
  expect(status).toBe(1);
  expect(stderr).toContain("devDependencies.left-pad: package.json says ^1.3.0, the lock says nothing");
});

test("a range the locked version falls outside of is caught", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { devDependencies: Record<string, string> }> };
  pkg.devDependencies["vitest"] = "^99.0.0";
  lock.packages[""]!.devDependencies["vitest"] = "^99.0.0";
  writeFileSync(join(scratch, "package.json"), JSON.stringify(pkg));
  writeFileSync(join(scratch, "package-lock.json"), JSON.stringify(lock));
  const { status, stderr } = check(scratch);
  expect(status).toBe(1);
  expect(stderr).toMatch(/vitest is locked at [\d.]+, outside package\.json's \^99\.0\.0/);
});
