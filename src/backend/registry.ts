import type { Backend } from "./interface.js";
import { referenceBackend } from "./reference/index.js";
import { NablaError } from "../tensor/errors.js";

const backends = new Map<string, Backend>([[referenceBackend.name, referenceBackend]]);
let active: Backend = referenceBackend;

/** The backend that runs every kernel. */
export function backend(): Backend {
  return active;
}

/** Makes a backend available to `setBackend` under its name. */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

/** Switches every later op to the named backend. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new NablaError(`setBackend: no backend named "${name}"; available: ${[...backends.keys()].join(", ")}`);
  active = b;
}
