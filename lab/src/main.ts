/** The Lab's shell: navigation between pages by the URL's hash, so every state is a link. */
import "./style.css";
import { el } from "./dom.js";
import type { Page } from "./page.js";
import { backpropPage } from "./pages/backprop.js";
import { derivativesPage } from "./pages/derivatives.js";
import { racePage } from "./pages/race.js";
import { trainingPage } from "./pages/training.js";
import { routeFromHash } from "./state.js";

const PAGES: Page[] = [derivativesPage, backpropPage, racePage, trainingPage];
const main = document.getElementById("main")!;
const nav = document.getElementById("nav")!;
let current: { page: Page; leave: () => void } | undefined;

for (const page of PAGES) nav.append(el("a", { href: `#/${page.id}`, "data-page": page.id }, page.title));

function route(): void {
  const { page: id, params } = routeFromHash();
  const page = PAGES.find((p) => p.id === id) ?? PAGES[0]!;
  // Pages rewrite their own URL with replaceState as state changes; only a new page remounts.
  if (current?.page === page) return;
  current?.leave();
  main.replaceChildren();
  const root = el("section", { class: `page page-${page.id}`, "data-testid": `page-${page.id}` });
  main.append(root);
  current = { page, leave: page.mount(root, params) };
  document.title = `${page.title} · nabla Lab`;
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset["page"] === page.id) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

window.addEventListener("hashchange", route);
route();
