/**
 * Claims from the survey and the seeds, each decided by an experiment: the tables' rows or a
 * computation of its own, with the numbers that decided it.
 */
import * as nb from "../index.js";
import type { Claim, Row, Table } from "./types.js";
import { sig } from "./util.js";

type Tables = Record<string, Table>;

function rowOf(table: Table, key: string, value: string): Row {
  const row = table.rows.find((r) => r[key] === value);
  if (!row) throw new Error(`report: table ${table.id} has no row with ${key} = ${value}`);
  return row;
}

const num = (row: Row, key: string): number => (typeof row[key] === "number" ? (row[key] as number) : NaN);

/** sin x + x² is convex: f″ = 2 − sin x ≥ 1 everywhere, checked by Taylor mode on a fine grid. */
function sinPlusSquare(): Claim {
  const grid = Array.from({ length: 2001 }, (_, i) => -10 + i / 100);
  const second = grid.map((x) => nb.derivatives((t) => nb.add(nb.sin(t), nb.square(t)), x, 2)[2]!);
  const least = Math.min(...second);
  return {
    claim: "sin x + x² is non-convex", source: "a seed blog post on convexity",
    verdict: least > 0 ? "refuted" : "confirmed",
    evidence: `f″(x) = 2 − sin x ≥ 1: the smallest f″ on 2,001 points of [−10, 10] (nb.derivatives, exact) is ${sig(least, 6)}, so f is strictly convex`,
  };
}

/** Confirmed when the LSTM carries 10× more gradient back than the RNN as initialised; "depends" when only with open forget gates. */
function lstmVerdict(lstm: number, openForget: number, rnn: number): Claim["verdict"] {
  if (lstm > 10 * rnn) return "confirmed";
  return openForget > 10 * rnn ? "depends" : "refuted";
}

function gradientFlowClaims(t4: Table): Claim[] {
  const ratio = (name: string) => num(rowOf(t4, "component", name), "minOverMax");
  const cite = (name: string) => `${name}: ${sig(ratio(name))}`;
  return [
    {
      claim: "Deep sigmoid networks suffer from vanishing gradients", source: "survey, Table 4",
      verdict: ratio("sigmoid") < 1e-3 ? "confirmed" : "refuted",
      evidence: `Table 4, smallest/largest layer gradient norm over 20 layers: ${cite("sigmoid")}`,
    },
    {
      claim: "ReLU avoids the vanishing gradient of saturating activations", source: "survey, Table 4",
      verdict: ratio("ReLU") > 1e-2 && ratio("ReLU") > 100 * ratio("sigmoid") ? "confirmed" : "depends",
      evidence: `Table 4: ${cite("ReLU")} against ${cite("sigmoid")} (He initialisation for ReLU)`,
    },
    {
      claim: "Residual connections keep gradients flowing through deep stacks", source: "survey, Table 4",
      verdict: ratio("residual x + tanh(Wx)") > 0.1 ? "confirmed" : "refuted",
      evidence: `Table 4: ${cite("residual x + tanh(Wx)")} against ${cite("tanh")} without the skip`,
    },
    {
      claim: "Normalisation layers counter vanishing gradients", source: "survey, Table 4",
      verdict: ratio("batch norm + sigmoid") > 10 * ratio("sigmoid") ? "confirmed" : "depends",
      evidence: `Table 4: ${cite("batch norm + sigmoid")}, ${cite("layer norm + sigmoid")} against ${cite("sigmoid")}`,
    },
    {
      claim: "LSTMs mitigate the vanishing gradient of plain RNNs", source: "survey, Table 3/4",
      verdict: lstmVerdict(ratio("LSTM, 20 time steps"), ratio("LSTM with forget-gate bias 1, 20 time steps"), ratio("plain RNN (tanh), 20 time steps")),
      evidence: `Table 4, share of ‖∂L/∂x_t‖ reaching the first of 20 steps at initialisation: ${cite("plain RNN (tanh), 20 time steps")}; ${cite("LSTM, 20 time steps")}; ${cite("LSTM with forget-gate bias 1, 20 time steps")}`,
    },
  ];
}

