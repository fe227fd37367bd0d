// `npm install` runs this (package.json "install"): builds the native backend's addon with
// node-gyp and the machine's C++ compiler, into native/build/Release/nabla.node. It never
// fails the install: without a compiler, Node headers or node-gyp, nabla runs on its
// reference backend and says so in one line. NABLA_SKIP_NATIVE=1 skips the build.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const nativeDir = fileURLToPath(new URL("../native/", import.meta.url));
const say = (msg) => process.stderr.write(`nabla: ${msg}\n`);

if (process.env.NABLA_SKIP_NATIVE === "1") {
  say("NABLA_SKIP_NATIVE=1: not building the native backend; the reference backend will run.");
  process.exit(0);
}

// npm tells its scripts where its own node-gyp is; outside npm, look beside this Node.
const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), "../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
].filter((p) => p && existsSync(p));

if (candidates.length === 0) {
  say("node-gyp not found; skipping the native backend (the reference backend will run).");
  process.exit(0);
}

const started = Date.now();
const result = spawnSync(process.execPath, [candidates[0], "rebuild", "--jobs=max"], {
  cwd: nativeDir,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
if (result.status === 0) {
  say(`built the native backend in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} else {
  const log = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`;
  process.stderr.write(log.split("\n").slice(-15).join("\n") + "\n");
  say("could not build the native backend (above); nabla will use the reference backend.");
}
