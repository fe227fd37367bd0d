/** The pages' side of the worker: jobs as promises, progress as callbacks, and a way to stop. */
import type { FromWorker, JobName, Jobs } from "./protocol.js";

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

export function start<K extends JobName>(job: K, request: Jobs[K]["request"], onProgress?: (progress: Jobs[K]["progress"]) => void): RunningJob<Jobs[K]["result"]> {
  const id = nextId++;
  const done = new Promise<Jobs[K]["result"]>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress: onProgress as (p: unknown) => void });
  });
  worker.postMessage({ kind: "run", id, job, request });
  return { done, stop: () => worker.postMessage({ kind: "stop", id }) };
}

export function compute<K extends JobName>(job: K, request: Jobs[K]["request"]): Promise<Jobs[K]["result"]> {
  return start(job, request).done;
}

/**
 * Wraps a job so that only the newest request matters: while one runs, later requests replace
 * each other and only the last is sent when it finishes (dragging a point asks many times a
 * second; the worker should not fall behind).
 */
export function latest<K extends JobName>(job: K, onResult: (result: Jobs[K]["result"]) => void, onError: (message: string) => void): (request: Jobs[K]["request"]) => void {
  let running = false;
  let queued: Jobs[K]["request"] | undefined;
  const send = (request: Jobs[K]["request"]): void => {
    running = true;
    compute(job, request)
      .then(onResult, (error: Error) => onError(error.message))
      .finally(() => {
        running = false;
        if (queued !== undefined) {
          const next = queued;
          queued = undefined;
          send(next);
        }
      });
  };
  return (request) => {
    if (running) queued = request;
    else send(request);
  };
}