function optimizerClaims(t2: Table, t5: Table): Claim[] {
  const quad = "ill-conditioned quadratic (κ = 10⁶, n = 10)";
  const on = (problem: string, method: string) => t2.rows.find((r) => r.problem === problem && r.method === method)!;
  const newton = on(quad, "newton");
  const problems = [...new Set(t2.rows.filter((r) => r.gap !== undefined).map((r) => r.problem as string))];
  const adamWins = problems.filter((p) => num(on(p, "adam"), "finalLoss") < num(on(p, "gd"), "finalLoss")).length;
  const ill = rowOf(t5, "challenge", "ill-conditioning");
  const digits = t2.rows.filter((r) => r.problem === "digits MLP 64-32-10");
  const adamDigits = digits.find((r) => r.method === "adam");
  const sgdDigits = digits.find((r) => r.method === "sgd");
  return [
    {
      claim: "Momentum accelerates gradient descent on ill-conditioned problems", source: "survey, Tables 2 and 5",
      verdict: ill.improved ? "confirmed" : "refuted", evidence: `Table 5 (ill-conditioning): ${ill.baseline}; ${ill.remedyResult}`,
    },
    {
      claim: "Newton's method minimises a quadratic in one step, whatever its conditioning", source: "survey, Table 2",
      verdict: newton.iterations === 1 && newton.success === true ? "confirmed" : "refuted",
      evidence: `Table 2 (${quad}, newton): ${newton.iterations} iteration(s), final loss ${sig(num(newton, "finalLoss"))}`,
    },
    {
      claim: "Adam converges faster than plain gradient descent", source: "survey, Table 2",
      verdict: adamWins === problems.length ? "confirmed" : adamWins === 0 ? "refuted" : "depends",
      evidence: `Table 2: Adam ends lower than gd (both at their default learning rates) on ${adamWins} of ${problems.length} problems; on the digits MLP Adam's test accuracy is ${sig(num(adamDigits!, "testAccuracy"))} against SGD's ${sig(num(sgdDigits!, "testAccuracy"))}`,
    },
  ];
}

function landscapeClaims(t5: Table): Claim[] {
  const saddle = rowOf(t5, "challenge", "saddle points");
  const sharp = rowOf(t5, "challenge", "sharp vs flat minima");
  const plateau = rowOf(t5, "challenge", "plateaus");
  return [
    { claim: "Gradient descent can stall at saddle points, and a perturbation escapes them", source: "survey, Table 5", verdict: saddle.improved ? "confirmed" : "refuted", evidence: `Table 5 (saddle points): ${saddle.diagnosis}; ${saddle.baseline}; ${saddle.remedyResult}` },
    { claim: "Sharpness-aware minimisation steers towards flat minima", source: "survey, Table 5", verdict: sharp.improved ? "confirmed" : "refuted", evidence: `Table 5 (sharp vs flat, one dimension): ${sharp.baseline}; ${sharp.remedyResult}` },
    { claim: "Adaptive methods cross plateaus faster than plain gradient descent", source: "survey, Table 5", verdict: plateau.improved ? "confirmed" : "refuted", evidence: `Table 5 (plateaus): ${plateau.baseline}; ${plateau.remedyResult}` },
  ];
}

function regularizerClaims(t6: Table): Claim[] {
  const of = (name: string) => rowOf(t6, "regularizer", name);
  const [none, l1, l2, dropout] = [of("none"), of("L1 (λ = 10⁻³)"), of("L2 (λ = 10⁻³)"), of("dropout 0.3")];
  const gap = (r: Row) => num(r, "trainAccuracy") - num(r, "testAccuracy");
  return [
    {
      claim: "L1 regularisation makes weights sparse; L2 shrinks them without zeroing", source: "survey, Table 6",
      verdict: num(l1, "sparsity") > 2 * num(l2, "sparsity") && num(l2, "weightNorm") < num(none, "weightNorm") ? "confirmed" : "depends",
      evidence: `Table 6: weights below 10⁻³ — L1 ${sig(num(l1, "sparsity"))}, L2 ${sig(num(l2, "sparsity"))}, none ${sig(num(none, "sparsity"))}; weight norm L2 ${sig(num(l2, "weightNorm"))} against none ${sig(num(none, "weightNorm"))}`,
    },
    {
      claim: "Dropout reduces overfitting", source: "survey, Table 6",
      verdict: gap(dropout) < gap(none) && num(dropout, "testAccuracy") >= num(none, "testAccuracy") ? "confirmed" : "depends",
      evidence: `Table 6: train − test accuracy gap with dropout ${sig(gap(dropout))} against ${sig(gap(none))} without; test accuracy ${sig(num(dropout, "testAccuracy"))} against ${sig(num(none, "testAccuracy"))}`,
    },
  ];
}

/** Every claim, decided by the tables (and the convexity computation). */
export function decideClaims(tables: Tables): Claim[] {
  return [
    sinPlusSquare(),
    ...gradientFlowClaims(tables["4"]!),
    ...optimizerClaims(tables["2"]!, tables["5"]!),
    ...landscapeClaims(tables["5"]!),
    ...regularizerClaims(tables["6"]!),
  ];
}
