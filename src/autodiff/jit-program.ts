/**
 * jit's compiled form of a traced function: the recorded equations, pruned to what the
 * outputs need, scheduled into steps that either run one primitive through `bind` (matmul,
 * reductions, shape ops, custom rules: whatever the active backend does) or run a fused
 * group of elementwise equations as one loop, the active backend's `fusedLoop`.
 * The values fused loops store for later steps, and matmul results, live in buffers the
 * program owns and reuses on every call (./jit-buffers.ts); the outputs are always fresh tensors.
 */
import { type Primitive, bind } from "../ops/core.js";
import { settings } from "../ops/config.js";
import { sumP } from "../ops/primitives/reduce.js";
import { matmulConcrete, matmulP } from "../ops/primitives/linalg.js";
import { broadcastToP, reshapeP } from "../ops/primitives/shape.js";
import type { Backend, FusedLoop, FusedLoopSpec, FusedStep, OperandAccess } from "../backend/interface.js";
import { backend } from "../backend/registry.js";
import { type DType, type TypedArray, allocate, allocateUninitialized } from "../tensor/dtype.js";
import { type BufferPlan, type Buffers, type FixedArrays, type StepAccess, donatableArrays, fixedArrays, freshOutput, lastUses, planBuffers, withDonations } from "./jit-buffers.js";
import { type Shape, broadcastIndexMap, formatShape, sizeOf } from "../tensor/shape.js";
import { ArrayTensor, type Tensor, isSingleValue } from "../tensor/tensor.js";

/** A value of the program by number: the inputs first, then constants and results as recorded. */
export type Slot = number;

/** One recorded primitive application. */
export interface Equation {
  prim: Primitive<unknown>;
  params: unknown;
  inputs: Slot[];
  out: Slot;
  shape: Shape;
  dtype: DType;
}

/** What the tracer recorded: equations in evaluation order, constants, and the outputs. */
export interface Recording {
  /** Shape and dtype of every slot. */
  shapes: Shape[];
  dtypes: DType[];
  equations: Equation[];
  constants: Map<Slot, ArrayTensor>;
  /** A slot per output leaf, or the JS number f returned there. */
  outputs: (Slot | { number: number })[];
}

/** A member of a fused group: computed in the loop, a same-size reshape of one, or a full sum. */
interface Member {
  eq: Equation;
  role: "loop" | "alias" | "sum";
}

interface Group {
  size: number;
  members: Member[];
  open: boolean;
}

type Step = { kind: "equation"; eq: Equation } | { kind: "group"; group: Group };

/** A fused group ready to run: its loop (per backend, compiled on first use) and how to feed it. */
interface CompiledGroup {
  spec: FusedLoopSpec;
  loops: Map<Backend, FusedLoop>;
  size: number;
  /**
   * Per operand: the slot it reads, how, and for a constant the loop must read in row-major
   * order but whose view is not (the gradient seed of a mean, broadcast), a contiguous copy
   * made once here rather than on every call.
   */
  operands: { slot: Slot; access: OperandAccess; rowMajor: ArrayTensor | null }[];
  /** Per operand, its index map (indexed access) or null: the loop's argument as it is on every call. */
  maps: (Int32Array | null)[];
  stores: { slot: Slot; shape: Shape; dtype: DType }[];
  sums: { slot: Slot; shape: Shape; dtype: DType }[];
}

type RunStep = { kind: "equation"; eq: Equation } | { kind: "group"; group: CompiledGroup };

/** A program that is one fused loop (Program.soleLoop); inputs are numbered as the traced function's. */
export interface SoleLoop {
  spec: FusedLoopSpec;
  /** What each operand of the loop reads: an input of the program, or a constant of it. */
  operands: ({ input: number } | { constant: ArrayTensor })[];
  /** For output k of the program, the loop's store (its position in the loop's outputs) that computes it. */
  storeOf: number[];
  /** The loop's index-maps argument: null for every operand (a sole loop reads none through a map). */
  maps: readonly (Int32Array | null)[];
  /** The active backend's loop for it (compiled once per backend). */
  loop(): FusedLoop;
}

