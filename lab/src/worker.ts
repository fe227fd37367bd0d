/**
 * The compute worker: every nabla computation of the Lab runs here, off the main thread, so
 * typing, dragging and animation stay smooth while gradients and Hessians are computed.
 */
import { backprop } from "./compute/backprop.js";
import { derivatives } from "./compute/derivatives.js";
import { grid, inspect, race } from "./compute/race.js";
import { train } from "./compute/training.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const stopped = new Set<number>();
const post = (message: FromWorker): void => self.postMessage(message);

async function run(message: Extract<ToWorker, { kind: "run" }>): Promise<unknown> {
  switch (message.job) {
    case "derivatives": return derivatives(message.request);
    case "backprop": return backprop(message.request);
    case "grid": return grid(message.request);
    case "race": return race(message.request);
    case "inspect": return inspect(message.request);
    case "train":
      await train(message.request, (progress) => post({ kind: "progress", id: message.id, progress }), () => stopped.has(message.id));
      return null;
  }
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
