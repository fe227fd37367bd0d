/**
 * Integration, exported as `nb.integrate`: adaptive and fixed quadrature with differentiable
 * results, rules for sampled data, cubature and (quasi-)Monte Carlo, and the low-discrepancy
 * point sets and Gauss rules they are built from.
 * @module
 */
export type { Endpoint, Integrand } from "./rule.js";
export { gaussLegendre, fixedQuad } from "./gauss-legendre.js";
export type { FixedQuadResult, QuadratureRule } from "./gauss-legendre.js";
export { sobol, SOBOL_MAX_DIMENSION } from "./sobol.js";
export type { LowDiscrepancyOptions } from "./sobol.js";
export { halton } from "./halton.js";
export { quad } from "./quad.js";
export type { QuadOptions, QuadResult } from "./quad.js";
