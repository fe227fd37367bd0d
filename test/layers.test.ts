/**
 * The layering of DESIGN.md: lower layers never import upper ones. Each source file's
 * relative imports are resolved to a layer and checked against the order below; the CLI
 * and the Lab use only the public entry.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, test } from "vitest";

/** Lowest first. A layer may import itself and any layer listed before it. */
const ORDER = ["tensor", "util", "backend", "ops", "autodiff", "numeric", "probability", "symbolic", "optim", "data", "io", "nn", "models", "landscape", "examples", "report", "cli"];
/** Layers above the library, which use the public API (src/index.ts) as a user's program does. */
const ON_PUBLIC_API = ["report", "cli"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

function layerOf(file: string): string {
  const top = relative("src", file).split(/[\\/]/)[0]!;
  return /\.[jt]s$/.test(top) ? "index" : top;
}

test("no layer imports a layer above it", () => {
  const violations: string[] = [];
  for (const file of sourceFiles("src")) {
    const from = layerOf(file);
    if (from === "index") continue;
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+["'](\.[^"']+)["']/gm)) {
      const target = resolve(dirname(file), match[1]!);
      const to = layerOf(relative(process.cwd(), target));
      const allowed = to === from || (ON_PUBLIC_API.includes(from) && to === "index") || ORDER.indexOf(to) < ORDER.indexOf(from) && ORDER.indexOf(to) >= 0;
      if (!allowed) violations.push(`${file}: ${from} imports ${to} (${match[1]})`);
    }
  }
  expect(violations).toEqual([]);
});

test("only src/backend imports a backend implementation (reference, native, wasm): the rest goes through the Backend interface", () => {
  const violations: string[] = [];
  for (const file of sourceFiles("src")) {
    if (layerOf(file) === "backend") continue;
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+["'](\.[^"']+)["']/gm)) {
      const target = relative("src", resolve(dirname(file), match[1]!)).split(/[\\/]/);
      if (target[0] === "backend" && ["reference", "native", "wasm"].includes(target[1]!)) violations.push(`${file}: ${match[1]}`);
    }
  }
  expect(violations).toEqual([]);
});
