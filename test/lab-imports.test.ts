/**
 * The Lab uses only nabla's public API (DESIGN.md): its sources may import "nabla", their own
 * files, and the two rendering libraries — never a path into the library's src/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const LAB_SRC = resolve(import.meta.dirname, "..", "lab", "src");
const PACKAGES = ["nabla", "d3", "katex", "katex/dist/katex.min.css"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : /\.(ts|css)$/.test(entry.name) ? [join(dir, entry.name)] : []);
}

describe("the Lab's imports", () => {
  it("reach only the public nabla API, its own files, d3 and KaTeX", () => {
    const outside: string[] = [];
    for (const file of sources(LAB_SRC)) {
      // Static imports and re-exports (`… from "x"`, `import "x"`) and dynamic import("x").
      const text = readFileSync(file, "utf8");
      const specifiers = [
        ...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["'];?$/gm),
        ...text.matchAll(/^import\s+["']([^"']+)["'];?$/gm),
        ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ];
      for (const [, specifier] of specifiers) {
        const target = specifier!.startsWith(".") ? relative(LAB_SRC, resolve(file, "..", specifier!)) : undefined;
        const ok = target !== undefined ? !target.startsWith("..") : PACKAGES.includes(specifier!);
        if (!ok) outside.push(`${relative(LAB_SRC, file)} imports ${specifier}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
