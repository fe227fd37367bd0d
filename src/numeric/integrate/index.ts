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
export { tanhSinh } from "./tanh-sinh.js";
export type { TanhSinhOptions, TanhSinhResult } from "./tanh-sinh.js";
export { trapezoid, simpson, cumulativeTrapezoid } from "./sampled.js";
export type { SampleOptions } from "./sampled.js";
export { monteCarlo } from "./monte-carlo.js";
export type { BoxIntegrand, MonteCarloOptions, MonteCarloResult } from "./monte-carlo.js";
export { cubature } from "./cubature.js";
export type { CubatureOptions, CubatureResult } from "./cubature.js";
