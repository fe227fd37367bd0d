/** The seeded 2-D datasets of the Training playground and the Loss landscape page: the pages draw them and the worker trains on them. */
import * as nb from "nabla";

export const DATASETS = ["moons", "circles", "spirals", "xor"] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface Dataset {
  x: [number, number][];
  y: number[];
}

export const EXTENT: [number, number] = [-2, 2];
const POINTS = 240;

/** n points of a two-class problem; the same seed gives the same points. */
export function makeDataset(name: DatasetName, seed: number, noise: number): Dataset {
  const u = nb.rand([POINTS], { seed }).values();
  const v = nb.rand([POINTS], { seed: seed + 1 }).values();
  const e = nb.randn([POINTS, 2], { seed: seed + 2 }).values();
  const x: [number, number][] = [];
  const y: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    const label = i % 2;
    const jitter = (k: number): number => noise * e[2 * i + k]!;
    let p: [number, number];
    if (name === "moons") {
      const t = Math.PI * u[i]!;
      p = label ? [1 - Math.cos(t) - 0.5, 0.25 - Math.sin(t)] : [Math.cos(t) - 0.5, Math.sin(t) - 0.25];
      p = [1.2 * p[0], 1.2 * p[1]];
    } else if (name === "circles") {
      const t = 2 * Math.PI * u[i]!;
      const r = label ? 0.6 : 1.5;
      p = [r * Math.cos(t), r * Math.sin(t)];
    } else if (name === "spirals") {
      const t = 0.25 + 2.75 * Math.PI * u[i]!;
      const r = (0.55 * t) / Math.PI;
      const turn = label ? Math.PI : 0;
      p = [r * Math.cos(t + turn), r * Math.sin(t + turn)];
    } else {
      p = [3.4 * u[i]! - 1.7, 3.4 * v[i]! - 1.7];
      y.push(p[0] * p[1] > 0 ? 1 : 0);
      x.push([p[0] + jitter(0), p[1] + jitter(1)]);
      continue;
    }
    x.push([p[0] + jitter(0), p[1] + jitter(1)]);
    y.push(label);
  }
  return { x, y };
}

