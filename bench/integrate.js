// The integration section: nabla's quad against scipy.integrate.quad on the test set of
// src/numeric/integrate/quad-reference.json (Bailey–Jeyabalan–Li, GSL's QUADPACK problems,
// the QUADPACK book's families): problems solved, points evaluated, and time per call.
// scipy's times were recorded by scripts/quad-reference.py when the JSON was made, on the
// machine and load of that moment; nabla's are measured now. The test quad-bar.test.ts holds
// nabla to the counts; times are only reported.
//
// Run alone: `npm run build && node bench/integrate.js [--json]`.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const TOL = 1.49e-8;
const end = (v) => (typeof v === "number" ? v : v === "inf" ? Infinity : -Infinity);
const solved = (value, exact, ok) => ok && Math.abs(value - exact) <= Math.max(TOL, TOL * Math.abs(exact));

/** Seconds per call: the best of 5 loops of at least 50 ms, as the Python script times scipy. */
function secondsPerCall(run) {
  let repeats = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < repeats; i++) run();
    if (performance.now() - start >= 50) break;
    repeats *= 2;
  }
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const start = performance.now();
    for (let i = 0; i < repeats; i++) run();
    best = Math.min(best, (performance.now() - start) / 1000 / repeats);
  }
  return best;
}

/** The problems of the test set, by name (each: name, f in nabla's syntax, a, b, points, exact, scipy's record). */
export function quadProblems() {
  return JSON.parse(readFileSync(new URL("../src/numeric/integrate/quad-reference.json", import.meta.url), "utf8")).problems;
}

/** `nb.integrate.quad` on one problem of the set, as a function of no arguments (the integrand compiled once). */
export function quadRunner(nb, p) {
  const f = nb.parse(p.f).compile(["x"]);
  return () => nb.integrate.quad(f, end(p.a), end(p.b), p.points ? { points: p.points } : {});
}

/** Runs nabla's quad on every problem and pairs it with scipy's record. */
export async function integrateSection({ json = false } = {}) {
  const nb = await import("../dist/index.js");
  const rows = quadProblems().map((p) => {
    const run = quadRunner(nb, p);
    const r = run();
    const value = r.value.item();
    return {
      name: p.name,
      nabla: { nfev: r.nfev, solved: solved(value, p.exact, r.success), seconds: secondsPerCall(run) },
      scipy: { nfev: p.calls, solved: solved(p.value, p.exact, p.warning === null), seconds: p.seconds },
    };
  });
  const total = (side, key) => rows.reduce((s, r) => s + Number(r[side][key]), 0);
  const totals = Object.fromEntries(["nabla", "scipy"].map((side) => [side, { solved: total(side, "solved"), nfev: total(side, "nfev"), seconds: total(side, "seconds") }]));
  if (!json) {
    console.log(`\n## Integration: quad, nabla vs scipy.integrate.quad (${rows.length} problems)\n`);
    console.log("| | solved | points evaluated | seconds, all problems once |");
    console.log("| --- | --- | --- | --- |");
    for (const side of ["nabla", "scipy"]) {
      const t = totals[side];
      console.log(`| ${side} | ${t.solved} | ${t.nfev} | ${t.seconds.toFixed(4)} |`);
    }
  }
  return { rows, totals };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const json = process.argv.includes("--json");
  const result = await integrateSection({ json });
  if (json) console.log(JSON.stringify(result, null, 1));
}
