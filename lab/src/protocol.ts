/** The messages between the pages and the compute worker, typed end to end. */
import type { BackpropRequest, BackpropResult } from "./compute/backprop.js";
import type { DerivativesRequest, DerivativesResult } from "./compute/derivatives.js";
import type { GridRequest, GridResult, InspectRequest, InspectResult, RaceRequest, Trajectory } from "./compute/race.js";
import type { TrainingProgress, TrainingRequest } from "./compute/training.js";

/** Each job: what the page sends, what comes back at the end, and what streams meanwhile. */
export interface Jobs {
  derivatives: { request: DerivativesRequest; result: DerivativesResult; progress: never };
  backprop: { request: BackpropRequest; result: BackpropResult; progress: never };
  grid: { request: GridRequest; result: GridResult; progress: never };
  race: { request: RaceRequest; result: Trajectory[]; progress: never };
  inspect: { request: InspectRequest; result: InspectResult; progress: never };
  train: { request: TrainingRequest; result: null; progress: TrainingProgress };
}
export type JobName = keyof Jobs;

export type ToWorker =
  | { [K in JobName]: { kind: "run"; id: number; job: K; request: Jobs[K]["request"] } }[JobName]
  | { kind: "stop"; id: number };

export type FromWorker =
  | { kind: "result"; id: number; result: unknown }
  | { kind: "progress"; id: number; progress: unknown }
  | { kind: "error"; id: number; message: string };
