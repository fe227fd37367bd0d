import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// "nabla" resolves to the library's source entry, src/index.ts: the Lab always runs the code
// in this checkout (no separate `npm run build` to forget), and Vite bundles only what the
// pages use. The alias points at the public entry, never deeper, so the Lab sees exactly the
// API that users get from the package (test/lab-imports.test.ts keeps it that way).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  resolve: { alias: { nabla: fileURLToPath(new URL("../src/index.ts", import.meta.url)) } },
  worker: { format: "es" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1500 },
  logLevel: "warn",
});
