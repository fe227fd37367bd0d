/**
 * How a page is written: definePage({title, lede, params, mount}). The shell builds what every
 * page shares (title, lede, the controls panel with its error line, the output column, the
 * permalink) and hands mount a PageContext to fill the panel and the column and to call jobs.
 */
import { compute, start, type RunningJob } from "./client.js";
import { el, errorLine } from "./dom.js";
import { type Param, type Params, readParam, type StateOf } from "./params.js";
import type { JobName, ProgressOf, RequestOf, ResultOf } from "./protocol.js";

export { param, readParam, type Param, type Params, type StateOf } from "./params.js";

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
  /**
   * Long job K behind a Start and a Stop button; returns what Start runs. Each run stops the
   * previous one (whose late progress is dropped) and disables Start until the newest ends;
   * onDone runs when the newest completes (the error line says why when it fails); Stop stops
   * it and enables Start.
   */
  restartable<K extends JobName>(job: K, buttons: { start: HTMLButtonElement; stop: HTMLButtonElement }, onProgress: (progress: ProgressOf<K>) => void, onDone: () => unknown): (request: RequestOf<K>) => void;
  /** Appends a view's controls to the panel and its outputs to the column; returns both. */
  place<C extends View, O extends View>(controls: C, outputs: O): [C, O];
  /** Something to undo when the page is left (timers, animations). */
  onLeave(cleanup: () => void): void;
}

/** What a page's view builders return: the elements to place, beside named handles to them. */
export interface View {
  nodes: Node[];
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
    latest: (job, onResult) => latestOnly(page, job, onResult),
    start: (job, request, onProgress) => {
      const running = start(job, request, onProgress);
      cleanups.push(running.stop);
      return running;
    },
    restartable: (job, buttons, onProgress, onDone) => restartable(page, job, buttons, onProgress, onDone),
    place: (c, o) => {
      controls.append(...c.nodes);
      output.append(...o.nodes);
      return [c, o];
    },
    onLeave: (cleanup) => { cleanups.push(cleanup); },
  };
  definition.mount(page);
  return () => {
    left = true;
    for (const cleanup of cleanups) cleanup();
  };
}

/** PageContext.latest: while a request runs, later ones replace each other; the last is sent next. */
function latestOnly<K extends JobName>(page: Pick<PageContext<unknown>, "compute">, job: K, onResult: (result: ResultOf<K>) => void): (request: RequestOf<K>) => void {
  let running = false;
  let queued: RequestOf<K> | undefined;
  const send = async (request: RequestOf<K>): Promise<void> => {
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
}

/** PageContext.restartable: the newest run of a long job, behind a Start and a Stop button. */
function restartable<K extends JobName>(page: Pick<PageContext<unknown>, "start" | "error">, job: K, buttons: { start: HTMLButtonElement; stop: HTMLButtonElement }, onProgress: (progress: ProgressOf<K>) => void, onDone: () => unknown): (request: RequestOf<K>) => void {
  let current: RunningJob<ResultOf<K>> | undefined;
  buttons.stop.addEventListener("click", () => {
    current?.stop();
    buttons.start.disabled = false;
  });
  return (request) => {
    current?.stop();
    buttons.start.disabled = true;
    const running = page.start(job, request, (p) => running === current && onProgress(p));
    current = running;
    running.done.then(async () => {
      if (running === current) await onDone();
    }, (e: Error) => page.error(e.message)).finally(() => {
      if (running === current) buttons.start.disabled = false;
    });
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
