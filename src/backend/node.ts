/**
 * Backend selection and the storage of kernel outputs in Node, run once when the Node entry
 * (src/node.ts) is imported: load the native addon if it was built, make the fastest backend
 * that loaded the default (native, else wasm, which src/index.ts has registered where
 * WebAssembly SIMD works, else reference), and honour NABLA_BACKEND. Never throws: a backend
 * that cannot load costs one line on stderr.
 */
import { lineAlignedBytes, loadNativeBackend } from "./native/index.js";
import { listBackends, registerBackend, setBackend } from "./registry.js";
import type { UninitializedAllocator } from "../tensor/dtype.js";

/** Below this many bytes Buffer.allocUnsafe takes its slice from the pool (Buffer.poolSize / 2). */
const POOLED_BYTES = Buffer.poolSize >>> 1;

/**
 * Node's storage for kernel outputs that are written in full, which need no zero-filling. Under
 * 4 KB (a [128, 10] float32 head's sums, a bias gradient) Buffer.allocUnsafe slices Node's shared
 * pool, 8-byte aligned: a quarter of the cost of an ArrayBuffer of its own; from 4 KB up the
 * storage starts on a cache line once the native addon has loaded (lineAlignedBytes).
 */
export const unclearedNodeMemory: UninitializedAllocator = (bytes) => (bytes < POOLED_BYTES ? Buffer.allocUnsafe(bytes) : lineAlignedBytes(bytes));

/**
 * NABLA_BACKEND names the backend to start on ("reference", "wasm" or "native"); NABLA_NATIVE_BINARY
 * overrides the addon's path (pointing it at a missing file simulates a machine where the
 * build failed).
 */
export function selectNodeBackend(env: NodeJS.ProcessEnv = process.env): void {
  const wanted = env["NABLA_BACKEND"];
  const notice = (msg: string): void => {
    process.stderr.write(`nabla: ${msg}\n`);
  };
  let fastest = listBackends().includes("wasm") ? "wasm" : "reference";
  try {
    const native = env["NABLA_NATIVE_BINARY"] ? loadNativeBackend(env["NABLA_NATIVE_BINARY"]) : loadNativeBackend();
    registerBackend(native);
    fastest = native.name;
  } catch (e) {
    // Asked for another backend: the addon's absence is not news.
    if (wanted !== "reference" && wanted !== "wasm") {
      const reason = String(e instanceof Error ? e.message : e).split("\n")[0];
      notice(`native backend unavailable (${reason}); using the ${fastest} backend. Build it with \`npm run build:native\`.`);
    }
  }
  if (wanted && wanted !== fastest) {
    if (listBackends().includes(wanted)) {
      setBackend(wanted);
      return;
    }
    notice(`NABLA_BACKEND="${wanted}" is not available (have: ${listBackends().join(", ")}); using ${fastest}.`);
  }
  setBackend(fastest);
}