/** A traced function compiled for one signature. */
export class Program {
  private readonly steps: RunStep[];
  /** The equations the outputs need, in recorded order: what debugNans runs one by one. */
  private readonly live: Equation[];
  private readonly plan: BufferPlan;
  /**
   * The owned buffers between calls, held weakly: a loop of calls in one synchronous job keeps
   * them (a WeakRef holds its target until the job ends), while a program left idle across
   * jobs lets them go and makes new ones when next called.
   */
  private idle: WeakRef<Buffers> | undefined;
  private running = false;
  private readonly output: Slot[];
  /** Outputs a fused loop can write into a donated input's storage: output slot → input slot. */
  private readonly donations: Map<Slot, Slot>;
  /** The recording's constants as two arrays (slot k holds value k), which a call walks without an iterator. */
  private readonly constantSlots: Slot[];
  private readonly constantValues: ArrayTensor[];
  /** The constants' arrays by buffer, for donation's check that a donated array shares no memory with one. */
  private readonly constantArrays: FixedArrays;

  /** `donated`: the input slots whose storage the caller gives up (jit's `donateArgnums`). */
  constructor(private readonly recording: Recording, donated: ReadonlySet<Slot> = new Set()) {
    this.live = liveEquations(recording);
    const context = groupContext(recording, this.live);
    this.steps = schedule(recording, this.live).map((s) => (s.kind === "equation" ? s : { kind: "group", group: compileGroup(s.group, context) }));
    this.output = recording.outputs.filter((o): o is Slot => typeof o === "number");
    const accesses = this.steps.map(stepAccess);
    this.plan = planBuffers(accesses, this.output, recording);
    this.donations = planDonations(this.steps, lastUses(accesses, this.output), this.output, donated, recording);
    this.constantSlots = [...recording.constants.keys()];
    this.constantValues = [...recording.constants.values()];
    this.constantArrays = fixedArrays(this.donations.size === 0 ? [] : this.constantValues.map((c) => c.data));
  }

  /** How many fused loops and plain primitive steps one call runs (what the tests check fusion by). */
  get stepCounts(): { fused: number; primitives: number } {
    const fused = this.steps.filter((s) => s.kind === "group").length;
    return { fused, primitives: this.steps.length - fused };
  }

  /**
   * The program as one fused loop, when it compiles to exactly that (an elementwise function
   * of its inputs whose outputs are all computed in the loop, no sums or index maps): for a
   * caller that runs the same function over many arrays with outputs it allocates itself
   * (nb.optim's eager Adam step), skipping run's per-call work. @internal
   */
  soleLoop(): SoleLoop | undefined {
    const only = this.steps[0];
    if (this.steps.length !== 1 || only?.kind !== "group") return undefined;
    const { group } = only;
    const outputs = this.recording.outputs.map((o) => (typeof o === "number" ? group.stores.findIndex((s) => s.slot === o) : -1));
    if (group.sums.length > 0 || group.operands.some((o) => o.access === "indexed") || outputs.some((j) => j < 0) ||
        new Set(outputs).size !== group.stores.length) return undefined;
    const constants = this.recording.constants;
    return {
      spec: group.spec,
      operands: group.operands.map(({ slot }) => (constants.has(slot) ? { constant: constants.get(slot)! } : { input: slot })),
      storeOf: outputs,
      maps: group.maps,
      loop: () => loopOf(group),
    };
  }

