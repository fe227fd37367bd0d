/**
 * SVG pictures for the CLI: contour lines of f(x, y) by marching squares, with an optimizer's
 * trajectory or a landscape's critical points drawn over them.
 */
import * as nb from "../index.js";

const SIZE = 480;
const GRID = 96;
const LEVELS = 14;

/** A segment of a contour line, in grid coordinates. */
type Segment = [number, number, number, number];

/**
 * Marching squares on a (GRID+1)² grid of values: for each cell, the edges where the level is
 * crossed, joined in pairs (the saddle cases pick one of the two pairings).
 */
function contourSegments(values: Float64Array, level: number): Segment[] {
  const n = GRID + 1;
  const at = (i: number, j: number): number => values[j * n + i]!;
  const segments: Segment[] = [];
  for (let j = 0; j < GRID; j++) {
    for (let i = 0; i < GRID; i++) {
      const corners: [number, number, number][] = [[i, j, at(i, j)], [i + 1, j, at(i + 1, j)], [i + 1, j + 1, at(i + 1, j + 1)], [i, j + 1, at(i, j + 1)]];
      const points: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const [x1, y1, v1] = corners[k]!;
        const [x2, y2, v2] = corners[(k + 1) % 4]!;
        if ((v1 < level) !== (v2 < level) && Number.isFinite(v1) && Number.isFinite(v2)) {
          const t = (level - v1) / (v2 - v1);
          points.push([x1 + t * (x2 - x1), y1 + t * (y2 - y1)]);
        }
      }
      for (let k = 0; k + 1 < points.length; k += 2) segments.push([points[k]![0], points[k]![1], points[k + 1]![0], points[k + 1]![1]]);
    }
  }
  return segments;
}

/** A box [x0, x1] × [y0, y1]. */
export type Box = [number, number, number, number];

/** The contour lines of f over a box as SVG paths, and the maps from (x, y) to pixels. */
function contours(f: (x: nb.Tensor, y: nb.Tensor) => nb.Tensor, [x0, x1, y0, y1]: Box): { lines: string[]; px: (x: number) => number; py: (y: number) => number } {
  const gx = nb.reshape(nb.linspace(x0, x1, GRID + 1), [1, GRID + 1]);
  const gy = nb.reshape(nb.linspace(y0, y1, GRID + 1), [GRID + 1, 1]);
  const values = Float64Array.from(nb.broadcastTo(f(gx, gy), [GRID + 1, GRID + 1]).values());
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  // Levels at quantiles of f over the box, denser near the minimum, so steep and flat regions both show.
  const levels = Array.from({ length: LEVELS }, (_, k) => finite[Math.floor(((k + 1) / (LEVELS + 1)) ** 2 * (finite.length - 1))]!);
  const toX = (i: number): number => (i / GRID) * SIZE;
  const toY = (j: number): number => SIZE - (j / GRID) * SIZE;
  const lines = [...new Set(levels)].map((level, k) => {
    const d = contourSegments(values, level).map(([a, b, c, e]) => `M${toX(a).toFixed(1)} ${toY(b).toFixed(1)}L${toX(c).toFixed(1)} ${toY(e).toFixed(1)}`).join("");
    return `<path d="${d}" stroke="hsl(${210 - (k * 180) / LEVELS},60%,45%)" stroke-width="1" fill="none"/>`;
  });
  return { lines, px: (x) => ((x - x0) / (x1 - x0)) * SIZE, py: (y) => SIZE - ((y - y0) / (y1 - y0)) * SIZE };
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));
const svgOpen = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE + 24}" viewBox="0 0 ${SIZE} ${SIZE + 24}" font-family="sans-serif" font-size="11">`;

