/**
 * How a page is written: definePage({title, lede, params, mount}). The shell builds what every
 * page shares (title, lede, the controls panel with its error line, the output column, the
 * permalink) and hands mount a PageContext to fill the panel and the column and to call jobs.
 */
import { compute, start, type RunningJob } from "./client.js";
import { el, errorLine } from "./dom.js";
import type { JobName, ProgressOf, RequestOf, ResultOf } from "./protocol.js";

/** One URL parameter: its default, how to parse it (undefined: not acceptable) and how to write it. */
export interface Param<T> {
  fallback: T;
  parse(raw: string): T | undefined;
  write(value: T): string;
}

/** A page's parameters by URL key; the page's state has the same keys. */
export type Params = Record<string, Param<unknown>>;
/** The state a set of parameters describes. */
export type StateOf<P> = { [K in keyof P]: P[K] extends Param<infer T> ? T : never };

/** The value of a parameter in a URL: its parse, or its default when absent or unacceptable. */
export function readParam<T>(p: Param<T>, raw: string | null): T {
  return (raw === null ? undefined : p.parse(raw)) ?? p.fallback;
}

/** Parameter kinds: every page state is made of these, so every state is a permalink. */
export const param = {
  text: (fallback: string): Param<string> => ({ fallback, parse: (raw) => raw, write: String }),
  /** A number in [min, max], rounded when integer. */
  number: (fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): Param<number> => ({
    fallback,
    parse: (raw) => {
      const v = raw.trim() === "" ? NaN : range.integer ? Math.round(Number(raw)) : Number(raw);
      return Number.isFinite(v) && v >= (range.min ?? -Infinity) && v <= (range.max ?? Infinity) ? v : undefined;
    },
    // A NaN default means "not set": it stays out of the URL.
    write: (value) => (Number.isNaN(value) ? "" : String(value)),
  }),
  choice: <T extends string>(choices: readonly T[], fallback: T): Param<T> => ({ fallback, parse: (raw) => choices.find((c) => c === raw), write: String }),
  flag: (fallback: boolean): Param<boolean> => ({ fallback, parse: (raw) => raw === "true", write: String }),
  /** A comma-separated subset of choices, kept in the choices' order. */
  list: <T extends string>(choices: readonly T[], fallback: readonly T[]): Param<T[]> => ({
    fallback: [...fallback],
    parse: (raw) => choices.filter((c) => raw.split(",").includes(c)),
    write: (value) => value.join(","),
  }),
  /** Numbers by name, written "a:1,b:2"; pairs that are not name:number are skipped. */
  numbers: (fallback: Readonly<Record<string, number>> = {}): Param<Record<string, number>> => ({
    fallback: { ...fallback },
    parse: (raw) => ({
      ...fallback,
      ...Object.fromEntries(raw.split(",").map((pair) => pair.split(":")).filter(([k, v]) => k && v && Number.isFinite(Number(v))).map(([k, v]) => [k!, Number(v)])),
    }),
    write: (value) => Object.entries(value).map(([k, v]) => `${k}:${v}`).join(","),
  }),
};

/** What a page's mount receives. */
export interface PageContext<S> {
  route: string;
  /** The page's state, read from the URL; change it, then call save() to update the permalink. */
  state: S;
  /** The controls panel (a form; submitting it does nothing) and the output column. */
  controls: HTMLElement;
  output: HTMLElement;
  /** Writes the state to the URL, without a history entry. */
  save(): void;
  /** Shows one line of feedback for bad input; no argument clears it. */
  error(message?: string): void;
  /**
   * Keeps control's value and state[key] in step: the control starts from the state, and on
   * its event the state is updated, saved, and changed(key) listeners run.
   */
  bind<K extends keyof S & string>(key: K, control: HTMLInputElement | HTMLSelectElement, event?: "change" | "input"): void;
  /** Runs after a bound control changed the state. */
  onChange(listener: (key: keyof S & string) => void): void;
  /**
   * Runs a worker job; resolves to its result, or to undefined when it failed (the error line
   * then says why), when a newer call of the same job superseded it, or when the page was left.
   */
  compute<K extends JobName>(job: K, request: RequestOf<K>): Promise<ResultOf<K> | undefined>;
  /**
   * A sender for job K where only the newest request matters: while one runs, later requests
   * replace each other and only the last is sent when it finishes (dragging a point asks many
   * times a second; the worker should not fall behind). Results go to onResult.
   */
  latest<K extends JobName>(job: K, onResult: (result: ResultOf<K>) => void): (request: RequestOf<K>) => void;
  /** Starts a long job that reports progress; it is stopped when the page is left. */
  start<K extends JobName>(job: K, request: RequestOf<K>, onProgress: (progress: ProgressOf<K>) => void): RunningJob<ResultOf<K>>;
  /** Something to undo when the page is left (timers, animations). */
  onLeave(cleanup: () => void): void;
}

