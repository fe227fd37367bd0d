/**
 * Backend selection in Node, run once when the Node entry (src/node.ts) is imported: load the
 * native addon if it was built, make the fastest backend that loaded the default (native, else
 * wasm, which src/index.ts has registered where WebAssembly SIMD works, else reference), and
 * honour NABLA_BACKEND. Never throws: a backend that cannot load costs one line on stderr.
 */
import { loadNativeBackend } from "./native/index.js";
import { listBackends, registerBackend, setBackend } from "./registry.js";

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
