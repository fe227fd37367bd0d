// The optimisation section of `npm run bench`: nabla's minimize against SciPy on the
// Moré–Garbow–Hillstrom set (nb.testFunctions with an `mgh` number), from the paper's
// standard starts with exact derivatives. SciPy's side is read from
// bench/optim/scipy-reference.json (made by bench/optim/scipy_reference.py; see its header).
// Counts, not times: evaluations are what these methods are compared by.
//
// Run alone: `npm run build && node bench/optim.js [--json]`; or call optimSection() from
// bench/run.js. The test src/optim/minimize/mgh.test.ts holds nabla to the same comparison.
import { readFileSync } from "node:fs";

/** nabla's method and the SciPy method it is compared with. */
export const METHOD_PAIRS = [
  ["lbfgs", "L-BFGS-B"],
  ["bfgs", "BFGS"],
  ["newton-cg", "Newton-CG"],
  ["trust-ncg", "trust-ncg"],
];

/** τ of the solved test below. */
export const SOLVED_TAU = 1e-5;
/** How close to the paper's minimum (relative, or absolute below 1) a solved run must be. */
export const SOLVED_RTOL = 1e-4;

/**
 * A run solved a problem when it closed all but τ of the gap between the start and the
 * paper's minimum, f − fmin ≤ τ (f(x0) − fmin) (Moré & Wild, SIAM J. Optim. 20(1), 2009), and
 * also came within 1e-4 of it, f − fmin ≤ 1e-4·max(1, |fmin|) — the first alone would accept
 * f = 1400 on Meyer's problem (fmin 87.9) because it starts at f = 1.7e9.
 */
export function solved(fun, f0, fmin) {
  const gap = fun - fmin;
  return Number.isFinite(fun) && gap <= SOLVED_TAU * (f0 - fmin) && gap <= SOLVED_RTOL * Math.max(1, Math.abs(fmin));
}

/** The committed SciPy reference numbers. */
export function loadReference() {
  return JSON.parse(readFileSync(new URL("./optim/scipy-reference.json", import.meta.url), "utf8"));
}

/** Runs nabla (the module `nb`) on every MGH problem and pairs each run with SciPy's. */
export function compareOnMgh(nb, reference = loadReference()) {
  const problems = Object.entries(nb.testFunctions).filter(([, p]) => p.mgh !== undefined).sort((a, b) => a[1].mgh - b[1].mgh);
  const rows = problems.map(([name, p]) => {
    const ref = reference.problems[name];
    if (!ref) throw new Error(`bench/optim: no SciPy reference for ${name}; rerun bench/optim/scipy_reference.py`);
    const f0 = nb.sum(p.f(nb.tensor(p.x0))).item();
    const runs = METHOD_PAIRS.map(([ours, theirs]) => {
      const r = nb.minimize(p.f, p.x0, { method: ours, quiet: true });
      const s = ref.runs[theirs];
      return {
        nabla: { fun: r.fun, nfev: r.nfev, ngev: r.ngev, nhev: r.nhev ?? 0, solved: solved(r.fun, f0, p.fmin), message: r.message },
        scipy: { fun: s.fun, nfev: s.nfev, ngev: s.njev, nhev: s.nhev, solved: solved(s.fun, f0, p.fmin), message: s.message },
      };
    });
    return { name, mgh: p.mgh, n: p.x0.length, fmin: p.fmin, runs };
  });
  const totals = METHOD_PAIRS.map(([ours, theirs], k) => {
    const sum = (side, key) => rows.reduce((acc, row) => acc + Number(row.runs[k][side][key]), 0);
    return {
      nabla: ours, scipy: theirs,
      solved: { nabla: sum("nabla", "solved"), scipy: sum("scipy", "solved") },
      nfev: { nabla: sum("nabla", "nfev"), scipy: sum("scipy", "nfev") },
      ngev: { nabla: sum("nabla", "ngev"), scipy: sum("scipy", "ngev") },
      nhev: { nabla: sum("nabla", "nhev"), scipy: sum("scipy", "nhev") },
    };
  });
  return { scipyVersion: reference.scipy, rows, totals };
}

const cell = (run) => `${run.solved ? "" : "✗ "}${run.nfev}`;

/** The comparison as Markdown: a summary per method, then evaluations per problem. */
export function formatMarkdown({ scipyVersion, rows, totals }) {
  const lines = [
    `| nabla | SciPy ${scipyVersion} | solved (nabla / SciPy) | f evaluations (nabla / SciPy) | ∇f evaluations | Hessian-vector products |`,
    "| --- | --- | --- | --- | --- | --- |",
    ...totals.map((t) => `| ${t.nabla} | ${t.scipy} | ${t.solved.nabla} / ${t.solved.scipy} | ${t.nfev.nabla} / ${t.nfev.scipy} | ${t.ngev.nabla} / ${t.ngev.scipy} | ${t.nhev.nabla} / ${t.nhev.scipy} |`),
    "",
    `Function evaluations per problem, nabla / SciPy (✗: not solved: f − fmin > ${SOLVED_TAU}·(f(x0) − fmin) or f − fmin > ${SOLVED_RTOL}·max(1, |fmin|)):`,
    "",
    `| MGH | problem | n | ${METHOD_PAIRS.map(([a, b]) => `${a} / ${b}`).join(" | ")} |`,
    `| --- | --- | --- | ${METHOD_PAIRS.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.mgh} | ${r.name} | ${r.n} | ${r.runs.map((run) => `${cell(run.nabla)} / ${cell(run.scipy)}`).join(" | ")} |`),
  ];
  return lines.join("\n");
}

/** The bench section: prints the table (or returns the data with `json`). */
export async function optimSection({ json = false, quiet = false } = {}) {
  const nb = await import("../dist/index.js");
  if (!quiet) process.stderr.write("  optimisation: nabla vs SciPy on the Moré–Garbow–Hillstrom set\n");
  const result = compareOnMgh(nb);
  if (!json) console.log(`\n## Optimisation: Moré–Garbow–Hillstrom, nabla vs SciPy (evaluation counts)\n\n${formatMarkdown(result)}\n`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const json = process.argv.includes("--json");
  const result = await optimSection({ json, quiet: json || process.argv.includes("--quiet") });
  if (json) console.log(JSON.stringify(result, null, 1));
}
