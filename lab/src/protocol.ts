/**
 * The messages between the pages and the compute worker, typed end to end. Nothing here is
 * written by hand per job: names, requests, results and progress are read off the job tables
 * that the registry lists.
 */
import type { JobContext } from "./job.js";
import type { REGISTRY } from "./registry.js";

type Tables = { [R in keyof typeof REGISTRY]: Awaited<ReturnType<(typeof REGISTRY)[R]["jobs"]>>["default"] };
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Every job of every page, by name. */
type AllJobs = UnionToIntersection<Tables[keyof Tables]>;

/** The name of a registered job. */
export type JobName = keyof AllJobs & string;
/** What a page sends to job K. */
export type RequestOf<K extends JobName> = AllJobs[K] extends (request: infer Q, ...rest: never[]) => unknown ? Q : never;
/** What job K answers with at the end. */
export type ResultOf<K extends JobName> = AllJobs[K] extends (...args: never[]) => infer R ? Awaited<R> : never;
/** What job K streams meanwhile (never for jobs that do not report). */
export type ProgressOf<K extends JobName> = AllJobs[K] extends (request: never, context: JobContext<infer P>) => unknown ? P : never;

export type ToWorker =
  | { kind: "run"; id: number; job: JobName; request: unknown }
  | { kind: "stop"; id: number };

export type FromWorker =
  | { kind: "result"; id: number; result: unknown }
  | { kind: "progress"; id: number; progress: unknown }
  | { kind: "error"; id: number; message: string };