  run(inputs: readonly ArrayTensor[]): (Tensor | number)[] {
    const env = new Array<ArrayTensor | undefined>(this.recording.shapes.length);
    for (let i = 0; i < inputs.length; i++) env[i] = inputs[i];
    for (let k = 0; k < this.constantSlots.length; k++) env[this.constantSlots[k]!] = this.constantValues[k];
    // debugNans checks every primitive's output, so each runs on its own through bind.
    if (settings.debugNans) for (const eq of this.live) evaluate(eq, env);
    else {
      // A call made while another is running (a custom rule calling this jitted function)
      // must not write into the running call's buffers: it gets buffers of its own.
      const nested = this.running;
      const owned = (nested ? undefined : this.idle?.deref()) ?? this.plan.create();
      const buffers = withDonations(owned, this.donatedStorage(inputs));
      this.running = true;
      try {
        for (const step of this.steps) {
          if (step.kind === "equation") evaluate(step.eq, env, buffers);
          else runGroup(step.group, env, buffers);
        }
        // An output that reaches an owned buffer through a view (a reshape of a stored value) is copied out.
        for (const slot of this.output) env[slot] = freshOutput(env[slot]!, buffers);
      } finally {
        this.running = nested;
        if (!nested && this.idle?.deref() !== owned) this.idle = new WeakRef(owned);
      }
    }
    const outputs = this.recording.outputs;
    const results: (Tensor | number)[] = new Array(outputs.length);
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      results[i] = typeof o === "number" ? env[o]! : o.number;
    }
    return results;
  }

  /**
   * This call's donated storage by output slot: a donated input's array when it is the whole
   * of a contiguous array that shares no memory with another input or a constant (writing it
   * would change what they hold).
   */
  private donatedStorage(inputs: readonly ArrayTensor[]): Map<Slot, TypedArray> {
    const storage = new Map<Slot, TypedArray>();
    if (this.donations.size === 0) return storage;
    const donatable = donatableArrays(inputs, this.constantArrays);
    for (const [output, input] of this.donations) {
      const data = donatable[input];
      if (data !== undefined) storage.set(output, data);
    }
    return storage;
  }
}

/**
 * Which outputs can be written into which donated inputs' storage, input by input at most
 * once: an output a fused loop stores, of the input's dtype and size, where nothing after
 * that loop reads the input (or a view of it), and the loop itself reads it only element by
 * element and not after the step that computes the output (the native loop computes a stored
 * step straight into its output, a block at a time).
 */
function planDonations(
  steps: readonly RunStep[], end: ReadonlyMap<Slot, number>, output: readonly Slot[], donated: ReadonlySet<Slot>, slots: Recording,
): Map<Slot, Slot> {
  const plan = new Map<Slot, Slot>();
  const outputs = new Set(output);
  // An input returned as it is keeps its array; one that already takes an output is used.
  const available = new Set([...donated].filter((d) => !outputs.has(d)));
  const fits = (input: Slot, out: Slot): boolean =>
    slots.dtypes[input] === slots.dtypes[out] && sizeOf(slots.shapes[input]!) === sizeOf(slots.shapes[out]!);
  steps.forEach((step, i) => {
    if (step.kind !== "group") return;
    const { group } = step;
    group.stores.forEach((store, j) => {
      if (!outputs.has(store.slot) || plan.has(store.slot)) return;
      // A store of an operand as it is (no step computes it) is copied at the block's end: not over an input.
      const producer = group.spec.stores[j]! - group.spec.operands.length;
      if (producer < 0) return;
      const input = [...available].find((d) => fits(d, store.slot) && (end.get(d) ?? -1) <= i && readsBefore(group, d, producer));
      if (input === undefined) return;
      available.delete(input);
      plan.set(store.slot, input);
    });
  });
  return plan;
}

/** Whether the loop reads `slot` only in full, element by element, and in no step after `producer` (nor as a stored value or sum). */
function readsBefore(group: CompiledGroup, slot: Slot, producer: number): boolean {
  return group.operands.every((o, k) => o.slot !== slot || (o.access === "full" && operandReadBefore(group.spec, k, producer)));
}

/**
 * Whether a fused loop can store the value of step `producer` over operand k's array: no later
 * step reads operand k, nor is it stored or summed as it is (the native loop computes a stored
 * step straight into its output a block at a time, the others element by element). @internal
 */
