/**
 * The Lab's one table. Each line is a page: its route (the URL's #/route and its folder's
 * name), the module that draws it and the module of its worker jobs. The menu, the router,
 * the worker's job table and the protocol's types all come from here; adding a page is one
 * new folder under pages/ and one line below.
 */
export const REGISTRY = {
  derivatives: { page: () => import("./pages/derivatives/page.js"), jobs: () => import("./pages/derivatives/jobs.js") },
  backprop: { page: () => import("./pages/backprop/page.js"), jobs: () => import("./pages/backprop/jobs.js") },
  race: { page: () => import("./pages/race/page.js"), jobs: () => import("./pages/race/jobs.js") },
  training: { page: () => import("./pages/training/page.js"), jobs: () => import("./pages/training/jobs.js") },
  integration: { page: () => import("./pages/integration/page.js"), jobs: () => import("./pages/integration/jobs.js") },
  models: { page: () => import("./pages/models/page.js"), jobs: () => import("./pages/models/jobs.js") },
  landscape: { page: () => import("./pages/landscape/page.js"), jobs: () => import("./pages/landscape/jobs.js") },
  newton: { page: () => import("./pages/newton/page.js"), jobs: () => import("./pages/newton/jobs.js") },
} as const;

/** A page's route: its key in the registry. */
export type Route = keyof typeof REGISTRY;
