#!/usr/bin/env node
/**
 * Fails when package-lock.json has drifted from package.json, offline and in milliseconds: the
 * lock's root entry must list exactly package.json's dependency ranges, and every direct
 * dependency must be locked at a version its range accepts (what `npm ci` refuses otherwise).
 * Usage: node scripts/check-lock.mjs [dir]   (exit 1 with one line per problem)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const GROUPS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];

/** [major, minor, patch, prerelease?] of a plain version, or undefined. */
function parseVersion(text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4]] : undefined;
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  if (a[3] === b[3]) return 0;
  return a[3] === undefined ? 1 : b[3] === undefined ? -1 : a[3] < b[3] ? -1 : 1;
}

/** One comparator such as ^1.2.3, ~1.2, >=2, 1.2.x or an exact version. */
function satisfiesOne(version, comparator) {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?$/.exec(comparator);
  if (!m) return undefined;
  const [, op = "", ...parts] = m;
  const wild = (p) => p === undefined || /^[xX*]$/.test(p);
  const base = [wild(parts[0]) ? 0 : Number(parts[0]), wild(parts[1]) ? 0 : Number(parts[1]), wild(parts[2]) ? 0 : Number(parts[2]), parts[3]];
  const c = compare(version, base);
  if (op === ">=") return c >= 0;
  if (op === ">") return c > 0;
  if (op === "<=") return c <= 0;
  if (op === "<") return c < 0;
  if (c < 0) return false;
  const fixed = wild(parts[0]) ? 0 : wild(parts[1]) ? 1 : wild(parts[2]) ? 2 : 3;
  // How many leading parts must match: ^ keeps the first non-zero part, ~ keeps major.minor.
  let keep = fixed;
  if (op === "^") keep = Math.min(fixed, base[0] !== 0 ? 1 : base[1] !== 0 ? 2 : 3);
  if (op === "~") keep = Math.min(fixed, parts[1] === undefined ? 1 : 2);
  if (keep === 3 && (op === "" || op === "=")) return c === 0;
  for (let i = 0; i < keep; i++) if (version[i] !== base[i]) return false;
  return true;
}

/** Whether `version` satisfies an npm range of the forms package.json files use. */
export function satisfies(versionText, range) {
  const version = parseVersion(versionText);
  if (!version) return undefined;
  return range.split("||").some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, "$1").split(/\s+/).filter(Boolean);
    if (comparators.length === 0) return true;
    return comparators.every((c) => satisfiesOne(version, c) === true);
  });
}

/** The problems found, one sentence each (empty when the lock matches). */
export function lockProblems(pkg, lock) {
  const problems = [];
  if (lock.lockfileVersion < 2 || !lock.packages?.[""]) return ["package-lock.json has no root entry (lockfileVersion 2 or 3 expected); run npm install"];
  const root = lock.packages[""];
  for (const group of GROUPS) {
    const wanted = pkg[group] ?? {};
    const locked = root[group] ?? {};
    for (const name of new Set([...Object.keys(wanted), ...Object.keys(locked)])) {
      if (wanted[name] !== locked[name]) {
        problems.push(`${group}.${name}: package.json says ${wanted[name] ?? "nothing"}, the lock says ${locked[name] ?? "nothing"}`);
        continue;
      }
      const entry = lock.packages[`node_modules/${name}`];
      if (!entry) {
        if (group !== "peerDependencies" && group !== "optionalDependencies") problems.push(`${name} is not locked (no node_modules/${name} entry)`);
        continue;
      }
      if (entry.link || /^(file|git|https?|github|npm):|\//.test(wanted[name])) continue;
      if (satisfies(entry.version, wanted[name]) === false) problems.push(`${name} is locked at ${entry.version}, outside package.json's ${wanted[name]}`);
    }
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? join(fileURLToPath(import.meta.url), "..", "..");
  const problems = lockProblems(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")), JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")));
  for (const p of problems) console.error(`package-lock.json out of sync: ${p}`);
  if (problems.length > 0) {
    console.error("run `npm install` and commit package-lock.json");
    process.exit(1);
  }
}
