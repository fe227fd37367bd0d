import type { Backend } from "./interface.js";
import { referenceBackend } from "./reference/index.js";
import { NablaError } from "../tensor/errors.js";

/** The backends nabla ships, by name. */
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
 * Switches every later op to the named backend.
 *
 * @example
 * nb.setBackend("reference");
 * nb.mul([2], [3]).toArray(); // => [6]
 */
export function setBackend(name: string): void {
  const b = registered.get(name);
  if (!b) throw new NablaError(`setBackend: no backend named "${name}"; available: ${[...registered.keys()].join(", ")}`);
  active = b;
}
