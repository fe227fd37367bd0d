/** Small helpers the report's experiments share. */
import * as nb from "../index.js";

/** A number for the report: finite values as they are, anything else spelled out (report.json holds no NaN). */
export function finite(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? "diverged (NaN)" : v > 0 ? "diverged (+∞)" : "−∞";
}

/** Runs `f` and measures its wall time in milliseconds (reported under `timeMs`, the one key allowed to differ between runs). */
export function timed<T>(f: () => T): { value: T; timeMs: number } {
  const start = performance.now();
  const value = f();
  return { value, timeMs: Math.round((performance.now() - start) * 10) / 10 };
}

/** A number rounded to `digits` significant digits, for evidence sentences. */
export function sig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

/** The digits, split 80/20 (stratified, seeded) and standardised on the training part: Tables 2 and 6 train on it. */
export function digitsTask(seed: number): { train: nb.nn.Data; test: nb.nn.Data } {
  const digits = nb.data.load("digits");
  const split = nb.data.trainTestSplit(digits.x, digits.y, { stratify: true, seed });
  const scaler = nb.data.standardize(split.xTrain);
  return { train: { x: scaler.transform(split.xTrain), y: split.yTrain }, test: { x: scaler.transform(split.xTest), y: split.yTest } };
}