export function operandReadBefore(spec: FusedLoopSpec, k: number, producer: number): boolean {
  if (producer < 0 || spec.stores.includes(k) || spec.sums.includes(k)) return false;
  return spec.steps.every((s, j) => j <= producer || !(s.op === "where" ? [s.cond, s.x, s.y] : s.op === "binary" ? [s.x, s.y] : [s.x]).includes(k));
}

/** The slots a step reads and writes; fused loops and matmuls write into storage the program lends them. */
function stepAccess(step: RunStep): StepAccess {
  if (step.kind === "equation") return { reads: step.eq.inputs, writes: [step.eq.out], owned: step.eq.prim === matmulP, views: true };
  const { operands, stores, sums } = step.group;
  return { reads: operands.map((o) => o.slot), writes: [...stores, ...sums].map((s) => s.slot), owned: true, views: false };
}

/** Runs one equation through bind; a matmul runs directly, into the program's buffer for its result. */
function evaluate(eq: Equation, env: (ArrayTensor | undefined)[], buffers?: Buffers): void {
  env[eq.out] = eq.prim === matmulP && buffers !== undefined
    ? matmulConcrete(env[eq.inputs[0]!]!, env[eq.inputs[1]!]!, buffers.data(eq.out))
    : bind(eq.prim, valuesOf(eq.inputs, env), eq.params).concrete();
}

function valuesOf(slots: readonly Slot[], env: readonly (ArrayTensor | undefined)[]): ArrayTensor[] {
  const values: ArrayTensor[] = new Array(slots.length);
  for (let i = 0; i < slots.length; i++) values[i] = env[slots[i]!]!;
  return values;
}

/** Dead-code elimination: the equations some output depends on. */
function liveEquations({ equations, outputs }: Recording): Equation[] {
  const needed = new Set<Slot>(outputs.filter((o): o is Slot => typeof o === "number"));
  const live: Equation[] = [];
  for (let i = equations.length - 1; i >= 0; i--) {
    const eq = equations[i]!;
    if (!needed.has(eq.out)) continue;
    live.push(eq);
    for (const s of eq.inputs) needed.add(s);
  }
  return live.reverse();
}

/**
 * Groups elementwise equations of one output size into fused loops, greedily in recorded
 * order. A group stays open (and can grow) until something outside it reads one of its
 * values; it is then scheduled at that point, before its reader, so every group runs after
 * all of its operands exist. broadcastTo of a value from outside a group is not materialised:
 * the loops read its source through an index map.
 */
function schedule(recording: Recording, live: readonly Equation[]): Step[] {
  const steps: Step[] = [];
  const order = new Map(live.map((eq, i) => [eq, i]));
  const groupOf = new Map<Slot, { group: Group; role: Member["role"] }>();
  const pendingBroadcasts = new Map<Slot, Equation>();
  const close = (group: Group): void => {
    if (!group.open) return;
    group.open = false;
    steps.push({ kind: "group", group });
  };
  const materialise = (slot: Slot): void => {
    const eq = pendingBroadcasts.get(slot);
    if (eq === undefined) return;
    pendingBroadcasts.delete(slot);
    steps.push({ kind: "equation", eq });
  };
  const join = (group: Group, eq: Equation, role: Member["role"]): void => {
    group.members.push({ eq, role });
    groupOf.set(eq.out, { group, role });
  };
  /** The open group whose loop computes `slot` at `size` elements per iteration, if any. */
  const loopGroup = (slot: Slot, size: number): Group | undefined => {
    const g = groupOf.get(slot);
    return g && g.group.open && g.role !== "sum" && g.group.size === size ? g.group : undefined;
  };

  for (const eq of live) {
    const size = sizeOf(eq.shape);
    const source = eq.inputs[0]!;
    // A primitive joins a loop by the elementwise kernel its table entry declares.
    if (eq.prim.kernel) {
      const joinable = new Set<Group>();
      for (const s of eq.inputs) {
        const g = loopGroup(s, size);
        if (g) joinable.add(g);
      }
      // A group whose full sum this equation reads must finish before it: that sum only
      // exists after the loop.
      for (const s of eq.inputs) {
        const g = groupOf.get(s);
        if (g && g.role === "sum") joinable.delete(g.group);
      }
      for (const s of eq.inputs) {
        const g = groupOf.get(s);
        if (g && !joinable.has(g.group)) close(g.group);
      }
      const [target, ...others] = [...joinable];
      const group = target ?? { size, members: [], open: true };
      for (const other of others) {
        for (const m of other.members) join(group, m.eq, m.role);
        other.open = false;
      }
      group.members.sort((a, b) => order.get(a.eq)! - order.get(b.eq)!);
      join(group, eq, "loop");
    } else if (eq.prim === reshapeP && loopGroup(source, size)) {
      join(loopGroup(source, size)!, eq, "alias");
    } else if (eq.prim === sumP && size === 1 && loopGroup(source, sizeOf(recording.shapes[source]!))) {
      join(loopGroup(source, sizeOf(recording.shapes[source]!))!, eq, "sum");
    } else if (eq.prim === broadcastToP && !groupOf.has(source) && !pendingBroadcasts.has(source)) {
      pendingBroadcasts.set(eq.out, eq);
    } else {
      for (const s of eq.inputs) {
        const g = groupOf.get(s);
        if (g) close(g.group);
        materialise(s);
      }
      steps.push({ kind: "equation", eq });
    }
  }
  for (const { group } of groupOf.values()) close(group);
  for (const o of recording.outputs) if (typeof o === "number") materialise(o);
  return steps;
}

