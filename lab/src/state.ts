/**
 * Permalinks: each page keeps its state in the URL (#/page?key=value…), so copying the address
 * bar shares exactly what is on screen, and reloading restores it.
 */

export function routeFromHash(hash = location.hash): { page: string; params: URLSearchParams } {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?");
  return { page: path, params: new URLSearchParams(query) };
}

/** Replaces the URL without adding history entries: dragging a point should not fill Back. */
export function saveState(page: string, state: Record<string, string | number | boolean>): void {
  const params = new URLSearchParams(Object.entries(state).map(([k, v]) => [k, String(v)]));
  history.replaceState(null, "", `#/${page}?${params.toString()}`);
}

export function numberParam(params: URLSearchParams, key: string, fallback: number): number {
  const raw = params.get(key);
  const value = raw === null || raw === "" ? NaN : Number(raw);
  return Number.isFinite(value) ? value : fallback;
}

export function choiceParam<T extends string>(params: URLSearchParams, key: string, choices: readonly T[], fallback: T): T {
  const raw = params.get(key);
  return choices.find((c) => c === raw) ?? fallback;
}
