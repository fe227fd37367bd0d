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
export { criticalPoints } from "./critical-points.js";
export type { CriticalPoint, CriticalPointsOptions } from "./critical-points.js";
export { sharpness } from "./sharpness.js";
export type { Sharpness, SharpnessOptions } from "./sharpness.js";
export { slice1d, slice2d } from "./slices.js";
export type { Slice1d, Slice2d, SliceOptions } from "./slices.js";
export { randomDirections, trajectoryPCA } from "./directions.js";
export type { RandomDirectionOptions, TrajectoryPca, TrajectoryPcaOptions } from "./directions.js";
export { convexity } from "./convexity.js";
export type { Convexity, ConvexityOptions } from "./convexity.js";
export { curvatureMonitor } from "./training.js";
export type { CurvatureMonitor, CurvatureMonitorOptions, CurvatureRecord } from "./training.js";
