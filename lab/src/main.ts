/**
 * The Lab's shell: the menu and the router, both read from the registry. Every page keeps its
 * state in the address (#/route?key=value…), so the URL is a permalink to what is on screen.
 */
import "./style.css";
import "katex/dist/katex.min.css";
import { el } from "./dom.js";
import { mountPage, type PageDefinition, type Params } from "./page.js";
import { REGISTRY, type Route } from "./registry.js";

const main = document.getElementById("main")!;
const nav = document.getElementById("nav")!;
const routes = Object.keys(REGISTRY) as Route[];
const pages = new Map<Route, PageDefinition<Params>>(
  await Promise.all(routes.map(async (route) => [route, (await REGISTRY[route].page()).default as unknown as PageDefinition<Params>] as const)),
);
let current: { route: Route; leave: () => void } | undefined;

for (const route of routes) nav.append(el("a", { href: `#/${route}`, "data-page": route }, pages.get(route)!.title));

/** The page and its parameters in a hash such as #/race?s=rosenbrock; an unknown page is the first. */
function parseHash(hash: string): { route: Route; query: URLSearchParams } {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?");
  return { route: routes.find((r) => r === path) ?? routes[0]!, query: new URLSearchParams(query) };
}

function route(): void {
  const { route, query } = parseHash(location.hash);
  // Pages rewrite their own URL with replaceState as state changes; only a new page remounts.
  if (current?.route === route) return;
  current?.leave();
  const page = pages.get(route)!;
  const root = el("section", { class: `page page-${route}`, "data-testid": `page-${route}` });
  main.replaceChildren(root);
  current = { route, leave: mountPage(route, page, root, query) };
  document.title = `${page.title} · nabla Lab`;
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset["page"] === route) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

window.addEventListener("hashchange", route);
route();
