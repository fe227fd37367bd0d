/**
 * Executable documentation: finds every public symbol of an entry module with the
 * TypeScript compiler API, extracts its TSDoc `@example`s (and README ```ts blocks), and runs
 * them with `nb` in scope. A statement ending in `// => literal` asserts its value.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import ts from "typescript";
import { Tensor } from "../src/index.js";

/** One runnable snippet: its code lines and where each came from. */
export interface DocExample {
  /** The symbol it documents (`add`, `Tensor.item`, `numeric.gradCheck`), or a README label. */
  symbol: string;
  file: string;
  /** The file line of each code line, so failures point at the source. */
  lines: { text: string; line: number }[];
}

/** A public value export that documentation is required for (or not). */
export interface PublicSymbol {
  name: string;
  file: string;
  line: number;
  /** Functions, callable consts and classes need an `@example`; other values do not. */
  needsExample: boolean;
  examples: DocExample[];
}

const rel = (file: string): string => relative(process.cwd(), file);

/** Every value exported by `entry` (namespaces flattened to `ns.member`), in export order. */
export function publicSymbols(entry: string, tsconfig = "tsconfig.json"): PublicSymbol[] {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram([entry], { ...config?.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`doctest: cannot load ${entry}`);
  const out: PublicSymbol[] = [];
  const visit = (mod: ts.Symbol, prefix: string): void => {
    for (const exported of checker.getExportsOfModule(mod)) {
      const name = prefix + exported.name;
      const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (isTypeOnly(exported) || !(sym.flags & ts.SymbolFlags.Value)) continue;
      if (sym.flags & ts.SymbolFlags.ValueModule) {
        visit(sym, `${name}.`);
        continue;
      }
      const decls = sym.declarations ?? [];
      const decl = decls[0];
      if (!decl || decls.some(isInternal)) continue;
      const file = rel(decl.getSourceFile().fileName);
      const callable = sym.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)
        || checker.getTypeOfSymbolAtLocation(sym, decl).getCallSignatures().length > 0;
      const examples = decls.flatMap((d) => examplesOf(d, name));
      for (const d of decls) if (ts.isClassDeclaration(d)) examples.push(...memberExamples(d, name));
      out.push({ name, file, line: lineOf(decl), needsExample: Boolean(callable), examples });
    }
  };
  visit(module, "");
  return out;
}

function isTypeOnly(s: ts.Symbol): boolean {
  return (s.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d));
}

function isInternal(d: ts.Node): boolean {
  return ts.getJSDocTags(d).some((t) => t.tagName.text === "internal");
}

function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/** Public members of a class that carry their own examples (`Tensor.item`). */
function memberExamples(cls: ts.ClassDeclaration, owner: string): DocExample[] {
  const hidden = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;
  return cls.members
    .filter((m) => m.name && !(ts.getCombinedModifierFlags(m) & hidden) && !isInternal(m))
    .flatMap((m) => examplesOf(m, `${owner}.${m.name!.getText()}`));
}

/** The `@example` sections of a declaration's TSDoc comments, read from the raw comment text. */
export function examplesOf(node: ts.Node, symbol: string): DocExample[] {
  const sf = node.getSourceFile();
  const holder = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  const docs = ts.getJSDocCommentsAndTags(holder).filter(ts.isJSDoc);
  return docs.flatMap((doc) => {
    const first = sf.getLineAndCharacterOfPosition(doc.getStart(sf)).line + 1;
    const lines = doc.getText(sf).split("\n").map((raw, i) => ({ text: stripCommentPrefix(raw), line: first + i }));
    return exampleSections(lines).map((ls) => ({ symbol, file: rel(sf.fileName), lines: ls }));
  });
}

function stripCommentPrefix(raw: string): string {
  return raw.replace(/^\s*\/\*\*\s?/, "").replace(/\s*\*\/\s*$/, "").replace(/^\s*\*(?!\/) ?/, "");
}

type Lines = DocExample["lines"];

