/**
 * The split and the reference numbers the nb.models tests share: every fifth row (index % 5
 * == 0) is held out, X is standardised with the training rows' mean and population standard
 * deviation. scripts/models-reference.py builds the same split with scikit-learn and XGBoost
 * and wrote src/models/reference.json, which the tests read (no Python needed).
 */
import { readFileSync } from "node:fs";
import * as nb from "../src/index.js";

export interface ReferenceSplit {
  xTrain: nb.Tensor;
  yTrain: nb.Tensor;
  xTest: nb.Tensor;
  yTest: nb.Tensor;
}

function rows(t: nb.Tensor, keep: (i: number) => boolean): nb.Tensor {
  const idx = Array.from({ length: t.shape[0]! }, (_, i) => i).filter(keep);
  return nb.gather(t, nb.tensor(idx), 0);
}

/** The reference split of a bundled dataset, optionally restricted to some classes. */
export function referenceSplit(name: nb.data.DatasetName, options: { standardise?: boolean; classes?: number[] } = {}): ReferenceSplit {
  const d = nb.data.load(name);
  const test = (i: number) => i % 5 === 0;
  let xTrain = rows(d.x, (i) => !test(i));
  let xTest = rows(d.x, test);
  let yTrain = rows(d.y, (i) => !test(i));
  let yTest = rows(d.y, test);
  if (options.standardise !== false) {
    const s = nb.data.standardize(xTrain);
    xTrain = s.transform(xTrain);
    xTest = s.transform(xTest);
  }
  if (options.classes) {
    const keep = (y: nb.Tensor) => { const v = y.values(); return (i: number) => options.classes!.includes(v[i]!); };
    [xTrain, yTrain] = [rows(xTrain, keep(yTrain)), rows(yTrain, keep(yTrain))];
    [xTest, yTest] = [rows(xTest, keep(yTest)), rows(yTest, keep(yTest))];
  }
  return { xTrain, yTrain, xTest, yTest };
}

/** src/models/reference.json, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reference: any = JSON.parse(readFileSync(new URL("../src/models/reference.json", import.meta.url), "utf8"));

/** Largest |a − b| / max(|b|, floor) over two lists. */
export function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return worst;
}
