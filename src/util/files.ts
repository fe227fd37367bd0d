/**
 * File access for the few functions that read or write files (CSV, bundled datasets, model
 * files). Node's fs is fetched at call time with `process.getBuiltinModule`, so the library
 * imports nothing Node-specific and still bundles for the browser, where these functions
 * explain that they need Node.
 */
import { NablaError } from "../tensor/errors.js";

type Fs = typeof import("node:fs");

function nodeFs(where: string): Fs {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.("node:fs") as Fs | undefined;
  if (!fs) throw new NablaError(`${where}: reading and writing files needs Node 20.16 or later; in a browser, fetch the text and pass it in`);
  return fs;
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return e instanceof Error ? e.message : String(e);
}

/** The text of a UTF-8 file, or a NablaError naming the file. */
export function readTextFile(path: string | URL, where: string): string {
  try {
    return nodeFs(where).readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof NablaError) throw e;
    throw new NablaError(`${where}: cannot read ${String(path)}: ${reason(e)}`);
  }
}

/**
 * Writes a UTF-8 file. An existing file is kept unless `overwrite`; when overwriting, the text
 * goes to a temporary file that is then renamed over the old one, so a failure never leaves
 * a half-written file behind.
 */
export function writeTextFile(path: string, text: string, options: { overwrite?: boolean; where: string }): void {
  const fs = nodeFs(options.where);
  try {
    if (!options.overwrite) {
      fs.writeFileSync(path, text, { encoding: "utf8", flag: "wx" });
      return;
    }
    const temporary = `${path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text, { encoding: "utf8", flag: "wx" });
    fs.renameSync(temporary, path);
  } catch (e) {
    if ((e as { code?: string }).code === "EEXIST" && !options.overwrite) {
      throw new NablaError(`${options.where}: ${path} already exists; pass { overwrite: true } to replace it`);
    }
    throw new NablaError(`${options.where}: cannot write ${path}: ${reason(e)}`);
  }
}