/** Splits comment lines into `@example` bodies: each ends at the next tag outside a fence. */
function exampleSections(lines: Lines): Lines[] {
  const sections: Lines[] = [];
  let current: Lines | null = null;
  let fenced = false;
  for (const l of lines) {
    const fence = /^\s*```/.test(l.text);
    if (!fenced && /^\s*@\w+/.test(l.text)) {
      const tag = /^\s*@(\w+)\s?(.*)$/.exec(l.text)!;
      current = tag[1] === "example" ? [] : null;
      if (current) sections.push(current);
      if (current && tag[2]!.trim()) current.push({ text: tag[2]!, line: l.line });
    } else if (current && !fence) {
      current.push(l);
    }
    if (fence) fenced = !fenced;
  }
  return sections.map(trimBlank).filter((s) => s.length > 0);
}

function trimBlank(ls: Lines): Lines {
  let a = 0;
  let b = ls.length;
  while (a < b && !ls[a]!.text.trim()) a++;
  while (b > a && !ls[b - 1]!.text.trim()) b--;
  return ls.slice(a, b);
}

/** Every ```ts (or ```typescript) block of a Markdown file, as examples. */
export function markdownExamples(file: string): DocExample[] {
  const out: DocExample[] = [];
  let current: Lines | null = null;
  readFileSync(file, "utf8").split(/\r?\n/).forEach((text, i) => {
    if (current === null && /^\s*```(ts|typescript)\s*$/.test(text)) {
      current = [];
      out.push({ symbol: `${rel(file)}:${i + 1}`, file: rel(file), lines: current });
    } else if (current !== null && /^\s*```\s*$/.test(text)) {
      current = null;
    } else if (current !== null) {
      current.push({ text, line: i + 1 });
    }
  });
  return out;
}

/** Where and what an example asserted; thrown as the failure message. */
type Check = (actual: unknown, expected: unknown, index: number) => void;

/**
 * Runs one example with `nb` bound to `lib`. Imports of "nabla" become `nb`; other imports
 * become dynamic imports; each `expr; // => literal` asserts deep equality.
 */
export async function runExample(ex: DocExample, lib: object): Promise<void> {
  const where = (i: number): string => `${ex.file}:${ex.lines[i]?.line ?? ex.lines[0]?.line} (${ex.symbol})`;
  const check: Check = (actual, expected, i) => {
    const diff = mismatch(actual, expected);
    if (diff !== null) {
      const src = ex.lines[i]!.text.split("// =>")[1]!.trim();
      throw new Error(`${where(i)}: expected ${src}, got ${show(actual)}${diff ? ` (at ${diff})` : ""}`);
    }
  };
  const body = rewrite(ex.lines.map((l) => l.text).join("\n"), where);
  const { outputText, diagnostics } = ts.transpileModule(`async function __example() {\n${body}\n}`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    reportDiagnostics: true,
  });
  if (diagnostics?.length) {
    const d = diagnostics[0]!;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line - 1 : 0;
    throw new Error(`${where(line)}: does not compile: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  }
  const example = new Function("nb", "__check", `${outputText}\nreturn __example;`)(lib, check) as () => Promise<void>;
  try {
    await example();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(ex.file)) throw e;
    throw new Error(`${where(0)}: example threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Turns assertion comments into `__check` calls and imports into bindings, by edits on the AST. */
function rewrite(code: string, where: (line: number) => string): string {
  const sf = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const lineAt = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line;
  const used = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) edits.push({ start: node.getStart(sf), end: node.end, text: importBinding(node) });
    if (ts.isExpressionStatement(node)) {
      const comment = ts.getTrailingCommentRanges(code, node.end)?.[0];
      const m = comment && /^\/\/\s*=>(.*)$/.exec(code.slice(comment.pos, comment.end));
      if (m) {
        const line = lineAt(comment.pos);
        used.add(line);
        const expr = node.expression.getText(sf);
        edits.push({ start: node.getStart(sf), end: node.end, text: `__check((${expr}), (${m[1]!.trim()}), ${line});` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  code.split("\n").forEach((text, i) => {
    if (text.includes("// =>") && !used.has(i)) {
      throw new Error(`${where(i)}: "// =>" must end an expression statement (on its last line)`);
    }
  });
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function importBinding(node: ts.ImportDeclaration): string {
  const from = (node.moduleSpecifier as ts.StringLiteral).text;
  const mod = from === "nabla" ? "nb" : `(await import(${JSON.stringify(from)}))`;
  const clause = node.importClause;
  if (!clause || clause.isTypeOnly) return "";
  const parts: string[] = [];
  if (clause.name) parts.push(`const ${clause.name.text} = ${mod}.default;`);
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named) && named.name.text !== mod) parts.push(`const ${named.name.text} = ${mod};`);
  if (named && ts.isNamedImports(named)) {
    const specs = named.elements.filter((s) => !s.isTypeOnly).map((s) => (s.propertyName ? `${s.propertyName.text}: ${s.name.text}` : s.name.text));
    if (specs.length) parts.push(`const { ${specs.join(", ")} } = ${mod};`);
  }
  return parts.join(" ");
}

/** Tensors compare by `toArray()`, typed arrays as arrays. */
function plain(x: unknown): unknown {
  if (x instanceof Tensor) return x.toArray();
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<number>);
  return x;
}

function closeNumbers(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  const d = Math.abs(a - b);
  return d <= 1e-14 || d <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Deep comparison: numbers within 1e-12 relative or 1e-14 absolute (NaN equals NaN), other
 * primitives exact, arrays and plain objects recursively. Returns null when equal, else the
 * path where they first differ ("" at the top).
 */
export function mismatch(actual: unknown, expected: unknown, path = ""): string | null {
  const a = plain(actual);
  if (typeof expected === "number") return typeof a === "number" && closeNumbers(a, expected) ? null : path;
  if (Array.isArray(expected)) {
    if (!Array.isArray(a) || a.length !== expected.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = mismatch(a[i], expected[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (a === null || typeof a !== "object" || Array.isArray(a)) return path;
    const record = a as Record<string, unknown>;
    const keys = Object.keys(expected);
    if (Object.keys(record).length !== keys.length) return path;
    for (const k of keys) {
      const d = k in record ? mismatch(record[k], (expected as Record<string, unknown>)[k], `${path}.${k}`) : path;
      if (d !== null) return d;
    }
    return null;
  }
  return Object.is(a, expected) ? null : path;
}

/** A short readable rendering of a value (NaN and Infinity kept, tensors as arrays). */
export function show(x: unknown, depth = 0): string {
  const a = plain(x);
  if (typeof a === "string") return JSON.stringify(a);
  if (Array.isArray(a)) return depth > 4 ? "[…]" : `[${a.map((v) => show(v, depth + 1)).join(", ")}]`;
  if (a !== null && typeof a === "object") {
    if (depth > 4) return "{…}";
    return `{ ${Object.entries(a).map(([k, v]) => `${k}: ${show(v, depth + 1)}`).join(", ")} }`;
  }
  return String(a);
}

/**
 * Type errors of each example as a user would compile it (strict, noUncheckedIndexedAccess,
 * `nb` imported from the package entry): one message per failing example, keyed by location.
 */
export function typeErrors(examples: readonly DocExample[], entry: string): Map<DocExample, string> {
  const options: ts.CompilerOptions = {
    strict: true, noUncheckedIndexedAccess: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true, types: ["node"],
  };
  const entryPath = resolve(entry).replace(/\.ts$/, ".js");
  const virtual = new Map(examples.map((ex, i) => {
    const body = ex.lines.map((l) => l.text).filter((t) => !/^\s*import\b.*from\s+["']nabla["']/.test(t)).join("\n");
    return [resolve(`.doc-example-${i}.ts`), `import * as nb from ${JSON.stringify(entryPath)};\nexport async function example() {\n${body}\n}\n`];
  }));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (f, lang) => (virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, lang) : getSourceFile(f, lang));
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  host.readFile = (f) => virtual.get(f) ?? readFile(f);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors = new Map<DocExample, string>();
  [...virtual.keys()].forEach((file, i) => {
    const [first] = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
    if (first) {
      // Lines 1-2 of the virtual file are the wrapper; example line k sits at file line k + 2.
      const line = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start).line - 2 : 0;
      const ex = examples[i]!;
      const at = ex.lines[Math.max(0, Math.min(line, ex.lines.length - 1))]!.line;
      errors.set(ex, `${ex.file}:${at} (${ex.symbol}): ${ts.flattenDiagnosticMessageText(first.messageText, " ")}`);
    }
  });
  return errors;
}
