/** nb.distributions: probability distributions whose parameters are nabla values. */
export { Distribution } from "./distribution.js";
export type { SampleOptions, Support } from "./distribution.js";
export { Normal, Uniform, Exponential, Laplace, Gamma, Beta } from "./continuous.js";
export { Bernoulli, Categorical } from "./discrete.js";
export { MultivariateNormal } from "./multivariate.js";
export { kl, klMonteCarlo, hasClosedFormKl } from "./kl.js";
export type { KlMonteCarloOptions, MonteCarloEstimate } from "./kl.js";
export { expectation } from "./expectation.js";
export type { ExpectationOptions, ExpectationResult, Integrand } from "./expectation.js";
