/** The Integration page's DOM: the controls of its four panels, the output column and its tables. */
import { el, field, input, select } from "../../dom.js";
import { fmt } from "../../plot.js";
import { type AdaptiveResult, ESTIMATOR_LABELS, ESTIMATORS, type EstimatorsResult, MC_LABELS, MC_METHODS, type Reference, RULE_LABELS, RULES, type RulesResult } from "./jobs.js";
import { ESTIMATOR_COLORS, MC_COLORS, RULE_COLORS } from "./plots.js";

const text = (testid: string): HTMLInputElement => input({ type: "text", spellcheck: "false", autocomplete: "off", "data-testid": testid });
const number = (step: string, min?: string, max?: string): HTMLInputElement => input({ type: "number", step, ...(min ? { min } : {}), ...(max ? { max } : {}) });

export function controls() {
  const c = {
    f: text("integration-f"), a: text("integration-a"), b: text("integration-b"),
    rule: select(RULES, "simpson", RULE_LABELS), n: input({ type: "number", step: "1", min: "1", max: "256", "data-testid": "integration-n" }),
    g: text("integration-g"), ga: text("integration-ga"), gb: text("integration-gb"),
    dim: number("1", "1", "8"), seed: number("1"),
    mu: number("any"), sigma: number("any", "0"), draws: number("1", "2", "1000"), trials: number("50", "20", "2000"),
  };
  const nodes = [
    el("fieldset", {}, el("legend", {}, "Rules: ∫ₐᵇ f(x) dx"), field("f(x) =", c.f), el("div", { class: "row" }, field("a", c.a), field("b", c.b)),
      el("div", { class: "row" }, field("Rule", c.rule), field("n", c.n))),
    el("fieldset", {}, el("legend", {}, "Adaptive quad"), field("g(x) =", c.g, "a spike or a singularity"), el("div", { class: "row" }, field("from", c.ga), field("to", c.gb))),
    el("fieldset", {}, el("legend", {}, "Monte Carlo on [0, 1]ᵈ"), el("div", { class: "row" }, field("Dimension d", c.dim), field("Seed", c.seed))),
    el("fieldset", {}, el("legend", {}, "Gradient estimators, x ∼ N(μ, σ²)"), el("div", { class: "row" }, field("μ", c.mu), field("σ", c.sigma)),
      el("div", { class: "row" }, field("Draws per estimate", c.draws), field("Estimates", c.trials))),
  ];
  return { ...c, nodes };
}

function legend(entries: readonly (readonly [string, string])[], extra: readonly string[] = []): HTMLElement {
  return el("ul", { class: "legend" }, ...entries.map(([label, color]) => el("li", { style: `color:${color}` }, label)), ...extra.map((label) => el("li", { class: "reference" }, label)));
}

export function outputs() {
  const o = {
    rulesSummary: el("p", { class: "status", "aria-live": "polite", "data-testid": "integration-summary" }),
    area: el("div", { class: "plot", "data-testid": "integration-area" }),
    convergence: el("div", { class: "plot", "data-testid": "integration-convergence" }),
    adaptiveSummary: el("p", { class: "status", "aria-live": "polite", "data-testid": "integration-adaptive" }),
    adaptive: el("div", { class: "plot small", "data-testid": "integration-partition" }),
    monteCarlo: el("div", { class: "plot", "data-testid": "integration-mc" }),
    mcTable: el("table", { class: "methods", "data-testid": "integration-mc-table" }),
    estimates: el("div", { class: "plot", "data-testid": "integration-estimates" }),
    estimatorTable: el("table", { class: "methods", "data-testid": "integration-estimators" }),
  };
  const nodes = [
    el("h2", {}, "Rules converging to the area"), o.rulesSummary,
    el("div", { class: "pair" }, o.area, el("div", {}, o.convergence, legend(RULES.map((r) => [RULE_LABELS[r], RULE_COLORS[r]] as const)))),
    el("h2", {}, "Adaptive subdivision (nb.integrate.quad)"), o.adaptiveSummary, o.adaptive,
    el("h2", {}, "Monte Carlo against quasi-Monte Carlo"),
    el("div", { class: "pair" }, el("div", {}, o.monteCarlo, legend(MC_METHODS.map((m) => [MC_LABELS[m], MC_COLORS[m]] as const), ["slope n^−½ (dashed)", "slope n^−1 (dotted)"])), el("div", { class: "table-wrap" }, o.mcTable)),
    el("h2", {}, "Gradient estimators: ∂/∂μ E[x²] = 2μ"),
    el("div", { class: "pair" }, o.estimates, el("div", { class: "table-wrap" }, o.estimatorTable)),
  ];
  return { ...o, nodes };
}

