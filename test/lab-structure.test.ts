/**
 * The Lab's structure (issue 13): no function in lab/src longer than 80 lines, and every page
 * folder registered — so a page is always one folder and one registry line, never a file
 * some other list forgot.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const LAB_SRC = resolve(import.meta.dirname, "..", "lab", "src");
const MAX_LINES = 80;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []);
}

/** Every function-like node longer than MAX_LINES, as "file:line (n lines)". */
function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const lines = source.getLineAndCharacterOfPosition(node.getEnd()).line - first + 1;
      if (lines > MAX_LINES) found.push(`${relative(LAB_SRC, file)}:${first + 1} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("the Lab's structure", () => {
  it(`has no function longer than ${MAX_LINES} lines`, () => {
    expect(sources(LAB_SRC).flatMap(longFunctions)).toEqual([]);
  });

  it("registers every page folder, each with its page.ts and jobs.ts", () => {
    const registry = readFileSync(join(LAB_SRC, "registry.ts"), "utf8");
    for (const folder of readdirSync(join(LAB_SRC, "pages"))) {
      expect(registry, `pages/${folder} is not in lab/src/registry.ts`).toContain(`${folder}: { page: () => import("./pages/${folder}/page.js"), jobs: () => import("./pages/${folder}/jobs.js") }`);
    }
  });
});

describe("the README's example page", () => {
  it("is the Newton's method page exactly as it is in lab/src (which the Chromium test runs)", () => {
    const readme = readFileSync(resolve(import.meta.dirname, "..", "README.md"), "utf8");
    for (const file of ["pages/newton/jobs.ts", "pages/newton/page.ts"]) {
      const block = readme.split(`\`\`\`ts lab/src/${file}\n`)[1]?.split("```\n")[0];
      expect(block, `README.md shows lab/src/${file}`).toBe(readFileSync(join(LAB_SRC, file), "utf8"));
    }
  });
});
