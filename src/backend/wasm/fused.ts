/**
 * nb.jit's fused loops on the wasm backend, for chains with a transcendental step. The chain
 * runs a block of elements at a time, cut where a transcendental needs a value computed in
 * the loop: the arithmetic between two cuts is one generated JavaScript loop over the block
 * (the reference's formulas, as in ../reference/fused.ts), each transcendental one call of the
 * wasm kernels, and values cross a cut through per-block buffers that stay in cache. So a
 * compiled function gives, bit for bit, what the wasm backend's eager kernels give. Chains
 * without a transcendental, and short loops, keep the reference's single generated loop.
 */
import type { FusedLoop, FusedLoopSpec, FusedStep, LoopValue } from "../interface.js";
import { type DType, type TypedArray, allocate } from "../../tensor/dtype.js";
import { binaryExpression, compile, unaryExpression } from "../reference/elementwise.js";
import type { VecmathKernel } from "./vecmath-module.js";
import { type WasmVectorMath, isVecmathKernel } from "./vecmath.js";

/** Elements per block: every value of the chain has a buffer this long. */
const BLOCK = 1024;

const isVecmathStep = (s: FusedStep): s is Extract<FusedStep, { op: "unary" }> => s.op === "unary" && isVecmathKernel(s.kernel);

/** Whether a chain has a step the wasm kernels compute (and so needs the blocked loop). */
export function hasVecmathStep(spec: FusedLoopSpec): boolean {
  return spec.steps.some(isVecmathStep);
}

const inputsOf = (s: FusedStep): LoopValue[] => (s.op === "unary" ? [s.x] : s.op === "binary" ? [s.x, s.y] : [s.cond, s.x, s.y]);

/**
 * The source of one stage over `steps` (in order). Values computed before it are read from
 * their buffers; those it computes that a later pass reads (`readLater`) are written to theirs.
 */
function stageSource(spec: FusedLoopSpec, steps: readonly number[], readLater: ReadonlySet<LoopValue>, final: boolean): string {
  const operands = spec.operands.length;
  const v = (k: LoopValue): string => `v${k}`;
  const computed = new Set<LoopValue>(steps.map((j) => operands + j));
  const used = new Set<LoopValue>([...steps.flatMap((j) => inputsOf(spec.steps[j]!)), ...(final ? [...spec.stores, ...spec.sums] : [])]);
  const setup: string[] = [`// ${spec.operands.map((o) => `${o.dtype}:${o.access}`).join(" ")} ${spec.steps.map((s) => s.dtype).join(" ")}`];
  const perElement: string[] = [];
  for (const k of used) {
    if (computed.has(k)) continue;
    if (k >= operands) {
      setup.push(`const b${k} = buffers[${k}];`);
      perElement.push(`const ${v(k)} = b${k}[i];`);
      continue;
    }
    const access = spec.operands[k]!.access;
    setup.push(`const a${k} = data[${k}], o${k} = offsets[${k}]${access === "full" ? " + base" : ""};`);
    if (access === "scalar") setup.push(`const ${v(k)} = a${k}[o${k}];`);
    else if (access === "full") perElement.push(`const ${v(k)} = a${k}[o${k} + i];`);
    else perElement.push(`const ${v(k)} = a${k}[o${k} + maps[${k}][base + i]];`);
  }
  for (const j of steps) {
    const s = spec.steps[j]!, out = operands + j;
    const expression = s.op === "unary" ? unaryExpression(s.kernel, v(s.x))
      : s.op === "binary" ? binaryExpression(s.kernel, v(s.x), v(s.y))
      : `(${v(s.cond)} !== 0 ? ${v(s.x)} : ${v(s.y)})`;
    perElement.push(`const ${v(out)} = ${s.dtype === "float32" ? `Math.fround(${expression})` : expression};`);
    if (readLater.has(out)) {
      setup.push(`const b${out} = buffers[${out}];`);
      perElement.push(`b${out}[i] = ${v(out)};`);
    }
  }
  const finish: string[] = [];
  if (final) {
    spec.stores.forEach((k, j) => {
      setup.push(`const out${j} = outputs[${j}];`);
      perElement.push(`out${j}[base + i] = ${v(k)};`);
    });
    spec.sums.forEach((k, j) => {
      setup.push(`let s${j} = running[${j}];`);
      perElement.push(`s${j} += ${v(k)};`);
      finish.push(`running[${j}] = s${j};`);
    });
  }
  return [...setup, "let p = 0;", "for (let i = 0; i < len; i++) {", ...perElement, "}", ...finish].join("\n");
}

/** One block's work of a cut: a stage, or a transcendental step. */
type Pass = (
  data: readonly TypedArray[], offsets: readonly number[], maps: readonly (Int32Array | null)[],
  buffers: readonly TypedArray[], base: number, len: number, running: Float64Array, outputs: readonly TypedArray[],
) => void;

