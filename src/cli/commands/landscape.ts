/** `nabla landscape`: an expression's critical points in a region with their kinds, the Hessian spectrum at a point, and a picture. */
import * as nb from "../../index.js";
import { type Command, type CommandInput, UsageError, WRT_LIST_OPTION, expressionArgument, formatNumber, formatPoint, numberOption, pointOption, stringOption, variablesOption, writeNewFile } from "../command.js";
import { type Box, densitySvg, landscapeSvg } from "../plot.js";
import { DATA_OPTION, MODEL_FILE_OPTION, loadData } from "../training.js";
import { modelTask } from "./evaluate.js";

/** One critical point, with the variables named. */
export interface LandscapePoint {
  at: Record<string, number>;
  value: number;
  kind: nb.landscape.PointKind;
  morseIndex: number;
  eigenvalues: number[];
}

/** An expression's landscape (see LandscapeModelResult for a model's). */
export interface LandscapeResult {
  mode: "expression";
  expression: string;
  variables: string[];
  /** The region searched: [lower, upper] per variable. */
  region: [number, number][];
  criticalPoints: LandscapePoint[];
  /** With --at: the point's classification and Hessian spectrum. */
  at?: { at: Record<string, number>; value: number; kind: nb.landscape.PointKind; gradNorm: number; morseIndex: number; conditionNumber: number; eigenvalues: number[] };
  plot?: string;
}

/** A saved model's loss curvature on a dataset. */
export interface LandscapeModelResult {
  mode: "model";
  model: string;
  data: string;
  samples: number;
  parameters: number;
  loss: number;
  /** The largest Hessian eigenvalues, descending, and the smallest. */
  topEigenvalues: number[];
  smallestEigenvalue: number;
  trace: number;
  traceStderr: number;
  /** Hessian-vector products used in all. */
  nhvp: number;
  plot?: string;
}

const named = (names: readonly string[], values: readonly number[]): Record<string, number> =>
  Object.fromEntries(names.map((n, i) => [n, values[i]!]));

/** --region a,b,c,d: lower and upper per variable (default [−5, 5] each). */
function regionOption(input: CommandInput, variables: readonly string[]): [number, number][] {
  const text = stringOption(input, "region");
  if (text === undefined) return variables.map(() => [-5, 5]);
  const values = text.split(",").map((v) => numberOption(v, "--region"));
  if (values.length !== 2 * variables.length) {
    throw new UsageError(`--region needs a lower and an upper bound per variable (${2 * variables.length} numbers for ${variables.join(", ")}), got ${values.length}`);
  }
  const pairs = variables.map((_, i) => [values[2 * i]!, values[2 * i + 1]!] as [number, number]);
  const bad = pairs.findIndex(([a, b]) => !(a < b));
  if (bad >= 0) throw new UsageError(`--region: the bounds of ${variables[bad]} must be lower,upper with lower < upper`);
  return pairs;
}

/** --at x=1,y=2 or --at 1,2 (values in --wrt order). */
function atOption(input: CommandInput, variables: readonly string[]): number[] | undefined {
  const text = stringOption(input, "at");
  if (text === undefined) return undefined;
  if (text.includes("=")) {
    const point = pointOption(text);
    const missing = variables.filter((v) => !(v in point));
    if (missing.length) throw new UsageError(`--at gives no value for ${missing.join(", ")}`);
    return variables.map((v) => point[v]!);
  }
  const values = text.split(",").map((v) => numberOption(v, "--at"));
  if (values.length !== variables.length) throw new UsageError(`--at gives ${values.length} value(s) for ${variables.length} variable(s) (${variables.join(", ")})`);
  return values;
}