/** A page: its title and lede, its URL parameters, and mount, which builds and wires the rest. */
export interface PageDefinition<P extends Params = Params> {
  title: string;
  /** The paragraph under the title: what the page shows and what to try. */
  lede: string;
  params: P;
  mount(page: PageContext<StateOf<P>>): void;
}

/** Declares a page (the identity, typed): the default export of a page's page.ts. */
export function definePage<P extends Params>(definition: PageDefinition<P>): PageDefinition<P> {
  return definition;
}

/** Builds a page into root from the URL's parameters; returns what to do when leaving it. */
export function mountPage<P extends Params>(route: string, definition: PageDefinition<P>, root: HTMLElement, query: URLSearchParams): () => void {
  const state = Object.fromEntries(Object.entries(definition.params).map(([key, p]) => [key, readParam(p as Param<unknown>, query.get(key))])) as StateOf<P>;
  const error = errorLine();
  const controls = el("div", { class: "control-list" });
  const output = el("div", { class: "output" });
  const form = el("form", { class: "controls", "aria-label": `${definition.title} controls` }, controls, error);
  form.addEventListener("submit", (e) => e.preventDefault());
  root.append(el("header", { class: "page-head" }, el("h1", {}, definition.title), el("p", { class: "lede" }, definition.lede)), el("div", { class: "layout" }, form, output));
  const cleanups: (() => void)[] = [];
  const listeners: ((key: keyof StateOf<P> & string) => void)[] = [];
  const tickets = new Map<string, number>();
  let left = false;
  // How many computations are in flight, on the page's root: tests wait for data-busy="0".
  let running = 0;
  const busy = (change: number): void => {
    running += change;
    root.dataset["busy"] = String(running);
  };
  busy(0);
  const save = (): void => {
    // Empty values (an unset text or number) stay out of the URL.
    const entries = Object.entries(definition.params).map(([key, p]) => [key, p.write(state[key as keyof StateOf<P>])]).filter(([, v]) => v !== "");
    history.replaceState(null, "", `#/${route}?${new URLSearchParams(entries).toString()}`);
  };
  const page: PageContext<StateOf<P>> = {
    route, state, controls, output, save,
    error: (message = "") => { error.textContent = message; },
    bind: (key, control, event = "change") => bindControl(definition.params[key]!, state as Record<string, unknown>, key, control, event, () => {
      save();
      for (const listener of listeners) listener(key);
    }),
    onChange: (listener) => { listeners.push(listener); },
    compute: async (job, request) => {
      const ticket = (tickets.get(job) ?? 0) + 1;
      tickets.set(job, ticket);
      busy(+1);
      try {
        const result = await compute(job, request);
        if (left || tickets.get(job) !== ticket) return undefined;
        page.error();
        return result;
      } catch (e) {
        if (!left && tickets.get(job) === ticket) page.error((e as Error).message);
        return undefined;
      } finally {
        busy(-1);
      }
    },
    latest: (job, onResult) => {
      let running = false;
      let queued: RequestOf<typeof job> | undefined;
      const send = async (request: RequestOf<typeof job>): Promise<void> => {
        running = true;
        const result = await page.compute(job, request);
        running = false;
        if (result !== undefined) onResult(result);
        if (queued === undefined) return;
        const next = queued;
        queued = undefined;
        await send(next);
      };
      return (request) => {
        if (running) queued = request;
        else void send(request);
      };
    },
    start: (job, request, onProgress) => {
      const running = start(job, request, onProgress);
      cleanups.push(running.stop);
      return running;
    },
    onLeave: (cleanup) => { cleanups.push(cleanup); },
  };
  definition.mount(page);
  return () => {
    left = true;
    for (const cleanup of cleanups) cleanup();
  };
}

function bindControl(p: Param<unknown>, state: Record<string, unknown>, key: string, control: HTMLInputElement | HTMLSelectElement, event: string, changed: () => void): void {
  const checkbox = control instanceof HTMLInputElement && control.type === "checkbox";
  if (checkbox) control.checked = state[key] === true;
  else control.value = p.write(state[key] as never);
  control.addEventListener(event, () => {
    const value = p.parse(checkbox ? String(control.checked) : control.value);
    // A value the parameter does not accept (empty, out of range) leaves the state as it was.
    if (value === undefined) return;
    state[key] = value;
    changed();
  });
}
