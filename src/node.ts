/**
 * nabla's entry point in Node (package.json "exports" → "node"): the whole public API of
 * index.ts, plus the native backend, loaded here so that browser bundles, which import
 * index.ts, never see Node's module loader or the addon.
 * @module
 */
import { selectNodeBackend } from "./backend/node.js";
import { adviseHugePages } from "./backend/native/index.js";
import { setUninitializedAllocator } from "./tensor/dtype.js";

export * from "./index.js";

// Kernel outputs that are written in full need no zero-filling: Node can skip it. Large ones
// get huge pages once the native addon is loaded (see adviseHugePages).
setUninitializedAllocator((bytes) => adviseHugePages(Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer));
selectNodeBackend();
