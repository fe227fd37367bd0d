/**
 * Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011), the counter-based generator behind JAX's keys: a keyed hash of
 * a counter, so a draw depends only on (key, position) and any element can be computed on
 * its own, in any order. The key layout and the split/fold-in/bits schemes follow JAX's
 * threefry implementation, so keys and bits can be compared with JAX's.
 */

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
