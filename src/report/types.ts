/** The shapes of `nabla report`: options, table rows, claims and the whole report. */

/** How much to run. */
export interface ReportOptions {
  /** Fewer iterations and epochs: the whole report in well under five minutes on two cores. */
  quick: boolean;
  /** Seeds every experiment; the same seed gives the same numbers (timings aside). */
  seed: number;
}

/** A table cell: JSON numbers, strings and booleans only (never null or NaN). */
export type Cell = number | string | boolean;

/** One row of a table. Time is kept under `timeMs` so that two runs differ only there. */
export type Row = Record<string, Cell>;

/** A line of a convergence plot. */
export interface Series {
  label: string;
  /** y values at x = 0, 1, 2, … (non-finite values end the line). */
  values: number[];
}

/** A plot drawn as inline SVG in index.html. */
export interface Plot {
  title: string;
  xLabel: string;
  yLabel: string;
  logY: boolean;
  series: Series[];
}

/** One of the survey's tables, run as an experiment. */
export interface Table {
  /** "2", "4", "5" or "6". */
  id: string;
  title: string;
  /** What was run, in a sentence or two. */
  method: string;
  /** The columns, in order (keys of the rows). */
  columns: string[];
  rows: Row[];
  plots: Plot[];
  /** Where the Lab replays the experiment: its route (`#/race`) and what to do there. */
  lab?: { route: string; how: string };
}

/** A claim from the survey or the seeds, decided by an experiment. */
export interface Claim {
  claim: string;
  /** Where the claim comes from. */
  source: string;
  verdict: "confirmed" | "refuted" | "depends";
  /** The numbers that decided it, naming the experiment (a table and its rows). */
  evidence: string;
}

/** What report.json holds. */
export interface Report {
  tables: Record<string, Row[]>;
  claims: Claim[];
  seed: number;
  quick: boolean;
  seconds: number;
}
