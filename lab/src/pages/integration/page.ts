/**
 * Integration: fixed rules (Riemann, trapezoid, Simpson, Gauss–Legendre) converging to the
 * area, quad's adaptive partition of a hard integrand, Monte Carlo against quasi-Monte Carlo,
 * and the variance of the reparameterisation and score-function gradient estimators.
 */
import { definePage, param } from "../../page.js";
import { MC_N, RULE_LABELS, RULES } from "./jobs.js";
import { drawAdaptive, drawArea, drawConvergence, drawEstimates, drawMonteCarlo } from "./plots.js";
import { controls, outputs, showAdaptive, showEstimators, showMonteCarlo, showRules } from "./view.js";

export default definePage({
  title: "Integration",
  lede: "A rule replaces ∫ₐᵇ f by a weighted sum of values of f. Riemann sums' errors fall like 1/n (the midpoint's like 1/n²), the trapezoid's like 1/n², Simpson's like 1/n⁴ — double n and it falls 16× — and Gauss–Legendre's faster than any power for a smooth f; "
    + "the reference is nb.integrate.quad's, with its error estimate. quad bisects where its error is largest, so its final subintervals crowd where the integrand is hard. "
    + "In d dimensions Monte Carlo's error falls like n^−½ whatever d is; scrambled Sobol points, spread evenly, reach nearly n^−1 on a smooth integrand. "
    + "Last, two unbiased estimates of a gradient of an expectation: the reparameterisation estimator's spread is far narrower than the score function's.",
  params: {
    f: param.text("x^2*sin(x)"), a: param.text("0"), b: param.text("2"),
    rule: param.choice(RULES, "simpson"), n: param.number(6, { min: 1, max: 256, integer: true }),
    g: param.text("1/((x - 0.3)^2 + 0.001) + 1/sqrt(x)"), ga: param.text("0"), gb: param.text("1"),
    dim: param.number(3, { min: 1, max: 8, integer: true }), seed: param.number(1, { integer: true }),
    mu: param.number(1.5), sigma: param.number(1, { min: 1e-6 }),
    draws: param.number(8, { min: 2, max: 1000, integer: true }), trials: param.number(400, { min: 20, max: 2000, integer: true }),
  },
  mount(page) {
    const { state } = page;
    const [c, o] = page.place(controls(), outputs());
    const keys = { f: c.f, a: c.a, b: c.b, rule: c.rule, n: c.n, g: c.g, ga: c.ga, gb: c.gb, dim: c.dim, seed: c.seed, mu: c.mu, sigma: c.sigma, draws: c.draws, trials: c.trials };
    for (const [key, control] of Object.entries(keys)) page.bind(key as keyof typeof keys, control, control instanceof HTMLInputElement && control.type === "text" ? "input" : "change");
    const rules = async (): Promise<void> => {
      const result = await page.compute("integrationRules", { source: state.f, a: state.a, b: state.b, rule: state.rule, n: state.n });
      if (!result) return;
      showRules(o.rulesSummary, result, RULE_LABELS[state.rule], state.n);
      drawArea(o.area, result, state.rule, state.n, result.range);
      drawConvergence(o.convergence, result.errors, state.rule);
    };
    const adaptive = async (): Promise<void> => {
      const result = await page.compute("integrationAdaptive", { source: state.g, a: state.ga, b: state.gb });
      if (!result) return;
      showAdaptive(o.adaptiveSummary, result);
      drawAdaptive(o.adaptive, result);
    };
    const monteCarlo = async (): Promise<void> => {
      const result = await page.compute("integrationMonteCarlo", { dim: state.dim, seed: state.seed });
      if (!result) return;
      drawMonteCarlo(o.monteCarlo, result);
      showMonteCarlo(o.mcTable, result, MC_N);
    };
    const estimators = async (): Promise<void> => {
      const result = await page.compute("integrationEstimators", { mu: state.mu, sigma: state.sigma, draws: state.draws, trials: state.trials });
      if (!result) return;
      drawEstimates(o.estimates, result, 2 * state.mu);
      showEstimators(o.estimatorTable, result, state.mu, state.sigma, state.draws);
    };
    const panels = { rules, adaptive, monteCarlo, estimators };
    const panelOf: Record<keyof typeof keys, keyof typeof panels> = {
      f: "rules", a: "rules", b: "rules", rule: "rules", n: "rules", g: "adaptive", ga: "adaptive", gb: "adaptive",
      dim: "monteCarlo", seed: "monteCarlo", mu: "estimators", sigma: "estimators", draws: "estimators", trials: "estimators",
    };
    page.onChange((key) => void panels[panelOf[key]]());
    page.save();
    for (const run of Object.values(panels)) void run();
  },
});
