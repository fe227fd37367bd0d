/**
 * Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011), the counter-based generator behind JAX's keys: a keyed hash of
 * a counter, so a draw depends only on (key, position) and any element can be computed on
 * its own, in any order. The key layout and the split/fold-in/bits schemes follow JAX's
 * threefry implementation, so keys and bits can be compared with JAX's.
 */
import type { DType } from "./dtype.js";
import { type Shape, sizeOf } from "./shape.js";

/** Rotation constants of Threefry-2x32 (Random123's R_32x2). */
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
/** The key-schedule parity constant (Skein's C240 for 32-bit words). */
const PARITY = 0x1bd11bda;

/**
 * Threefry-2x32-20 of the counter pair (x0, x1) under the key (k0, k1), words as unsigned
 * 32-bit integers; writes the two output words to out[at], out[at + 1].
 */
export function threefry2x32(k0: number, k1: number, x0: number, x1: number, out: Uint32Array, at = 0): void {
  const ks = [k0 >>> 0, k1 >>> 0, (PARITY ^ k0 ^ k1) >>> 0];
  let a = (x0 + ks[0]!) | 0;
  let b = (x1 + ks[1]!) | 0;
  for (let round = 0; round < 20; round++) {
    a = (a + b) | 0;
    const r = ROTATIONS[round % 8]!;
    b = (b << r) | (b >>> (32 - r));
    b ^= a;
    // A key injection after every fourth round.
    if (round % 4 === 3) {
      const s = (round + 1) / 4;
      a = (a + ks[s % 3]!) | 0;
      b = (b + ks[(s + 1) % 3]! + s) | 0;
    }
  }
  out[at] = a >>> 0;
  out[at + 1] = b >>> 0;
}

/**
 * `count` random 32-bit words from a key, as JAX's threefry_random_bits: the counters
 * 0 … count−1 (padded to even length with a 0) are hashed in pairs (i, i + half), word i of the
 * result being the first output of pair i for i < half and the second output of pair i − half after.
 */
export function randomWords(k0: number, k1: number, count: number): Uint32Array {
  const half = Math.ceil(count / 2);
  const words = new Uint32Array(2 * half);
  const pair = new Uint32Array(2);
  for (let i = 0; i < half; i++) {
    threefry2x32(k0, k1, i, i + half < count ? i + half : 0, pair);
    words[i] = pair[0]!;
    words[i + half] = pair[1]!;
  }
  return count === words.length ? words : words.subarray(0, count);
}

/** The key of a seed, as JAX's: [high word, low word] of a non-negative integer below 2⁵³. */
export function seedWords(seed: number): [number, number] {
  return [Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0];
}

/** Uniform in [0, 1) from two words: 53 random bits, the same construction as ./random.ts. */
export function uniform53(hi: number, lo: number): number {
  return ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
}

/** Uniform in [0, 1) from one word: 24 random bits, every value exact in float32. */
export function uniform24(word: number): number {
  return (word >>> 8) / 16777216;
}

/** What nb.random's primitive computes from each key [2]: new keys or a draw of `shape`. */
export type RandomParams =
  | { kind: "split"; count: number }
  | { kind: "foldIn"; data: number }
  | { kind: "uniform" | "normal"; shape: Shape; dtype: DType };

/** The shape one key's result has. */
export function resultShape(params: RandomParams): Shape {
  return params.kind === "split" ? [params.count, 2] : params.kind === "foldIn" ? [2] : params.shape;
}

/** Writes one key's result to out[at …]. */
export function fillFromKey(k0: number, k1: number, params: RandomParams, out: Float64Array | Float32Array, at: number): void {
  if (params.kind === "foldIn") {
    const pair = new Uint32Array(2);
    // JAX: threefry_2x32(key, threefry_seed(data)), the seed of data being [0, data].
    threefry2x32(k0, k1, ...seedWords(params.data), pair);
    out.set(pair, at);
    return;
  }
  if (params.kind === "split") {
    out.set(randomWords(k0, k1, 2 * params.count), at);
    return;
  }
  const n = sizeOf(params.shape);
  // Words per element: a float64 uniform takes 53 bits (two words), a float32 one 24 (one);
  // a normal takes two uniforms (Box–Muller). Element i reads words i, n + i, 2n + i, …
  const perUniform = params.dtype === "float64" ? 2 : 1;
  const w = randomWords(k0, k1, n * perUniform * (params.kind === "normal" ? 2 : 1));
  const u = (i: number, j: number): number => (perUniform === 2 ? uniform53(w[(2 * j) * n + i]!, w[(2 * j + 1) * n + i]!) : uniform24(w[j * n + i]!));
  for (let i = 0; i < n; i++) {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    out[at + i] = params.kind === "uniform" ? u(i, 0) : Math.sqrt(-2 * Math.log(1 - u(i, 0))) * Math.cos(2 * Math.PI * u(i, 1));
  }
}
