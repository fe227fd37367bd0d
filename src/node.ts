/**
 * nabla's entry point in Node (package.json "exports" → "node"): the whole public API of
 * index.ts, plus the native backend, loaded here so that browser bundles, which import
 * index.ts, never see Node's module loader or the addon.
 * @module
 */
import { selectNodeBackend, unclearedNodeMemory } from "./backend/node.js";
import { setUninitializedAllocator } from "./tensor/dtype.js";

export * from "./index.js";

setUninitializedAllocator(unclearedNodeMemory);
selectNodeBackend();
