// `npm run nn-quality`: trains the reference models of docs/nn.md on the bundled datasets
// (stratified 80/20 splits, seed 0) and prints test scores and training times. The tests
// check the quality bar with smaller runs; this script records the full-quality figures.
// `--json` prints the results as JSON. Not part of `npm test`.
import { performance } from "node:perf_hooks";
import * as nb from "../dist/index.js";

const JSON_OUT = process.argv.includes("--json");
const nn = nb.nn;

function split(name) {
  const d = nb.data.load(name);
  return nb.data.trainTestSplit(d.x, d.y, { testSize: 0.2, seed: 0, stratify: name !== "diabetes" });
}

function train(model, x, y, { loss, lr, epochs, batchSize }) {
  const steps = epochs * Math.ceil(x.shape[0] / batchSize);
  const start = performance.now();
  const result = nn.fit(model, { x, y }, {
    loss, optimizer: nb.optim.adam({ lr: nb.optim.schedules.cosine(lr, steps) }), epochs, batchSize, quiet: JSON_OUT,
  });
  return { ...result, seconds: (performance.now() - start) / 1000, samplesPerSecond: (epochs * x.shape[0]) / ((performance.now() - start) / 1000) };
}

/** Least squares with an intercept by the normal equations, solved by Gaussian elimination. */
function leastSquaresR2(xTrain, yTrain, xTest, yTest) {
  const rows = xTrain.toArray().map((r) => [...r, 1]);
  const y = Array.from(yTrain.values());
  const n = rows[0].length;
  const m = rows[0].map((_, i) => [...rows[0].map((__, j) => rows.reduce((a, r) => a + r[i] * r[j], 0)), rows.reduce((a, r, k) => a + r[i] * y[k], 0)]);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      if (k === i) continue;
      const f = m[k][i] / m[i][i];
      for (let j = i; j <= n; j++) m[k][j] -= f * m[i][j];
    }
  }
  const beta = m.map((r, i) => r[n] / r[i]);
  return nn.r2Score(yTest, xTest.toArray().map((r) => r.reduce((a, v, j) => a + v * beta[j], beta[n - 1])));
}

const results = [];
const record = (task, model, metric, value, run, extra = {}) => {
  results.push({ task, model, metric, value, seconds: +run.seconds.toFixed(2), samplesPerSecond: Math.round(run.samplesPerSecond), ...extra });
};

{
  const s = split("digits");
  const [xTrain, xTest] = [nb.div(s.xTrain, 16), nb.div(s.xTest, 16)];
  const mlp = (hidden) => new nn.Sequential(
    ...hidden.flatMap((h, i) => [new nn.Linear(i === 0 ? 64 : hidden[i - 1], h, { seed: i, init: "heNormal" }), new nn.ReLU()]),
    new nn.Linear(hidden.at(-1), 10, { seed: 99 }),
  );
  for (const [hidden, epochs] of [[[256], 30], [[256, 128], 40]]) {
    const run = train(mlp(hidden), xTrain, s.yTrain, { loss: "crossEntropy", lr: 3e-3, epochs, batchSize: 32 });
    const acc = nn.accuracy(s.yTest, nn.predictClasses(run.model.forward(xTest)));
    record("digits", `MLP 64-${hidden.join("-")}-10, ${epochs} epochs`, "test accuracy", acc, run);
  }
}
for (const [name, features, classes] of [["breast-cancer", 30, 1], ["wine", 13, 3], ["iris", 4, 3]]) {
  const s = split(name);
  const scaler = nb.data.standardize(s.xTrain);
  const loss = classes === 1 ? "binaryCrossEntropy" : "crossEntropy";
  const run = train(new nn.Linear(features, classes, { seed: 0 }), scaler.transform(s.xTrain), s.yTrain, { loss, lr: 0.05, epochs: 50, batchSize: 32 });
  const acc = nn.accuracy(s.yTest, nn.predictClasses(run.model.forward(scaler.transform(s.xTest))));
  record(name, "logistic regression (one Linear layer)", "test accuracy", acc, run);
}
{
  const s = split("diabetes");
  const scaler = nb.data.standardize(s.xTrain);
  const [xTrain, xTest] = [scaler.transform(s.xTrain), scaler.transform(s.xTest)];
  const run = train(new nn.Linear(10, 1, { seed: 0 }), xTrain, s.yTrain, { loss: "mse", lr: 2, epochs: 60, batchSize: 32 });
  const r2 = nn.r2Score(s.yTest, run.model.forward(xTest));
  record("diabetes", "linear model", "test R²", r2, run, { leastSquaresR2: leastSquaresR2(xTrain, s.yTrain, xTest, s.yTest) });
}

if (JSON_OUT) console.log(JSON.stringify(results, null, 2));
else {
  console.log("\n| task | model | metric | value | training time | samples/s |\n| --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    const ls = r.leastSquaresR2 === undefined ? "" : ` (least squares ${r.leastSquaresR2.toFixed(4)})`;
    console.log(`| ${r.task} | ${r.model} | ${r.metric} | ${r.value.toFixed(4)}${ls} | ${r.seconds} s | ${r.samplesPerSecond} |`);
  }
}
