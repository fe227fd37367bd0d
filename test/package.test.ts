/**
 * The package as another project sees it: `import * as nb from "nabla"` resolves through
 * package.json "exports" to the built dist/ (npm test builds first), with type declarations.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

test('"nabla" resolves through the exports map to a working build', () => {
  const script = `import("nabla").then((nb) => console.log(JSON.stringify([nb.grad((x) => nb.mul(x, x))(3), Object.keys(nb).length])))`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  const [g, exported] = JSON.parse(out) as [number, number];
  expect(g).toBe(6);
  expect(exported).toBeGreaterThan(80);
});

test("type declarations ship beside the build", () => {
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { exports: { ".": { types: string } } };
  const types = `${root}/${pkg.exports["."].types}`;
  expect(existsSync(types)).toBe(true);
  expect(readFileSync(types, "utf8")).toContain("export { grad, valueAndGrad, vjp }");
});
