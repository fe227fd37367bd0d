/**
 * Numeric CSV: parsing text (works anywhere, so a browser can fetch a file and hand over
 * its text) and reading a file (Node). Errors name the source, line and column.
 */
import { tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { readTextFile } from "../util/files.js";

/** A parsed numeric table. */
export interface CsvTable {
  /** Column names: from the header row, or column_0, column_1, … when there is none. */
  columns: string[];
  /** The numbers, one array per data row. */
  rows: number[][];
}

/** Options for parsing CSV. */
export interface CsvOptions {
  /** Whether the first row names the columns; "auto" (default) says yes when any of its cells is not a number. */
  header?: boolean | "auto";
  /** Field separator (default ","). */
  delimiter?: string;
  /** Named in error messages (a file name); default "csv". */
  source?: string;
}

/** Splits one line into fields, honouring double quotes ("a,b" and "" for a quote). */
function splitFields(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) (fields.push(field), (field = ""), (i += delimiter.length - 1));
    else field += ch;
  }
  fields.push(field);
  return fields;
}

/** A cell as a number, or NaN when it is not one (empty cells included). */
function numberOf(cell: string): number {
  const s = cell.trim();
  return s === "" ? NaN : Number(s);
}

/**
 * Parses numeric CSV text. Every data cell must be a finite number; a bad cell is an error
 * naming its line and column. Blank lines are skipped; a trailing newline is fine.
 * @example
 * nb.data.parseCsv("a,b\n1,2\n3,4.5\n"); // => { columns: ["a", "b"], rows: [[1, 2], [3, 4.5]] }
 * nb.data.parseCsv("1;2", { delimiter: ";" }).columns; // => ["column_0", "column_1"]
 * let message = "";
 * try { nb.data.parseCsv("a,b\n1,2\n3,x", { source: "my.csv" }); } catch (e) { message = (e as Error).message; }
 * message; // => 'my.csv:3:2: cell "x" in column "b" is not a number'
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const delimiter = options.delimiter ?? ",";
  const source = options.source ?? "csv";
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, number: i + 1 })).filter(({ line }) => line.trim() !== "");
  if (lines.length === 0) throw new NablaError(`${source}: no rows`);
  const first = splitFields(lines[0]!.line, delimiter);
  const header = options.header ?? "auto";
  const hasHeader = header === "auto" ? first.some((c) => !Number.isFinite(numberOf(c))) : header;
  const columns = hasHeader ? first.map((c) => c.trim()) : first.map((_, i) => `column_${i}`);
  const body = hasHeader ? lines.slice(1) : lines;
  const rows = body.map(({ line, number }) => {
    const cells = splitFields(line, delimiter);
    if (cells.length !== columns.length) {
      throw new NablaError(`${source}:${number}: ${cells.length} fields, but the ${hasHeader ? "header" : "first row"} has ${columns.length}`);
    }
    return cells.map((cell, j) => {
      const v = numberOf(cell);
      if (!Number.isFinite(v)) {
        const what = cell.trim() === "" ? "is empty" : `"${cell.trim()}" in column "${columns[j]}" is not a number`;
        throw new NablaError(`${source}:${number}:${j + 1}: cell ${what}`);
      }
      return v;
    });
  });
  if (rows.length === 0) throw new NablaError(`${source}: a header but no data rows`);
  return { columns, rows };
}

/** Features and targets of a dataset; `y` is [n] for one target column. */
export interface Dataset {
  x: Tensor;
  y: Tensor;
  featureNames: string[];
  /** Class names, index = label (classification datasets). */
  targetNames?: string[];
}

/** Options for turning a table into a dataset. */
export interface DatasetOptions extends CsvOptions {
  /** The target column, by name or index (default: the last column). */
  target?: string | number;
  /** Class names for the labels 0, 1, …; recorded on the dataset. */
  targetNames?: string[];
}

/**
 * Parses CSV text into features `x` [n, features] and targets `y` [n] (the `target` column,
 * the last by default). This is how `load` reads the bundled files; a browser can fetch a
 * CSV and call it directly.
 * @example
 * const d = nb.data.fromCsv("height,weight,label\n1.5,50,0\n1.8,80,1");
 * d.x.toArray(); // => [[1.5, 50], [1.8, 80]]
 * d.y.toArray(); // => [0, 1]
 * d.featureNames; // => ["height", "weight"]
 */
export function fromCsv(text: string, options: DatasetOptions = {}): Dataset {
  const { columns, rows } = parseCsv(text, options);
  const target = options.target ?? columns.length - 1;
  const t = typeof target === "number" ? target : columns.indexOf(target);
  if (!Number.isInteger(t) || t < 0 || t >= columns.length) {
    throw new NablaError(`${options.source ?? "csv"}: no target column ${JSON.stringify(target)}; the columns are ${columns.join(", ")}`);
  }
  if (columns.length < 2) throw new NablaError(`${options.source ?? "csv"}: needs at least one feature column besides the target`);
  const features = columns.map((_, j) => j).filter((j) => j !== t);
  return {
    x: tensor(rows.map((r) => features.map((j) => r[j]!))),
    y: tensor(rows.map((r) => r[t]!)),
    featureNames: features.map((j) => columns[j]!),
    ...(options.targetNames ? { targetNames: options.targetNames } : {}),
  };
}

/**
 * Reads a numeric CSV file into a dataset (Node only; in a browser, fetch the text and use `fromCsv`).
 * @example
 * typeof nb.data.readCsv; // => "function"
 */
export function readCsv(path: string, options: DatasetOptions = {}): Dataset {
  return fromCsv(readTextFile(path, "readCsv"), { source: path, ...options });
}

/**
 * Reads a numeric CSV file as a table of columns and rows, with no target column (Node only).
 * @example
 * typeof nb.data.readCsvTable; // => "function"
 */
export function readCsvTable(path: string, options: CsvOptions = {}): CsvTable {
  return parseCsv(readTextFile(path, "readCsvTable"), { source: path, ...options });
}