/** What compiling any group of a program needs to know about the whole program. */
interface GroupContext {
  recording: Recording;
  /** The live equations reading each slot. */
  readers: Map<Slot, Equation[]>;
  outputSlots: Set<Slot>;
  broadcasts: Map<Slot, Equation>;
}

function groupContext(recording: Recording, live: readonly Equation[]): GroupContext {
  const readers = new Map<Slot, Equation[]>();
  for (const eq of live) for (const s of eq.inputs) readers.set(s, [...(readers.get(s) ?? []), eq]);
  const outputSlots = new Set(recording.outputs.filter((o): o is Slot => typeof o === "number"));
  const broadcasts = new Map(live.filter((e) => e.prim === broadcastToP).map((e) => [e.out, e]));
  return { recording, readers, outputSlots, broadcasts };
}

/** Builds the loop of a group: its operands, steps, stored values and sums. */
function compileGroup(group: Group, { recording, readers, outputSlots, broadcasts }: GroupContext): CompiledGroup {
  const members = new Map(group.members.map((m) => [m.eq.out, m]));
  const neededOutside = (slot: Slot): boolean => outputSlots.has(slot) || (readers.get(slot) ?? []).some((r) => !members.has(r.out));

  const operands: CompiledGroup["operands"] = [];
  const maps: CompiledGroup["maps"] = [];
  const operandSpecs: FusedLoopSpec["operands"][number][] = [];
  const operandIndex = new Map<string, number>();
  const steps: FusedStep[] = [];
  const valueOf = new Map<Slot, number>();

  /** The loop value of an equation's input, adding an operand when it comes from outside. */
  const read = (slot: Slot, consumer: Equation): number => {
    const inner = valueOf.get(slot);
    if (inner !== undefined) return inner;
    // A broadcast of an outside value is read from its source; broadcasting composes.
    const broadcast = broadcasts.get(slot);
    const source = broadcast !== undefined && !members.has(broadcast.inputs[0]!) ? broadcast.inputs[0]! : slot;
    const shape = recording.shapes[source]!;
    const constant = recording.constants.get(source);
    const access: OperandAccess =
      sizeOf(shape) === 1 || (constant !== undefined && isSingleValue(constant)) ? "scalar"
      : sizeOf(shape) === group.size ? "full"
      : "indexed";
    const key = `${source}:${access}:${access === "indexed" ? formatShape(consumer.shape) : ""}`;
    let k = operandIndex.get(key);
    if (k === undefined) {
      k = operands.length;
      operandIndex.set(key, k);
      const rowMajor = constant !== undefined && access !== "scalar" && !constant.contiguous ? new ArrayTensor(constant.contiguousData(false), shape) : null;
      operands.push({ slot: source, access, rowMajor });
      maps.push(access === "indexed" ? broadcastIndexMap(shape, consumer.shape) : null);
      operandSpecs.push({ dtype: recording.dtypes[source]!, access });
    }
    return k;
  };

  const stores: CompiledGroup["stores"] = [];
  const sums: CompiledGroup["sums"] = [];
  const storeValues: number[] = [];
  const sumValues: number[] = [];
  // Operands must be numbered before steps: collect every outside read first.
  for (const { eq, role } of group.members) {
    if (role !== "loop") continue;
    for (const s of eq.inputs) if (!members.has(s)) read(s, eq);
  }
  for (const { eq, role } of group.members) {
    if (role === "alias") valueOf.set(eq.out, valueOf.get(eq.inputs[0]!)!);
    else if (role === "sum") {
      sums.push({ slot: eq.out, shape: eq.shape, dtype: eq.dtype });
      sumValues.push(valueOf.get(eq.inputs[0]!)!);
      continue;
    } else {
      const fusion = eq.prim.kernel!;
      const [x, y, z] = eq.inputs.map((s) => read(s, eq));
      steps.push(
        fusion.op === "unary" ? { op: "unary", kernel: fusion.kernel, x: x!, dtype: eq.dtype }
        : fusion.op === "binary" ? { op: "binary", kernel: fusion.kernel, x: x!, y: y!, dtype: eq.dtype }
        : { op: "where", cond: x!, x: y!, y: z!, dtype: eq.dtype },
      );
      valueOf.set(eq.out, operands.length + steps.length - 1);
    }
    if (neededOutside(eq.out)) {
      stores.push({ slot: eq.out, shape: eq.shape, dtype: eq.dtype });
      storeValues.push(valueOf.get(eq.out)!);
    }
  }
  const spec = { operands: operandSpecs, steps, stores: storeValues, sums: sumValues };
  return { spec, loops: new Map(), size: group.size, operands, maps, stores, sums };
}

