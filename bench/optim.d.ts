// Types of bench/optim.js, for the test that holds nabla to the same comparison.
export interface SideRun { fun: number; nfev: number; ngev: number; nhev: number; solved: boolean; message: string }
export interface ProblemRow { name: string; mgh: number; n: number; fmin: number; runs: { nabla: SideRun; scipy: SideRun }[] }
export interface MethodTotals {
  nabla: string;
  scipy: string;
  solved: { nabla: number; scipy: number };
  nfev: { nabla: number; scipy: number };
  ngev: { nabla: number; scipy: number };
  nhev: { nabla: number; scipy: number };
}
export interface Comparison { scipyVersion: string; rows: ProblemRow[]; totals: MethodTotals[] }
export interface ScipyReference {
  scipy: string;
  problems: Record<string, { n: number; f0: number; runs: Record<string, Record<string, number | string | boolean>>; leastSquares: { x: number[]; fun: number } }>;
}
export const METHOD_PAIRS: [string, string][];
export const SOLVED_TAU: number;
export const SOLVED_RTOL: number;
export function solved(fun: number, f0: number, fmin: number): boolean;
export function loadReference(): ScipyReference;
export function compareOnMgh(nb: unknown, reference?: ScipyReference): Comparison;
export function formatMarkdown(result: Comparison): string;
export function optimSection(options?: { json?: boolean; quiet?: boolean }): Promise<Comparison>;