/** The model mode: λmax and the top of the spectrum, the trace and the density of a saved model's loss. */
function modelLandscape(input: CommandInput): LandscapeModelResult {
  const path = stringOption(input, "model")!;
  if (input.args.length) throw new UsageError("give either an expression or --model, not both");
  const { model, metadata } = nb.nn.readModelFile(path);
  const { task } = modelTask(metadata, path, model);
  const { name, dataset } = loadData(input);
  const samplesText = stringOption(input, "samples");
  const samples = Math.min(samplesText === undefined ? 1000 : numberOption(samplesText, "--samples"), dataset.x.shape[0]!);
  if (!Number.isInteger(samples) || samples < 1) throw new UsageError(`--samples must be a positive integer, got ${samplesText}`);
  const rows = nb.arange(0, samples);
  const x = nb.gather(dataset.x, rows, 0);
  const y = nb.gather(dataset.y, rows, 0);
  const loss = (p: nb.nn.Params): nb.Tensor => {
    const out = model.withParams(p).forward(x);
    return task === "classification" ? nb.nn.softmaxCrossEntropy(out, y) : nb.nn.mseLoss(out, nb.reshape(y, out.shape));
  };
  const params = nb.nn.parameters(model);
  const plot = stringOption(input, "plot");
  const bar = new nb.ProgressBar({ total: plot === undefined ? 3 : 4, label: "landscape", quiet: Boolean(input.options.quiet || input.options.json) });
  const top = nb.landscape.hessianEigs(loss, params, { k: 3, tol: 1e-6 });
  bar.update(1, { lambdaMax: top.eigenvalues[0]! });
  const bottom = nb.landscape.hessianEigs(loss, params, { k: 1, which: "smallest", tol: 1e-6 });
  bar.update(2);
  const trace = nb.landscape.hessianTrace(loss, params, { samples: 20 });
  bar.update(3);
  const result: LandscapeModelResult = {
    mode: "model", model: path, data: name, samples, parameters: Object.values(params).reduce((s, t) => s + t.size, 0),
    loss: loss(params).item(), topEigenvalues: top.eigenvalues, smallestEigenvalue: bottom.eigenvalues[0]!,
    trace: trace.trace, traceStderr: trace.stderr, nhvp: top.nhvp + bottom.nhvp + trace.nhvp,
  };
  if (plot !== undefined) {
    const density = nb.landscape.spectralDensity(loss, params, { steps: 30, probes: 2 });
    writeNewFile(plot, densitySvg(density.grid, density.density, `Hessian spectral density of ${path} on ${name}`), "never", "--plot");
    result.plot = plot;
    result.nhvp += density.nhvp;
  }
  bar.done();
  return result;
}

function renderModel(r: LandscapeModelResult): string {
  return [
    `${r.model} on ${r.data} (${r.samples} samples, ${r.parameters} parameters): loss ${formatNumber(r.loss)}`,
    `  largest Hessian eigenvalues: ${r.topEigenvalues.map(formatNumber).join(", ")}`,
    `  smallest Hessian eigenvalue: ${formatNumber(r.smallestEigenvalue)}`,
    `  trace: ${formatNumber(r.trace)} ± ${formatNumber(r.traceStderr)} (Hutchinson, 20 probes)`,
    `  ${r.nhvp} Hessian-vector products`,
    ...(r.plot ? [`density plot written to ${r.plot}`] : []),
  ].join("\n");
}

