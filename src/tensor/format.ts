import type { DType, TypedArray } from "./dtype.js";
import { type Shape, formatShape, sizeOf } from "./shape.js";

/** Above this many elements, only the first and last EDGE_ITEMS along each axis are shown (NumPy's threshold). */
const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const PREFIX = "tensor(";

/**
 * NumPy-style text: aligned columns, 8 significant digits, scientific notation when
 * magnitudes call for it, and "..." in place of the middle of large tensors.
 */
export function formatTensor(shape: Shape, dtype: DType, data: TypedArray): string {
  const summarize = sizeOf(shape) > SUMMARY_THRESHOLD;
  const shown = collectShown(shape, data, summarize);
  const format = chooseNumberFormat(shown);
  const width = shown.reduce((w, v) => Math.max(w, format(v).length), 0);
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const render = (axis: number, offset: number, indent: string): string => {
    if (axis === shape.length) return format(data[offset]!).padStart(width);
    const len = shape[axis]!;
    const indices = visibleIndices(len, summarize);
    const parts = indices.map((i) => (i < 0 ? "..." : render(axis + 1, offset + i * strides[axis]!, indent + " ")));
    const last = axis === shape.length - 1;
    const sep = last ? ", " : "," + "\n".repeat(shape.length - axis - 1) + indent + " ";
    return "[" + parts.join(sep) + "]";
  };
  const body = render(0, 0, " ".repeat(PREFIX.length));
  return `${PREFIX}${body}, shape=${formatShape(shape)}, dtype=${dtype})`;
}

function visibleIndices(len: number, summarize: boolean): number[] {
  if (!summarize || len <= 2 * EDGE_ITEMS) return Array.from({ length: len }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => len - EDGE_ITEMS + i);
  return [...head, -1, ...tail];
}

function collectShown(shape: Shape, data: TypedArray, summarize: boolean): number[] {
  if (!summarize) return Array.from(data.subarray(0, sizeOf(shape)));
  const out: number[] = [];
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const walk = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(data[offset]!);
      return;
    }
    for (const i of visibleIndices(shape[axis]!, true)) if (i >= 0) walk(axis + 1, offset + i * strides[axis]!);
  };
  walk(0, 0);
  return out;
}

function chooseNumberFormat(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const max = finite.length ? Math.max(...finite) : 0;
  const min = finite.length ? Math.min(...finite) : 0;
  const scientific = max >= 1e8 || (min > 0 && min < 1e-4) || (min > 0 && max / min > 1e3 && min < 1e-3);
  return (v: number): string => {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (scientific) {
      const [mantissa, exponent] = v.toExponential(7).split("e") as [string, string];
      return `${stripZeros(mantissa)}e${exponent[0] === "-" ? "-" : "+"}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
    }
    return stripZeros(v.toPrecision(8).includes("e") ? v.toFixed(4) : Number(v.toPrecision(8)).toString());
  };
}

function stripZeros(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}
