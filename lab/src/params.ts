/**
 * A page's URL parameters: each key's kind, default and spelling in the address, so a page's
 * state is always a permalink. Pure (no DOM), so tests read it directly.
 */

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
