/**
 * nb.jit's fused loops on the wasm backend, for chains with a transcendental step: the chain
 * runs a block of elements at a time, step after step, each step one pass over buffers that
 * stay in cache — the reference's generated loop for arithmetic, the wasm kernels for the
 * transcendentals — so a compiled function gives, bit for bit, what the wasm backend's eager
 * kernels give (and gains their speed). Chains without one, and short loops, keep the
 * reference's single generated loop (the eager kernels stay in JavaScript there too).
 */
import type { FusedLoop, FusedLoopSpec, FusedStep, LoopValue } from "../interface.js";
import { type DType, type TypedArray, allocate } from "../../tensor/dtype.js";
import { binaryLoop, unaryLoop } from "../reference/elementwise.js";
import { type WasmVectorMath, isVecmathKernel } from "./vecmath.js";

/** Elements per block: every value of the chain has a buffer this long. */
const BLOCK = 1024;

/** Whether a chain has a step the wasm kernels compute (and so needs the blocked loop). */
export function hasVecmathStep(spec: FusedLoopSpec): boolean {
  return spec.steps.some((s) => s.op === "unary" && isVecmathKernel(s.kernel));
}

/** Where a value's elements of the current block are: buffer or operand array, and offset. */
interface Place {
  array: TypedArray;
  offset: number;
}

/** One step over `len` elements of a block, its operands' places given. */
type StepRunner = (inputs: readonly Place[], out: TypedArray, len: number) => void;

function stepRunner(step: FusedStep, inputDtypes: readonly DType[], vecmath: WasmVectorMath): StepRunner {
  const key = `${inputDtypes.join(",")}>${step.dtype}`;
  if (step.op === "unary" && isVecmathKernel(step.kernel)) {
    const kernel = step.kernel;
    // The kernel reads and writes one dtype; another input dtype is widened first (exact),
    // and the float64 result rounded as the buffer stores it, as the eager op would.
    const widened = inputDtypes[0] === step.dtype ? undefined : new Float64Array(BLOCK);
    return ([x], out, len) => {
      if (!widened) return vecmath.run(kernel, step.dtype, x!.array, x!.offset, out, 0, len);
      widened.set(x!.array.subarray(x!.offset, x!.offset + len));
      vecmath.run(kernel, "float64", widened, 0, widened, 0, len);
      out.set(widened.subarray(0, len));
    };
  }
  if (step.op === "unary") {
    const loop = unaryLoop(step.kernel, key);
    return ([x], out, len) => loop(x!.array, x!.offset, out, 0, len);
  }
  if (step.op === "binary") {
    const loop = binaryLoop(step.kernel, "cc", key);
    return ([x, y], out, len) => loop(x!.array, x!.offset, 1, y!.array, y!.offset, 1, out, 0, len);
  }
  return ([c, x, y], out, len) => {
    for (let i = 0; i < len; i++) out[i] = c!.array[c!.offset + i] !== 0 ? x!.array[x!.offset + i]! : y!.array[y!.offset + i]!;
  };
}

/**
 * The blocked loop of a spec (see the module comment). Its buffers belong to the loop: the
 * loop is not reentrant, which nothing needs (a fused loop calls no user code).
 */
export function blockedFusedLoop(spec: FusedLoopSpec, vecmath: WasmVectorMath): FusedLoop {
  const operands = spec.operands.length;
  const dtypeOf = (v: LoopValue): DType => (v < operands ? spec.operands[v]! : spec.steps[v - operands]!).dtype;
  const inputsOf = (s: FusedStep): LoopValue[] => (s.op === "unary" ? [s.x] : s.op === "binary" ? [s.x, s.y] : [s.cond, s.x, s.y]);
  // Full operands are read in place; scalar and indexed ones and every step get a buffer.
  const buffers = [...spec.operands.map((o) => (o.access === "full" ? undefined : allocate(o.dtype, BLOCK))), ...spec.steps.map((s) => allocate(s.dtype, BLOCK))];
  const runners = spec.steps.map((s) => stepRunner(s, inputsOf(s).map(dtypeOf), vecmath));
  const places: Place[] = buffers.map((b) => ({ array: b ?? new Float64Array(0), offset: 0 }));

  return (data, offsets, maps, outputs, sums, n) => {
    const running = spec.sums.map(() => 0);
    spec.operands.forEach((o, k) => {
      if (o.access === "scalar") buffers[k]!.fill(data[k]![offsets[k]!]!);
      if (o.access === "full") places[k] = { array: data[k]!, offset: offsets[k]! };
    });
    for (let base = 0; base < n; base += BLOCK) {
      const len = Math.min(BLOCK, n - base);
      spec.operands.forEach((o, k) => {
        if (o.access === "full") places[k]!.offset = offsets[k]! + base;
        else if (o.access === "indexed") {
          const [src, at, map, buffer] = [data[k]!, offsets[k]!, maps[k]!, buffers[k]!];
          for (let i = 0; i < len; i++) buffer[i] = src[at + map[base + i]!]!;
        }
      });
      spec.steps.forEach((s, j) => runners[j]!(inputsOf(s).map((v) => places[v]!), buffers[operands + j]!, len));
      spec.stores.forEach((v, j) => outputs[j]!.set(places[v]!.array.subarray(places[v]!.offset, places[v]!.offset + len), base));
      spec.sums.forEach((v, j) => {
        // Element after element, continuing the running sum: the reference loop's order.
        const { array, offset } = places[v]!;
        let s = running[j]!;
        for (let i = 0; i < len; i++) s += array[offset + i]!;
        running[j] = s;
      });
    }
    running.forEach((s, j) => (sums[j] = s));
  };
}
