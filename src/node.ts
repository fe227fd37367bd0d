/**
 * nabla's entry point in Node (package.json "exports" → "node"): the whole public API of
 * index.ts, plus the native backend, loaded here so that browser bundles, which import
 * index.ts, never see Node's module loader or the addon.
 * @module
 */
import { selectNodeBackend } from "./backend/node.js";
import { lineAlignedBytes } from "./backend/native/index.js";
import { setUninitializedAllocator } from "./tensor/dtype.js";

export * from "./index.js";

/** Below this many bytes Buffer.allocUnsafe takes its slice from the pool (Buffer.poolSize / 2). */
const POOLED_BYTES = Buffer.poolSize >>> 1;

// Kernel outputs that are written in full need no zero-filling: Node can skip it. Under 4 KB
// (a [128, 10] float32 head's sums, a bias gradient) Buffer.allocUnsafe slices Node's shared
// pool, 8-byte aligned: a quarter of the cost of an ArrayBuffer of its own.
// From 4 KB up, the storage starts on a cache line where the native addon has loaded (lineAlignedBytes).
setUninitializedAllocator((bytes) => (bytes < POOLED_BYTES ? Buffer.allocUnsafe(bytes) : lineAlignedBytes(bytes)));
selectNodeBackend();
