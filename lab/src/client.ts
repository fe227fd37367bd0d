/** The pages' side of the worker: jobs as promises, progress as callbacks, and a way to stop. */
import type { FromWorker, JobName, ProgressOf, RequestOf, ResultOf } from "./protocol.js";

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: unknown) => void;
}

export interface RunningJob<R> {
  done: Promise<R>;
  stop(): void;
}

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const pending = new Map<number, Pending>();
let nextId = 1;

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  const job = pending.get(message.id);
  if (!job) return;
  if (message.kind === "progress") job.onProgress?.(message.progress);
  else {
    pending.delete(message.id);
    if (message.kind === "result") job.resolve(message.result);
    else job.reject(new Error(message.message));
  }
};

export function start<K extends JobName>(job: K, request: RequestOf<K>, onProgress?: (progress: ProgressOf<K>) => void): RunningJob<ResultOf<K>> {
  const id = nextId++;
  const done = new Promise<ResultOf<K>>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress: onProgress as (p: unknown) => void });
  });
  worker.postMessage({ kind: "run", id, job, request });
  return { done, stop: () => worker.postMessage({ kind: "stop", id }) };
}

export function compute<K extends JobName>(job: K, request: RequestOf<K>): Promise<ResultOf<K>> {
  return start(job, request).done;
}
