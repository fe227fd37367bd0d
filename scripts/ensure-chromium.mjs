#!/usr/bin/env node
/**
 * Run by `npm test` before the suite: the Lab's end-to-end tests drive Debian's Chromium
 * (Playwright's own browser download does not work on these machines). Installs it with apt
 * when running as root, as CI does; otherwise says in one line what to install.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

function apt(args) {
  execFileSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (root && hasApt) {
    console.log("Installing Chromium for the Lab's browser tests (apt-get install -y chromium)…");
    try {
      apt(["install", "-y", "chromium"]);
    } catch {
      // A fresh machine's package lists may be empty or stale.
      try {
        apt(["update"]);
        apt(["install", "-y", "chromium"]);
      } catch {
        // Fall through to the one-line message below.
      }
    }
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`npm test needs Chromium at ${CHROMIUM} for the Lab's browser tests: install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu).`);
    process.exit(1);
  }
}
