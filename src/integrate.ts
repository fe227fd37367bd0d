/**
 * `nb.integrate`: quadrature, cubature and (quasi-)Monte Carlo from src/numeric/integrate, and
 * `expectation` over a distribution, which lives with the distributions (a layer above numeric)
 * and joins the namespace here, where the public surface is assembled.
 * @module
 */
export * from "./numeric/integrate/index.js";
export { expectation } from "./probability/expectation.js";
export type { ExpectationOptions, ExpectationResult } from "./probability/expectation.js";
