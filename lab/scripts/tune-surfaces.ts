/**
 * Prints each surface's default learning rates for src/pages/race/surfaces.ts: the race's own
 * tune search, from each surface's start, for the page's default 500 steps. Run from the repo
 * root with `npx vite-node --config lab/vite.config.ts lab/scripts/tune-surfaces.ts`.
 */
import { tune } from "../src/pages/race/jobs.js";
import { FIRST_ORDER, SURFACES } from "../src/pages/race/surfaces.js";

for (const [id, s] of Object.entries(SURFACES)) {
  const found = tune({ source: s.source, start: s.start, optimizers: [...FIRST_ORDER], maxIter: 500, x: s.x, y: s.y });
  console.log(`${id}: { ${FIRST_ORDER.map((name) => `${name}: ${found[name]!.lr}`).join(", ")} },`);
}
