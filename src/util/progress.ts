/** Where a progress bar writes: a terminal-like stream (process.stderr in Node). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options for a progress bar. */
export interface ProgressOptions {
  /** Total number of steps. */
  total: number;
  /** Shown before the bar, e.g. "training". */
  label?: string;
  /** Print nothing (as with --quiet or --json). */
  quiet?: boolean;
  /** Defaults to process.stderr when running in Node; without a stream the bar is silent. */
  stream?: ProgressStream;
}

const BAR_WIDTH = 24;
/** Redraw at most this often in a terminal; off a terminal, print about ten plain lines. */
const REDRAW_MS = 80;

function defaultStream(): ProgressStream | undefined {
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  return proc?.stderr;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "--";
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/**
 * A terminal progress bar with the current metrics and an ETA. In a terminal it redraws
 * one line; elsewhere (CI logs, pipes) it prints a plain line every tenth of the way.
 *
 * @example
 * const lines: string[] = [];
 * const bar = new nb.ProgressBar({ total: 10, label: "fit", stream: { write: (s: string) => lines.push(s) } });
 * for (let i = 1; i <= 10; i++) bar.update(i, { loss: 1 / i });
 * bar.done();
 * lines.at(-1)!.includes("10/10"); // => true
 */
export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly stream: ProgressStream | undefined;
  private line = "";
  private written = "";

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.quiet ? undefined : options.stream ?? defaultStream();
  }

  /** Records that `step` of `total` steps are done, with metrics to show (e.g. {loss}). */
  update(step: number, metrics: Record<string, number> = {}): void {
    if (!this.stream) return;
    this.line = this.render(step, metrics);
    const now = Date.now();
    if (this.stream.isTTY) {
      if (now - this.lastDraw >= REDRAW_MS || step >= this.options.total) {
        this.stream.write(`\r${this.line}\x1b[K`);
        this.lastDraw = now;
      }
    } else {
      const decile = Math.floor((10 * step) / Math.max(1, this.options.total));
      // The finished state is done()'s to print, once, with the metrics of the last update.
      if (decile > this.lastDecile && step < this.options.total) {
        this.stream.write(`${this.line}\n`);
        this.written = this.line;
        this.lastDecile = decile;
      }
    }
  }

  /** Ends the bar's line; off a terminal, prints the final state if the last plain line was older. */
  done(): void {
    if (this.stream?.isTTY) this.stream.write(`\r${this.line}\x1b[K\n`);
    else if (this.stream && this.line !== this.written) this.stream.write(`${this.line}\n`);
  }

  private render(step: number, metrics: Record<string, number>): string {
    const { total, label } = this.options;
    const fraction = Math.min(1, step / Math.max(1, total));
    const filled = Math.round(fraction * BAR_WIDTH);
    const elapsed = (Date.now() - this.start) / 1000;
    const eta = step > 0 ? (elapsed * (total - step)) / step : NaN;
    const shown = Object.entries(metrics).map(([k, v]) => `${k} ${formatMetric(v)}`).join("  ");
    const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
    const count = `${step}/${total}`.padStart(2 * String(total).length + 1);
    return `${label ? label + " " : ""}${bar} ${count}  ${shown}  ${step >= total ? "in " + formatSeconds(elapsed) : "ETA " + formatSeconds(eta)}`;
  }
}

function formatMetric(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e5) return String(v); // counts such as the epoch
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(5);
}
