/**
 * The default backend outside Node, chosen once when nabla is imported (src/index.ts): the wasm
 * backend where WebAssembly SIMD is available, else the reference backend after a one-line
 * notice on the console. The Node entry then picks its own default (backend/node.ts), which
 * prefers the native addon.
 */
import { registerBackend, setBackend } from "./registry.js";
import { loadWasmBackend } from "./wasm/index.js";

const wasm = loadWasmBackend();
if ("backend" in wasm) {
  registerBackend(wasm.backend);
  setBackend(wasm.backend.name);
} else {
  console.warn(`nabla: wasm backend unavailable (${wasm.unavailable}); falling back to the next backend`);
}
