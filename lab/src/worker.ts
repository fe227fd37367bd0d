/**
 * The compute worker: every nabla computation of the Lab runs here, off the main thread, so
 * typing, dragging and animation stay smooth while gradients and Hessians are computed. Its
 * job table is the union of the pages' tables in the registry; there is no per-job code here.
 */
import type { Job, JobContext } from "./job.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { REGISTRY } from "./registry.js";

const stopped = new Set<number>();
const post = (message: FromWorker): void => self.postMessage(message);

/** Every page's jobs in one table; two pages claiming one name is a mistake to fix, said at once. */
async function loadJobs(): Promise<Map<string, Job>> {
  const table = new Map<string, Job>();
  const owner = new Map<string, string>();
  for (const [route, entry] of Object.entries(REGISTRY)) {
    for (const [name, job] of Object.entries((await entry.jobs()).default as Record<string, Job>)) {
      if (owner.has(name)) throw new Error(`the job "${name}" is registered by both ${owner.get(name)} and ${route}; rename one`);
      owner.set(name, route);
      table.set(name, job);
    }
  }
  return table;
}
const jobs = loadJobs();

async function run(message: Extract<ToWorker, { kind: "run" }>): Promise<unknown> {
  const job = (await jobs).get(message.job);
  if (!job) throw new Error(`no job named "${message.job}" is registered`);
  const context: JobContext<unknown> = {
    report: (progress) => post({ kind: "progress", id: message.id, progress }),
    stopped: () => stopped.has(message.id),
    yield: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
  return (job as (request: unknown, context: JobContext<unknown>) => unknown)(message.request, context);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.kind === "stop") {
    stopped.add(message.id);
    return;
  }
  try {
    post({ kind: "result", id: message.id, result: await run(message) });
  } catch (error) {
    // Bad input (a typo in an expression) is expected: the page shows this one line.
    post({ kind: "error", id: message.id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    stopped.delete(message.id);
  }
};
