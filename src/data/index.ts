/**
 * Data (`nb.data`): the bundled datasets, CSV loading, splits, standardisation, one-hot
 * labels and seeded mini-batches.
 * @module
 */
export { parseCsv, fromCsv, readCsv, readCsvTable } from "./csv.js";
export type { CsvOptions, CsvTable, Dataset, DatasetOptions } from "./csv.js";
export { datasets, load, parseBundled } from "./datasets.js";
export type { DatasetInfo, DatasetName } from "./datasets.js";
export { batches, oneHot, permutation, standardize, trainTestSplit } from "./prepare.js";
export type { Batch, BatchOptions, Split, SplitOptions, Standardizer } from "./prepare.js";
export { karateClub } from "./karate.js";
export type { GraphDataset } from "./karate.js";
