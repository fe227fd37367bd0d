#!/usr/bin/env node
/**
 * `npm start`: builds the Lab with Vite and serves the built files on http://127.0.0.1:5180.
 * PORT overrides the port; `--host` (optionally `--host ADDRESS`) listens beyond loopback.
 * The e2e tests import buildLab and serveLab so they test exactly what users run.
 */
import { fileURLToPath } from "node:url";
import { build, preview } from "vite";

const configFile = fileURLToPath(new URL("../vite.config.ts", import.meta.url));

/** Builds lab/ into lab/dist. */
export async function buildLab() {
  await build({ configFile, logLevel: "warn" });
}

/**
 * Serves lab/dist; resolves to the server and the URL it is reachable at.
 * @param {{ port: number, host: string }} options port 0 picks a free port
 */
export async function serveLab({ port, host }) {
  const server = await preview({ configFile, logLevel: "warn", preview: { port, host, strictPort: true, open: false } });
  const address = server.httpServer.address();
  const shownHost = host === "127.0.0.1" || host === true ? "127.0.0.1" : host;
  const url = `http://${shownHost}:${typeof address === "object" && address ? address.port : port}/`;
  return { server, url };
}

/** The host from the arguments: loopback unless --host [address] is given. */
function hostFromArgs(args) {
  const i = args.indexOf("--host");
  if (i < 0) return "127.0.0.1";
  const next = args[i + 1];
  return next && !next.startsWith("--") ? next : "0.0.0.0";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.env.PORT ?? 5180);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`nabla Lab: PORT must be a port number, got ${process.env.PORT}`);
    process.exit(2);
  }
  const host = hostFromArgs(process.argv.slice(2));
  console.log("Building the nabla Lab…");
  try {
    await buildLab();
    const { url } = await serveLab({ port, host });
    console.log(`nabla Lab: ${url}  (Ctrl+C to stop)`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`nabla Lab: ${message.split("\n")[0]}`);
    process.exit(1);
  }
}
