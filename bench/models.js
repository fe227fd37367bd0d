// The models section of `npm run bench`: nb.models fit times beside scikit-learn 1.2 / XGBoost
// 1.7 (bench/models/sklearn_bench.py, run with /usr/bin/python3) on the same cases and split
// (every fifth row held out, X standardised on the training rows; the loading and splitting is
// inside both timings). Median of 5 fits after a warm-up. Times, so only the same machine and
// run compare.
//
// Run alone: `npm run build && node bench/models.js [--json]`, or `node --expose-gc
// bench/run.js --only=models`.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import * as nb from "../dist/node.js";
import { median } from "./peers.js";

function split(name) {
  const d = nb.data.load(name);
  const train = Array.from({ length: d.x.shape[0] }, (_, i) => i).filter((i) => i % 5 !== 0);
  const x = nb.gather(d.x, nb.tensor(train), 0);
  return { x: nb.data.standardize(x).transform(x), y: nb.gather(d.y, nb.tensor(train), 0) };
}

function gpData() {
  const { x, y } = split("diabetes");
  const yy = Array.from(y.values()).slice(0, 100);
  const mean = yy.reduce((a, v) => a + v, 0) / 100;
  const sd = Math.sqrt(yy.reduce((a, v) => a + (v - mean) ** 2, 0) / 100);
  return { x: nb.slice(x, [0, 0], [100, x.shape[1]]), y: yy.map((v) => (v - mean) / sd) };
}

const M = nb.models;
export const CASES = {
  "LinearRegression diabetes": () => { const s = split("diabetes"); new M.LinearRegression().fit(s.x, s.y); },
  "Ridge diabetes": () => { const s = split("diabetes"); new M.Ridge({ alpha: 1 }).fit(s.x, s.y); },
  "Lasso diabetes": () => { const s = split("diabetes"); new M.Lasso({ alpha: 0.5 }).fit(s.x, s.y); },
  "LogisticRegression breast-cancer": () => { const s = split("breast-cancer"); new M.LogisticRegression({ C: 1 }).fit(s.x, s.y); },
  "SVC rbf breast-cancer": () => { const s = split("breast-cancer"); new M.SVC({ C: 1 }).fit(s.x, s.y); },
  "GaussianMixture iris (3)": () => new M.GaussianMixture({ nComponents: 3, seed: 0 }).fit(split("iris").x),
  "GaussianProcess rbf diabetes[100]": () => { const s = gpData(); new M.GaussianProcessRegressor({ kernel: { type: "rbf" }, noise: 1 }).fit(s.x, s.y); },
  "GradientBoosting diabetes (50×depth 3)": () => { const s = split("diabetes"); new M.GradientBoosting({ nEstimators: 50, maxDepth: 3, learningRate: 0.1 }).fit(s.x, s.y); },
  "PCA digits": () => new M.PCA().fit(split("digits").x),
};

/** Times every case (or those whose name contains `only`) in nabla and in scikit-learn/XGBoost. */
export async function modelsSection({ json = false, quiet = false, only } = {}) {
  const names = Object.keys(CASES).filter((n) => only === undefined || only === "models" || n.includes(only));
  const py = spawnSync("/usr/bin/python3", [new URL("./models/sklearn_bench.py", import.meta.url).pathname, JSON.stringify(names)], { encoding: "utf8", timeout: 600_000 });
  const peer = py.status === 0 ? JSON.parse(py.stdout) : {};
  const rows = names.map((name) => {
    CASES[name]();
    const times = [];
    for (let r = 0; r < 5; r++) {
      const start = performance.now();
      CASES[name]();
      times.push(performance.now() - start);
    }
    const nabla = median(times);
    const sklearn = peer[name] ?? null;
    if (!quiet) process.stderr.write(`  models: ${name}\n`);
    return { work: name, nablaMs: nabla, sklearnMs: sklearn, speedup: sklearn === null ? null : sklearn / nabla };
  });
  if (!json) {
    console.log("\nmodels: fit time in ms (median of 5; sklearn 1.2 / XGBoost 1.7 on one thread via /usr/bin/python3; nabla vs sk: how many times faster nabla is)" + (py.status === 0 ? "" : ` — python failed: ${(py.stderr || "").trim().split("\n").at(-1)}`));
    const width = Math.max(...rows.map((r) => r.work.length));
    console.log(`${"work".padEnd(width)}  ${"nabla".padStart(9)}  ${"sklearn".padStart(9)}  ${"nabla vs sk".padStart(11)}`);
    for (const r of rows) {
      console.log(`${r.work.padEnd(width)}  ${r.nablaMs.toFixed(1).padStart(9)}  ${(r.sklearnMs?.toFixed(1) ?? "-").padStart(9)}  ${(r.speedup === null ? "-" : `${r.speedup.toFixed(2)}×`).padStart(11)}`);
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await modelsSection({ json: process.argv.includes("--json"), quiet: process.argv.includes("--json") });
  if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
}
