/**
 * The landscape layer's public surface, exported as `nb.landscape`: matrix-free Hessian
 * spectra, traces and densities; classification and search of critical points; sharpness;
 * slices, directions and trajectory PCA; convexity checks; and a training callback.
 * @module
 */
export { hessianEigs } from "./eigs.js";
export type { EigenEnd, HessianEigs, HessianEigsOptions } from "./eigs.js";
export { hessianTrace } from "./trace.js";
export type { HessianTrace, HessianTraceOptions, TraceEstimate } from "./trace.js";
export { spectralDensity } from "./density.js";
export type { SpectralDensity, SpectralDensityOptions } from "./density.js";
export { classify } from "./classify.js";
export type { Classification, ClassifyOptions, PointKind } from "./classify.js";
export type { LandscapeFunction } from "./flat.js";
