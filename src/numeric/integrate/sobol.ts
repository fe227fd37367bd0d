/**
 * Sobol points (Bratley–Fox construction in Gray-code order, Joe–Kuo direction numbers), with
 * optional randomisation by a linear matrix scramble and a digital shift (Matoušek's LMS, as
 * scipy.stats.qmc.Sobol does), which keeps the net structure and makes every point uniform.
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { type Random, randomFor } from "../../tensor/random.js";
import { JOE_KUO } from "./sobol-directions.js";

/** Options for `sobol` and `halton`. */
export interface LowDiscrepancyOptions {
  /** Randomise the points (default true); the same seed gives the same points. */
  scramble?: boolean;
  /** Seed of the randomisation; without one, the global stream (see `nb.seed`). */
  seed?: number;
}

const BITS = 32;
const SCALE = 2 ** -BITS;

/** The largest dimension the committed direction-number table covers. */
export const SOBOL_MAX_DIMENSION = JOE_KUO.length + 1;

/** The 32 direction numbers V₁…V₃₂ of one dimension (bit 31 is the first binary digit). */
function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1]!;
  const mk = Array.from(m);
  for (let k = s; k < BITS; k++) {
    // m_k = 2a₁m_{k−1} ⊕ 4a₂m_{k−2} ⊕ … ⊕ 2^s m_{k−s} ⊕ m_{k−s}
    let next = mk[k - s]! ^ (mk[k - s]! * 2 ** s);
    for (let j = 1; j < s; j++) {
      if ((a >> (s - 1 - j)) & 1) next ^= mk[k - j]! * 2 ** j;
    }
    mk.push(next);
  }
  for (let k = 0; k < BITS; k++) v[k] = (mk[k]! * 2 ** (BITS - 1 - k)) >>> 0;
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** L·v over GF(2), L random lower-triangular with unit diagonal (bit 31 = row 0). */
function scrambleDirections(v: Uint32Array, rng: Random): void {
  const rows = Array.from({ length: BITS }, (_, i) => {
    const below = i === 0 ? 0 : Math.floor(rng.uniform() * 2 ** i);
    return ((below * 2 ** (BITS - i)) + 2 ** (BITS - 1 - i)) >>> 0;
  });
  for (let k = 0; k < BITS; k++) {
    let out = 0;
    for (let i = 0; i < BITS; i++) if (parity(rows[i]! & v[k]!)) out += 2 ** (BITS - 1 - i);
    v[k] = out >>> 0;
  }
}

/**
 * The first n points of the d-dimensional Sobol sequence in [0, 1)^d as a Tensor [n, d]
 * (unscrambled, the first point is 0 and the points equal scipy.stats.qmc.Sobol's).
 * Balance properties hold for n a power of two.
 * @example
 * nb.integrate.sobol(4, 2, { scramble: false }).toArray(); // => [[0, 0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75]]
 */
export function sobol(n: number, d: number, options: LowDiscrepancyOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** BITS) throw new NablaError(`sobol: n must be an integer in [0, 2³²], got ${n}`);
  if (!Number.isInteger(d) || d < 1 || d > SOBOL_MAX_DIMENSION) {
    throw new NablaError(`sobol: d must be an integer in [1, ${SOBOL_MAX_DIMENSION}] (the committed Joe–Kuo rows), got ${d}`);
  }
  const scramble = options.scramble ?? true;
  const rng = scramble ? randomFor(options.seed) : undefined;
  const out = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const v = directions(j);
    let x = 0;
    if (rng) {
      scrambleDirections(v, rng);
      x = Math.floor(rng.uniform() * 2 ** BITS) >>> 0;
    }
    for (let i = 0; i < n; i++) {
      out[i * d + j] = x * SCALE;
      // Gray code: the next point flips the direction of the lowest zero bit of i.
      x = (x ^ v[31 - Math.clz32(~i & (i + 1))]!) >>> 0;
    }
  }
  return tensor(out, { shape: [n, d] });
}