/** The active backend's loop for a group, compiled once per backend. */
function loopOf(group: CompiledGroup): FusedLoop {
  const active = backend();
  let loop = group.loops.get(active);
  if (loop === undefined) {
    loop = active.fusedLoop(group.spec);
    group.loops.set(active, loop);
  }
  return loop;
}

/** The sums argument of a loop that has none. */
export const NO_SUMS = new Float64Array(0);

function runGroup(group: CompiledGroup, env: (ArrayTensor | undefined)[], buffers: Buffers): void {
  const { operands, stores, size } = group;
  const data: TypedArray[] = new Array(operands.length);
  const offsets: number[] = new Array(operands.length);
  for (let k = 0; k < operands.length; k++) {
    const { slot, access, rowMajor } = operands[k]!;
    let t = rowMajor ?? env[slot]!;
    // Full and indexed reads walk the storage in row-major order.
    if (access !== "scalar" && !t.contiguous) t = new ArrayTensor(t.contiguousData(false), t.shape);
    data[k] = t.data;
    offsets[k] = t.offset;
  }
  const outputs: TypedArray[] = new Array(stores.length);
  for (let j = 0; j < stores.length; j++) outputs[j] = buffers.data(stores[j]!.slot) ?? allocateUninitialized(stores[j]!.dtype, size);
  const sums = group.sums.length === 0 ? NO_SUMS : new Float64Array(group.sums.length);
  loopOf(group)(data, offsets, group.maps, outputs, sums, size);
  for (let j = 0; j < stores.length; j++) {
    const s = stores[j]!;
    env[s.slot] = buffers.tensor(s.slot) ?? new ArrayTensor(outputs[j]!, s.shape);
  }
  group.sums.forEach((s, j) => {
    const out = buffers.data(s.slot) ?? allocate(s.dtype, 1);
    out[0] = sums[j]!;
    env[s.slot] = buffers.tensor(s.slot) ?? new ArrayTensor(out, s.shape);
  });
}