export const landscape: Command<LandscapeResult | LandscapeModelResult> = {
  name: "landscape",
  describe: "critical points of an expression in a region (minima, saddles, maxima), the Hessian spectrum at a point, and a contour picture",
  usage: "<expression> [--wrt x,y] [--region a,b,c,d] [--at x,y] [--starts 100] [--plot out.svg] | --model m.nabla --data digits [--samples 1000] [--plot density.svg]",
  examples: [
    'nabla landscape "(x^2 + y - 11)^2 + (x + y^2 - 7)^2" --region -5,5,-5,5 --plot himmelblau.svg',
    'nabla landscape "x^2 - y^2 + y^4/4" --at 0,0 --json',
    "nabla landscape --model digits.nabla --data digits --plot density.svg",
  ],
  options: [
    WRT_LIST_OPTION,
    { name: "region", type: "string", placeholder: "-5,5,-5,5", description: "lower,upper for each variable in --wrt order (default -5,5 each)" },
    { name: "at", type: "string", placeholder: "0,0", description: "also classify this point and give its Hessian spectrum (x=0,y=0 or 0,0)" },
    { name: "starts", type: "string", placeholder: "100", description: "starting points of the critical-point search" },
    { name: "plot", type: "string", placeholder: "out.svg", description: "write contours with the critical points marked (two variables), or with --model the spectral density, as SVG (never overwrites a file)" },
    MODEL_FILE_OPTION,
    DATA_OPTION,
    { name: "samples", type: "string", placeholder: "1000", description: "with --model: the first this many rows of the data make the loss" },
    { name: "quiet", type: "boolean", description: "no progress bar on stderr" },
  ],
  run(input) {
    if (stringOption(input, "model") !== undefined) return modelLandscape(input);
    const expr = expressionArgument(input);
    const variables = variablesOption(expr, input);
    const region = regionOption(input, variables);
    const at = atOption(input, variables);
    const startsText = stringOption(input, "starts");
    const starts = startsText === undefined ? 100 : numberOption(startsText, "--starts");
    if (!Number.isInteger(starts) || starts < 1) throw new UsageError(`--starts must be a positive integer, got ${startsText}`);
    const plot = stringOption(input, "plot");
    if (plot !== undefined && variables.length !== 2) throw new UsageError(`--plot draws functions of two variables; this one has ${variables.length}`);
    const compiled = expr.compile(variables);
    const f = (p: nb.Tensor): nb.Tensor => nb.sum(compiled(...variables.map((_, i) => nb.reshape(nb.slice(p, [i], [1]), []))));
    const bar = new nb.ProgressBar({ total: starts, label: "critical points", quiet: Boolean(input.options.quiet || input.options.json) });
    const points = nb.landscape.criticalPoints(f, region.map((r) => r[0]), region.map((r) => r[1]), { starts, onProgress: (done, found) => bar.update(done, { found }) });
    bar.done();
    const result: LandscapeResult = {
      mode: "expression",
      expression: expr.toString(),
      variables,
      region,
      criticalPoints: points.map((p) => ({ at: named(variables, p.x), value: p.value, kind: p.kind, morseIndex: p.morseIndex, eigenvalues: p.eigenvalues })),
    };
    if (at) {
      const c = nb.landscape.classify(f, nb.tensor(at));
      result.at = { at: named(variables, at), value: f(nb.tensor(at)).item(), kind: c.kind, gradNorm: c.gradNorm, morseIndex: c.morseIndex, conditionNumber: c.conditionNumber, eigenvalues: c.eigenvalues };
    }
    if (plot !== undefined) {
      const box = region.flat() as Box;
      const marks = points.map((p) => ({ x: p.x[0]!, y: p.x[1]!, morseIndex: p.morseIndex, label: `${p.kind} f = ${formatNumber(p.value)}` }));
      writeNewFile(plot, landscapeSvg((x, y) => compiled(x, y), box, marks, variables), "never", "--plot");
      result.plot = plot;
    }
    return result;
  },
  render(r) {
    if (r.mode === "model") return renderModel(r);
    const regionText = r.region.map(([a, b], i) => `${r.variables[i]} ∈ [${a}, ${b}]`).join(", ");
    const lines = [`landscape of ${r.expression} on ${regionText}: ${r.criticalPoints.length} critical point(s)`];
    for (const p of r.criticalPoints) {
      lines.push(`  ${p.kind.padEnd(10)} f = ${formatNumber(p.value).padEnd(12)} at ${formatPoint(p.at)}  (Morse index ${p.morseIndex}; eigenvalues ${p.eigenvalues.map(formatNumber).join(", ")})`);
    }
    if (r.at) {
      lines.push(`at ${formatPoint(r.at.at)}: ${r.at.kind}, f = ${formatNumber(r.at.value)}, |∇f| = ${formatNumber(r.at.gradNorm)}`);
      lines.push(`  Hessian eigenvalues: ${r.at.eigenvalues.map(formatNumber).join(", ")} (Morse index ${r.at.morseIndex}, condition number ${formatNumber(r.at.conditionNumber)})`);
    }
    if (r.plot) lines.push(`plot written to ${r.plot}`);
    return lines.join("\n");
  },
};