/** The SVG of f's contours over the box around the path, with the path on top. */
export function contourSvg(f: (x: nb.Tensor, y: nb.Tensor) => nb.Tensor, path: readonly (readonly number[])[], names: readonly string[]): string {
  const xs = path.map((p) => p[0]!);
  const ys = path.map((p) => p[1]!);
  const pad = (lo: number, hi: number): [number, number] => {
    const half = Math.max((hi - lo) * 0.75, 0.5);
    const mid = (lo + hi) / 2;
    return [mid - half, mid + half];
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const { lines, px, py } = contours(f, [x0, x1, y0, y1]);
  const trajectory = path.map((p) => `${px(p[0]!).toFixed(1)},${py(p[1]!).toFixed(1)}`).join(" ");
  const [start, end] = [path[0]!, path[path.length - 1]!];
  return [
    svgOpen,
    `<rect width="${SIZE}" height="${SIZE}" fill="white" stroke="#999"/>`,
    ...lines,
    `<polyline points="${trajectory}" fill="none" stroke="black" stroke-width="1.5"/>`,
    `<circle cx="${px(start[0]!).toFixed(1)}" cy="${py(start[1]!).toFixed(1)}" r="4" fill="white" stroke="black"/>`,
    `<circle cx="${px(end[0]!).toFixed(1)}" cy="${py(end[1]!).toFixed(1)}" r="4" fill="crimson"/>`,
    `<text x="4" y="${SIZE + 16}">${names[0]} ∈ [${fmt(x0)}, ${fmt(x1)}], ${names[1]} ∈ [${fmt(y0)}, ${fmt(y1)}]; ○ start, ● end, ${path.length - 1} steps</text>`,
    "</svg>",
  ].join("\n");
}

/** A marked point of a landscape plot: where it is and its Morse index (0 minimum, 1 saddle, 2 maximum in 2-D). */
export interface Mark {
  x: number;
  y: number;
  morseIndex: number;
  label: string;
}

const MARK_COLOURS = ["#1a7f37", "#d97706", "#b91c1c"];

/** The SVG of f's contours over a box with points marked by Morse index (green minima, orange saddles, red maxima). */
export function landscapeSvg(f: (x: nb.Tensor, y: nb.Tensor) => nb.Tensor, box: Box, marks: readonly Mark[], names: readonly string[]): string {
  const { lines, px, py } = contours(f, box);
  const dots = marks.map((m) => {
    const colour = MARK_COLOURS[Math.min(m.morseIndex, MARK_COLOURS.length - 1)]!;
    return `<circle cx="${px(m.x).toFixed(1)}" cy="${py(m.y).toFixed(1)}" r="5" fill="${colour}" stroke="black"><title>${m.label}</title></circle>`;
  });
  return [
    svgOpen,
    `<rect width="${SIZE}" height="${SIZE}" fill="white" stroke="#999"/>`,
    ...lines,
    ...dots,
    `<text x="4" y="${SIZE + 16}">${names[0]} ∈ [${fmt(box[0])}, ${fmt(box[1])}], ${names[1]} ∈ [${fmt(box[2])}, ${fmt(box[3])}]; green minimum, orange saddle, red maximum</text>`,
    "</svg>",
  ].join("\n");
}

/** The SVG of a spectral density: the density over the eigenvalues, log-scaled so the bulk and the outliers both show. */
export function densitySvg(grid: readonly number[], density: readonly number[], title: string): string {
  const [w, h, left, bottom, pad] = [640, 360, 64, 40, 16];
  const floor = 1e-6 * Math.max(...density);
  const logs = density.map((d) => Math.log10(Math.max(d, floor)));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const x = (v: number) => left + ((w - left - pad) * (v - grid[0]!)) / (grid.at(-1)! - grid[0]! || 1);
  const y = (v: number) => h - bottom - ((h - bottom - pad) * (v - lo)) / (hi - lo || 1);
  const points = grid.map((g, i) => `${x(g).toFixed(1)},${y(logs[i]!).toFixed(1)}`).join(" ");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<line x1="${left}" y1="${h - bottom}" x2="${w - pad}" y2="${h - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${pad}" x2="${left}" y2="${h - bottom}" stroke="black"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${points}"/>`,
    `<text x="${left}" y="${h - bottom + 18}">${fmt(grid[0]!)}</text>`,
    `<text x="${w - pad}" y="${h - bottom + 18}" text-anchor="end">${fmt(grid.at(-1)!)}</text>`,
    `<text x="${left - 6}" y="${y(hi) + 4}" text-anchor="end">1e${hi.toFixed(1)}</text>`,
    `<text x="${left - 6}" y="${y(lo) + 4}" text-anchor="end">1e${lo.toFixed(1)}</text>`,
    `<text x="${(w + left) / 2}" y="${h - 6}" text-anchor="middle">eigenvalue — ${title}</text>`,
    "</svg>",
  ].join("\n");
}
