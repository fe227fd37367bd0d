/**
 * The five bundled datasets (data/*.csv in the package; provenance in data/README.md).
 */
import { NablaError } from "../tensor/errors.js";
import { readTextFile } from "../util/files.js";
import { type Dataset, fromCsv } from "./csv.js";

/** The name of a bundled dataset. */
export type DatasetName = "iris" | "digits" | "breast-cancer" | "wine" | "diabetes";

/** What a bundled dataset is. */
export interface DatasetInfo {
  name: DatasetName;
  task: "classification" | "regression";
  samples: number;
  features: number;
  /** Class names, index = label. */
  targetNames?: string[];
  description: string;
}

const catalog: Record<DatasetName, DatasetInfo> = {
  iris: {
    name: "iris", task: "classification", samples: 150, features: 4, targetNames: ["setosa", "versicolor", "virginica"],
    description: "Fisher's irises: sepal and petal lengths and widths (cm) of three species",
  },
  digits: {
    name: "digits", task: "classification", samples: 1797, features: 64, targetNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    description: "handwritten digits as 8×8 images of pixel counts 0–16 (UCI optical recognition, test part)",
  },
  "breast-cancer": {
    name: "breast-cancer", task: "classification", samples: 569, features: 30, targetNames: ["malignant", "benign"],
    description: "Wisconsin diagnostic breast cancer: 30 measurements of cell nuclei",
  },
  wine: {
    name: "wine", task: "classification", samples: 178, features: 13, targetNames: ["class_0", "class_1", "class_2"],
    description: "chemical analysis of wines from three cultivars",
  },
  diabetes: {
    name: "diabetes", task: "regression", samples: 442, features: 10,
    description: "disease progression one year after baseline from ten standardised measurements (Efron et al. 2004)",
  },
};

/**
 * The bundled datasets and what they hold.
 * @example
 * nb.data.datasets().map((d) => d.name); // => ["iris", "digits", "breast-cancer", "wine", "diabetes"]
 */
export function datasets(): DatasetInfo[] {
  return Object.values(catalog);
}

function infoOf(name: string): DatasetInfo {
  const info = catalog[name as DatasetName];
  if (!info) throw new NablaError(`unknown dataset "${name}"; the bundled ones are ${Object.keys(catalog).join(", ")}`);
  return info;
}

/**
 * Parses a bundled dataset from its CSV text, for environments that fetch the file
 * themselves (a browser: `fetch(".../data/iris.csv")`). `load` does the same from disk.
 * @example
 * nb.data.parseBundled("iris", "a,b,c,d,target\n5.1,3.5,1.4,0.2,0").targetNames; // => ["setosa", "versicolor", "virginica"]
 */
export function parseBundled(name: DatasetName, csvText: string): Dataset {
  const info = infoOf(name);
  return fromCsv(csvText, { source: `${name}.csv`, target: "target", ...(info.targetNames ? { targetNames: info.targetNames } : {}) });
}

/**
 * Loads a bundled dataset (Node): `x` [samples, features], `y` [samples] (class labels or the
 * regression target), `featureNames`, and `targetNames` for classification.
 * @example
 * const iris = nb.data.load("iris");
 * iris.x.shape; // => [150, 4]
 * iris.targetNames; // => ["setosa", "versicolor", "virginica"]
 * nb.data.load("diabetes").y.shape; // => [442]
 */
export function load(name: DatasetName): Dataset {
  infoOf(name);
  // data/ sits at the package root, two levels above both src/data and dist/data.
  return parseBundled(name, readTextFile(new URL(`../../data/${name}.csv`, import.meta.url), "load"));
}