/** Generated stages by source: each a loop over one block for the steps between two cuts. */
const stages = new Map<string, Pass>();

function compileStage(source: string): Pass {
  let stage = stages.get(source);
  if (!stage) {
    stage = compile<Pass>("data, offsets, maps, buffers, base, len, running, outputs", source);
    stages.set(source, stage);
  }
  return stage;
}

/** One block's work for a transcendental step: its input's elements, the kernel, its buffer. */
function vecmathPass(spec: FusedLoopSpec, j: number, vecmath: WasmVectorMath): Pass {
  const step = spec.steps[j] as Extract<FusedStep, { op: "unary" }>;
  const kernel = step.kernel as VecmathKernel;
  const operands = spec.operands.length;
  const x = step.x;
  const inputDtype: DType = x < operands ? spec.operands[x]!.dtype : spec.steps[x - operands]!.dtype;
  const access = x < operands ? spec.operands[x]!.access : "computed";
  // A repeated or indexed operand is spread into a block first; another input dtype is
  // widened (exactly) and the float64 result rounded as the buffer stores it, as eagerly.
  const spread = access === "scalar" || access === "indexed" ? allocate(inputDtype, BLOCK) : undefined;
  const widened = inputDtype === step.dtype ? undefined : new Float64Array(BLOCK);
  return (data, offsets, maps, buffers, base, len) => {
    let src = buffers[x]!, at = 0;
    if (access === "full") [src, at] = [data[x]!, offsets[x]! + base];
    else if (spread) {
      const [a, o, map] = [data[x]!, offsets[x]!, maps[x]];
      for (let i = 0; i < len; i++) spread[i] = a[o + (map ? map[base + i]! : 0)]!;
      src = spread;
    }
    const out = buffers[operands + j]!;
    if (!widened) return vecmath.run(kernel, step.dtype, src, at, out, 0, len);
    widened.set(src.subarray(at, at + len));
    vecmath.run(kernel, "float64", widened, 0, widened, 0, len);
    out.set(widened.subarray(0, len));
  };
}

/** A pass of the blocked loop: one transcendental step, or a stage over arithmetic steps. */
type PlannedPass = { vecmath: number; steps?: undefined } | { vecmath?: undefined; steps: number[] };

/**
 * The passes in order, ending with a stage (it does the stores and sums). A transcendental
 * whose input is ready before the stage being gathered (an operand, or a value of an earlier
 * pass) runs before that stage instead of cutting it, so a chain like sin(x)·x + cos(x)·y is
 * two wasm passes and one loop.
 */
function planPasses(spec: FusedLoopSpec): PlannedPass[] {
  const operands = spec.operands.length;
  const plan: PlannedPass[] = [];
  let gathering: number[] = [];
  const inGathering = (k: LoopValue): boolean => k >= operands && gathering.includes(k - operands);
  spec.steps.forEach((s, j) => {
    if (!isVecmathStep(s)) gathering.push(j);
    else if (!inGathering(s.x)) plan.push({ vecmath: j });
    else {
      plan.push({ steps: gathering }, { vecmath: j });
      gathering = [];
    }
  });
  plan.push({ steps: gathering });
  return plan;
}

/**
 * The blocked loop of a spec (see the module comment). Its buffers belong to the loop: the
 * loop is not reentrant, which nothing needs (a fused loop calls no user code).
 */
export function blockedFusedLoop(spec: FusedLoopSpec, vecmath: WasmVectorMath): FusedLoop {
  // Operands have no buffer of their own (a transcendental spreads a non-full one itself).
  const buffers = [...spec.operands.map(() => new Float64Array(0)), ...spec.steps.map((s) => allocate(s.dtype, BLOCK))];
  const passes = planPasses(spec).map((pass, i, plan): Pass => {
    if (pass.vecmath !== undefined) return vecmathPass(spec, pass.vecmath, vecmath);
    const readLater = new Set<LoopValue>(plan.slice(i + 1).flatMap((later) => (later.vecmath !== undefined ? [later.vecmath] : later.steps)).flatMap((j) => inputsOf(spec.steps[j]!)));
    const final = i === plan.length - 1;
    if (!final) [...spec.stores, ...spec.sums].forEach((k) => readLater.add(k));
    return compileStage(stageSource(spec, pass.steps, readLater, final));
  });
  return (data, offsets, maps, outputs, sums, n) => {
    const running = new Float64Array(spec.sums.length);
    for (let base = 0; base < n; base += BLOCK) {
      const len = Math.min(BLOCK, n - base);
      for (let p = 0; p < passes.length; p++) passes[p]!(data, offsets, maps, buffers, base, len, running, outputs);
    }
    sums.set(running);
  };
}
