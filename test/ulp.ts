// Units in the last place, for the tests that hold vector kernels (native and wasm) to
// correctly rounded references.

const bits = new DataView(new ArrayBuffer(8));
/** The binary exponent of a finite nonzero double (−1023 for subnormals). */
function exponentOf(y: number): number {
  bits.setFloat64(0, y);
  return ((bits.getUint32(0) >>> 20) & 0x7ff) - 1023;
}

/**
 * |got − want| in units in the last place of want, the correctly rounded value in float32 or
 * float64; NaN, ±∞ and the sign of a zero must match exactly (Infinity when they do not).
 */
export function ulpError(got: number, want: number, float32: boolean): number {
  if (Number.isNaN(want) || !Number.isFinite(want)) return Object.is(got, want) ? 0 : Infinity;
  if (want === 0 && got === 0) return Object.is(got, want) ? 0 : Infinity;
  if (!Number.isFinite(got)) return Infinity;
  const [minExp, mant] = float32 ? [-126, 23] : [-1022, 52];
  const e = want === 0 ? minExp : Math.max(exponentOf(want), minExp);
  return Math.abs(got - want) / 2 ** (e - mant);
}