const quadLine = (r: Reference): string => `${fmt(r.value, 15)} ± ${r.error.toExponential(1)} (${r.nfev} evaluations, ${r.intervals} subinterval${r.intervals === 1 ? "" : "s"}${r.success ? "" : ", tolerance not reached"})`;

export function showRules(p: HTMLElement, result: RulesResult, ruleLabel: string, n: number): void {
  const error = result.shown.value - result.reference.value;
  p.textContent = `quad: ${quadLine(result.reference)}. ${ruleLabel} with n = ${n}: ${fmt(result.shown.value, 15)}, error ${error.toExponential(2)}.`;
  Object.assign(p.dataset, { reference: String(result.reference.value), estimate: String(result.shown.value) });
}

export function showAdaptive(p: HTMLElement, result: AdaptiveResult): void {
  const widths = result.edges.slice(1).map((x, i) => x - result.edges[i]!);
  p.textContent = `quad: ${quadLine(result.reference)}; the subintervals' widths run from ${fmt(Math.min(...widths), 4)} to ${fmt(Math.max(...widths), 4)}. ${result.message}.`;
  Object.assign(p.dataset, { value: String(result.reference.value), intervals: String(result.reference.intervals) });
}

const row = (cells: readonly (string | HTMLElement)[], head = false): HTMLElement =>
  el("tr", {}, ...cells.map((c, i) => el(head ? "th" : i ? "td" : "th", i && !head ? { class: "num" } : {}, c)));

export function showMonteCarlo(table: HTMLElement, result: Record<(typeof MC_METHODS)[number], { rmse: number[]; reported: number[] }>, n: readonly number[]): void {
  const last = n.length - 1;
  table.replaceChildren(el("caption", {}, `At n = ${n[last]}: the RMS error over 6 seeds and the mean standard error each run reports`),
    row(["method", "RMS error", "reported error"], true),
    ...MC_METHODS.map((m) => row([MC_LABELS[m], result[m].rmse[last]!.toExponential(2), result[m].reported[last]!.toExponential(2)])));
}

function meanAndVariance(values: readonly number[]): [number, number] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return [mean, values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)];
}

/** The table of the estimators' means and variances; the pathwise estimate is 2·mean(x), so its variance is 4σ²/draws. */
export function showEstimators(table: HTMLElement, result: EstimatorsResult, mu: number, sigma: number, draws: number): void {
  const caption = `${result.reparameterization.length} seeded estimates each; the truth is 2μ = ${fmt(2 * mu)}, and the reparameterisation estimate 2·mean(x) has variance 4σ²/${draws} = ${fmt((4 * sigma ** 2) / draws, 4)}`;
  table.replaceChildren(el("caption", {}, caption),
    row(["estimator", "mean", "variance"], true),
    ...ESTIMATORS.map((name) => {
      const [mean, variance] = meanAndVariance(result[name]);
      const tr = row([el("span", { style: `color:${ESTIMATOR_COLORS[name]}` }, ESTIMATOR_LABELS[name]), fmt(mean, 4), fmt(variance, 4)]);
      tr.dataset["estimator"] = name;
      tr.dataset["variance"] = String(variance);
      return tr;
    }));
}
