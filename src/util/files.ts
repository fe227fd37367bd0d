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
    const fs = nodeFs(where);
    // A FIFO or a device such as /dev/zero would block or never end.
    if (fs.statSync(path, { throwIfNoEntry: false })?.isFile() === false) throw new NablaError(`${where}: cannot read ${String(path)}: not a regular file`);
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof NablaError) throw e;
    throw new NablaError(`${where}: cannot read ${String(path)}: ${reason(e)}`);
  }
}

/**
 * Checks, before any work, that `path` can receive a new file: it must not exist unless
 * `overwrite`, and then only a regular file is replaced (never a directory, FIFO, device or
 * symbolic link); its folder must exist.
 */
export function checkOutputPath(path: string, options: { overwrite?: boolean; where: string }): void {
  const fs = nodeFs(options.where);
  const stat = fs.lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) {
    const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
    if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new NablaError(`${options.where}: cannot write ${path}: the folder ${folder} does not exist`);
    return;
  }
  if (!options.overwrite) throw new NablaError(`${options.where}: ${path} already exists; pass { overwrite: true } to replace it`);
  if (!stat.isFile()) throw new NablaError(`${options.where}: ${path} exists and is not a regular file; nabla replaces only regular files`);
}

/**
 * Writes a file (UTF-8 text or bytes). An existing file is kept unless `overwrite`, and only a
 * regular file is ever replaced; when overwriting, the contents go to a temporary file that is
 * then renamed over the old one (and removed if anything fails), so a failure never leaves a
 * half-written file or a stray temporary behind.
 */
export function writeTextFile(path: string, text: string | Uint8Array, options: { overwrite?: boolean; where: string }): void {
  const fs = nodeFs(options.where);
  checkOutputPath(path, options);
  let temporary: string | undefined;
  try {
    if (!options.overwrite) {
      fs.writeFileSync(path, text, { flag: "wx" });
      return;
    }
    temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
    fs.writeFileSync(temporary, text, { flag: "wx" });
    fs.renameSync(temporary, path);
    temporary = undefined;
  } catch (e) {
    if ((e as { code?: string }).code === "EEXIST" && !options.overwrite) {
      throw new NablaError(`${options.where}: ${path} already exists; pass { overwrite: true } to replace it`);
    }
    throw new NablaError(`${options.where}: cannot write ${path}: ${reason(e)}`);
  } finally {
    if (temporary !== undefined) fs.rmSync(temporary, { force: true });
  }
}

/** A file opened for reading byte ranges, so a reader can check sizes before allocating. */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes from `offset` (the caller has checked the range lies inside the file). */
  read(offset: number, length: number, into?: Uint8Array): Uint8Array;
  close(): void;
}

/** Opens a regular file for ranged reads, or throws a NablaError naming it. */
export function openBytes(path: string, where: string): ByteSource {
  const fs = nodeFs(where);
  let fd: number;
  try {
    if (fs.statSync(path, { throwIfNoEntry: false })?.isFile() === false) throw new NablaError(`${where}: cannot read ${path}: not a regular file`);
    fd = fs.openSync(path, "r");
  } catch (e) {
    if (e instanceof NablaError) throw e;
    throw new NablaError(`${where}: cannot read ${path}: ${reason(e)}`);
  }
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read(offset, length, into = new Uint8Array(length)) {
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, into, done, length - done, offset + done);
        if (n === 0) throw new NablaError(`${where}: ${path} ended early (was it truncated while being read?)`);
        done += n;
      }
      return into;
    },
    close: () => fs.closeSync(fd),
  };
}

/** A byte array as a ByteSource (for data already in memory). */
export function memoryBytes(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length, into) => (into ? (into.set(bytes.subarray(offset, offset + length)), into) : bytes.slice(offset, offset + length)), close: () => {} };
}
