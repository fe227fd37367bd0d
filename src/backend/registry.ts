import type { Backend } from "./interface.js";
import { referenceBackend } from "./reference/index.js";
import { NablaError } from "../tensor/errors.js";

/** The backends nabla ships in every environment, by name. */
export const backends = { reference: referenceBackend } as const;

const registered = new Map<string, Backend>([[referenceBackend.name, referenceBackend]]);
let active: Backend = referenceBackend;

/** The backend that runs every kernel. */
export function backend(): Backend {
  return active;
}

/**
 * Makes a backend available to `setBackend` under its name. A backend implements every
 * kernel of the `Backend` interface and is tested against the reference backend.
 *
 * @example
 * nb.registerBackend({ ...nb.backends.reference, name: "my-backend" });
 * nb.setBackend("my-backend");
 * nb.add([1], [2]).toArray(); // => [3]
 * nb.setBackend("reference");
 */
export function registerBackend(b: Backend): void {
  registered.set(b.name, b);
}

/**
 * Switches every later op to the named backend. nabla starts on the fastest backend that
 * loads: in Node "native" where its addon was built at install, else "wasm" (WebAssembly
 * SIMD), else "reference"; in the browser "wasm", else "reference". In Node the environment
 * variable NABLA_BACKEND picks another at startup.
 *
 * @example
 * nb.setBackend("reference");
 * nb.mul([2], [3]).toArray(); // => [6]
 */
export function setBackend(name: string): void {
  const b = registered.get(name);
  if (!b) throw new NablaError(`setBackend: no backend named "${name}"; available: ${listBackends().join(", ")}`);
  active = b;
}

/**
 * The name of the backend that runs every kernel now.
 *
 * @example
 * nb.setBackend("reference");
 * nb.getBackend(); // => "reference"
 */
export function getBackend(): string {
  return active.name;
}

/**
 * The names of every registered backend, in the order they were registered: "reference"
 * first, then "wasm" where WebAssembly SIMD is available, then "native" in Node where the
 * addon loads, then any added by `registerBackend`.
 *
 * @example
 * nb.listBackends().includes("reference"); // => true
 */
export function listBackends(): string[] {
  return [...registered.keys()];
}

/** Every registered backend (for the kernel contract test). */
export function registeredBackends(): Backend[] {
  return [...registered.values()];
}
