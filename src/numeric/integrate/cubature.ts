/**
 * Adaptive cubature over a box with the Genz–Malik rule (A. C. Genz and A. A. Malik, J. Comput.
 * Appl. Math. 6, 1980): a degree-7 rule with an embedded degree-5 rule on 2^d + 2d² + 2d + 1
 * points; their difference is the error estimate, and the region with the largest error is
 * halved along the axis whose fourth difference is largest. All the points of every region
 * split in one round go to f in one call.
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { add, mul, sum } from "../../ops/index.js";
import { type BoxIntegrand, checkBox, evaluateBox } from "./monte-carlo.js";

/** Options for `cubature`. */
export interface CubatureOptions {
  /** Relative tolerance, default 1e-8. */
  epsrel?: number;
  /** Absolute tolerance, default 0. */
  epsabs?: number;
  /** Most evaluations of f, default 1 000 000. */
  maxEval?: number;
}

/** The result of `cubature`. */
export interface CubatureResult {
  /** The integral, differentiable in anything f closes over. */
  value: Tensor;
  /** Sum over regions of |degree 7 − degree 5|. */
  error: number;
  nfev: number;
  success: boolean;
  message: string;
  /** Regions of the final partition. */
  regions: number;
}

const L2 = Math.sqrt(9 / 70);
const L3 = Math.sqrt(9 / 10);
const L4 = Math.sqrt(9 / 10);
const L5 = Math.sqrt(9 / 19);
/** How much of a parent's discrepancy each child inherits as a floor on its error. */
const SHARE = 4;

interface Pattern {
  /** P offsets in [−1, 1]^d, row-major [P, d]. */
  offsets: Float64Array;
  /** The weight group (0…4) of each point. */
  group: Uint8Array;
  w7: number[];
  w5: number[];
  size: number;
}

function pattern(d: number): Pattern {
  const rows: number[][] = [];
  const group: number[] = [];
  const push = (row: number[], g: number) => {
    rows.push(row);
    group.push(g);
  };
  const zero = () => new Array<number>(d).fill(0);
  push(zero(), 0);
  for (const [lambda, g] of [[L2, 1], [L3, 2]] as const) {
    for (let i = 0; i < d; i++) {
      for (const s of [1, -1]) {
        const r = zero();
        r[i] = s * lambda;
        push(r, g);
      }
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      for (const [si, sj] of [[1, 1], [1, -1], [-1, 1], [-1, -1]]) {
        const r = zero();
        r[i] = si! * L4;
        r[j] = sj! * L4;
        push(r, 3);
      }
    }
  }
  for (let mask = 0; mask < 2 ** d; mask++) push(Array.from({ length: d }, (_, i) => ((mask >> i) & 1 ? L5 : -L5)), 4);
  const w7 = [(12824 - 9120 * d + 400 * d * d) / 19683, 980 / 6561, (1820 - 400 * d) / 19683, 200 / 19683, 6859 / 19683 / 2 ** d];
  const w5 = [(729 - 950 * d + 50 * d * d) / 729, 245 / 486, (265 - 100 * d) / 1458, 25 / 729, 0];
  return { offsets: Float64Array.from(rows.flat()), group: Uint8Array.from(group), w7, w5, size: rows.length };
}

interface Region {
  centre: number[];
  half: number[];
  result: number;
  error: number;
  axis: number;
}

/** The unit-cube points of the regions (the box maps them), one after another. */
function regionPoints(p: Pattern, regions: readonly { centre: number[]; half: number[] }[], d: number): Float64Array {
  const out = new Float64Array(regions.length * p.size * d);
  regions.forEach((r, k) => {
    for (let q = 0; q < p.size; q++) {
      for (let i = 0; i < d; i++) out[(k * p.size + q) * d + i] = r.centre[i]! + r.half[i]! * p.offsets[q * d + i]!;
    }
  });
  return out;
}

function estimate(p: Pattern, d: number, centre: number[], half: number[], y: Float64Array, at: number, volume: number): Region {
  const sums = [0, 0, 0, 0, 0];
  for (let q = 0; q < p.size; q++) sums[p.group[q]!]! += y[at + q]!;
  const v = volume * half.reduce((s, h) => s * 2 * h, 1);
  const r7 = v * sums.reduce((s, x, g) => s + p.w7[g]! * x, 0);
  const r5 = v * sums.reduce((s, x, g) => s + p.w5[g]! * x, 0);
  // Fourth differences along each axis (points 1 + 2i, 2 + 2i at λ2; 1 + 2d + 2i, … at λ3).
  const f0 = y[at]!;
  let axis = 0;
  let worst = -1;
  for (let i = 0; i < d; i++) {
    const diff = Math.abs(y[at + 1 + 2 * i]! + y[at + 2 + 2 * i]! - 2 * f0 - (L2 * L2 / (L3 * L3)) * (y[at + 1 + 2 * d + 2 * i]! + y[at + 2 + 2 * d + 2 * i]! - 2 * f0));
    if (diff > worst + 1e-14 * Math.abs(worst)) {
      worst = diff;
      axis = i;
    }
  }
  return { centre, half, result: r7, error: Math.abs(r7 - r5), axis };
}

/**
 * ∫ f over the box [lower, upper] (2 ≤ d ≤ 10) by adaptive Genz–Malik cubature. f takes points
 * [m, d] and returns [m]. Stops when error ≤ max(epsabs, epsrel·|value|) or at maxEval.
 * @example
 * const r = nb.integrate.cubature((p) => nb.exp(nb.neg(nb.sum(nb.square(p), 1))), [0, 0], [1, 1]);
 * Math.abs(r.value.item() - (Math.sqrt(Math.PI) / 2 * 0.8427007929497149) ** 2) < 1e-9; // => true
 */
export function cubature(f: BoxIntegrand, lower: readonly number[], upper: readonly number[], options: CubatureOptions = {}): CubatureResult {
  const where = "cubature";
  const { d } = checkBox(where, lower, upper);
  if (d < 2 || d > 10) throw new NablaError(`${where}: works in 2 to 10 dimensions, got ${d} (use quad for one, monteCarlo for more)`);
  const epsrel = options.epsrel ?? 1e-8;
  const epsabs = options.epsabs ?? 0;
  const maxEval = options.maxEval ?? 1_000_000;
  if (!(epsrel >= 0 && epsabs >= 0) || epsrel + epsabs === 0) throw new NablaError(`${where}: epsrel and epsabs must be ≥ 0 and not both 0`);
  const p = pattern(d);
  const volume = lower.reduce((v, l, i) => v * (upper[i]! - l), 1);
  let traced = false;
  const evaluate = (boxes: { centre: number[]; half: number[] }[]): Region[] => {
    const y = evaluateBox(where, f, regionPoints(p, boxes, d), lower, upper);
    traced ||= y.level > 0;
    const values = Float64Array.from(y.values());
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NablaError(`${where}: f is not finite (${values[bad]}) at one of its points; cubature needs a bounded integrand (use quad for singular ones in 1-D)`);
    nfev += values.length;
    return boxes.map((b, k) => estimate(p, d, b.centre, b.half, values, k * p.size, volume));
  };
  let nfev = 0;
  let regions = evaluate([{ centre: new Array<number>(d).fill(0.5), half: new Array<number>(d).fill(0.5) }]);
  const totals = () => regions.reduce((s, r) => [s[0]! + r.result, s[1]! + r.error], [0, 0]);
  let [value, error] = totals() as [number, number];
  while (error > Math.max(epsabs, epsrel * Math.abs(value))) {
    regions.sort((x, y) => y.error - x.error);
    let take = 0;
    for (let acc = 0; take < regions.length && take < 256 && acc < error / 2; take++) acc += regions[take]!.error;
    if (nfev + 2 * take * p.size > maxEval) take = Math.floor((maxEval - nfev) / (2 * p.size));
    if (take < 1) break;
    const parents = regions.slice(0, take);
    const halves = parents.flatMap((r) => {
      const half = r.half.slice();
      half[r.axis] = half[r.axis]! / 2;
      return [-1, 1].map((s) => ({ centre: r.centre.map((c, i) => (i === r.axis ? c + s * half[i]! : c)), half }));
    });
    const children = evaluate(halves);
    // |parent − children| measures the parent's real error; each child keeps a share of it when
    // that exceeds its own rule difference (Genz–Malik's estimate alone can be optimistic).
    parents.forEach((parent, k) => {
      const [c1, c2] = [children[2 * k]!, children[2 * k + 1]!];
      const share = Math.abs(c1.result + c2.result - parent.result) / SHARE;
      c1.error = Math.max(c1.error, share);
      c2.error = Math.max(c2.error, share);
    });
    regions = [...regions.slice(take), ...children];
    [value, error] = totals() as [number, number];
  }
  const success = error <= Math.max(epsabs, epsrel * Math.abs(value));
  return {
    value: traced ? tracedValue(f, p, regions, lower, upper, volume, value) : tensor(value),
    error, nfev, success, regions: regions.length,
    message: success ? "converged: the estimated error is within the tolerance" : `maxEval (${maxEval}) evaluations reached before the tolerance; raise maxEval or loosen epsrel`,
  };
}

/** The degree-7 sums of the final regions inside the caller's trace. */
function tracedValue(f: BoxIntegrand, p: Pattern, regions: Region[], lower: readonly number[], upper: readonly number[], volume: number, value: number): Tensor {
  const d = lower.length;
  const y = evaluateBox("cubature", f, regionPoints(p, regions, d), lower, upper);
  const w = new Float64Array(regions.length * p.size);
  regions.forEach((r, k) => {
    const v = volume * r.half.reduce((s, h) => s * 2 * h, 1);
    for (let q = 0; q < p.size; q++) w[k * p.size + q] = v * p.w7[p.group[q]!]!;
  });
  const s = sum(mul(y, tensor(w)));
  return add(s, value - s.item());
}
