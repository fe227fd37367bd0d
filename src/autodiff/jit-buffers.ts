/**
 * The storage a jit program owns: every value a fused loop stores for later steps and every
 * matmul result (the backend writes it into the buffer it is lent), except the program's
 * outputs, lives in a buffer made once and reused on every call, so a call allocates (and the
 * garbage collector frees) only its outputs and what other `bind` steps return. Values whose
 * lifetimes within a call do not overlap share a buffer, which keeps the set small and warm in
 * cache. A step's result may be a view of its inputs (reshape, transpose), so a value read by
 * such a step lives as long as that result does.
 */
import { type DType, type TypedArray, allocateUninitialized } from "../tensor/dtype.js";
import { type Shape, sizeOf } from "../tensor/shape.js";
import { ArrayTensor } from "../tensor/tensor.js";

type Slot = number;

/** What buffer planning needs to know of one step of a program. */
export interface StepAccess {
  reads: readonly Slot[];
  writes: readonly Slot[];
  /** The step writes into storage the program lends it (a fused loop, a matmul) when there is any. */
  owned: boolean;
  /** What the step writes may be a view of what it reads (a reshape; matmul returns an identity's other operand). */
  views: boolean;
}

/** One call's owned storage: the buffer and tensor of each owned slot. */
export interface Buffers {
  /** The buffer to write `slot` into; undefined when the slot is not owned (allocate it). */
  data(slot: Slot): TypedArray | undefined;
  /** The tensor over `data(slot)`, made once. */
  tensor(slot: Slot): ArrayTensor | undefined;
  /** Whether `data` is one of these buffers (a view of a value keeps its data array). */
  owns(data: TypedArray): boolean;
}

/** Which buffer each owned slot uses; `create` makes a set of them. */
export interface BufferPlan {
  create(): Buffers;
}

/** The descriptions of a program's slots that planning reads. */
interface SlotTypes {
  shapes: readonly Shape[];
  dtypes: readonly DType[];
}

/** Assigns buffers to owned slots, in step order, reusing a buffer once its slot's last reader has run. */
export function planBuffers(steps: readonly StepAccess[], outputs: readonly Slot[], slots: SlotTypes): BufferPlan {
  const end = lastUses(steps, outputs);
  const escaping = new Set(outputs);
  const free = new Map<string, number[]>();
  const bufferOf = new Map<Slot, number>();
  const buffers: { dtype: DType; size: number }[] = [];
  const releasedAfter = new Map<number, Slot[]>();
  const keyOf = (b: { dtype: DType; size: number }): string => `${b.dtype}:${b.size}`;
  steps.forEach((step, i) => {
    if (step.owned) {
      for (const slot of step.writes) {
        if (escaping.has(slot)) continue;
        const wanted = { dtype: slots.dtypes[slot]!, size: sizeOf(slots.shapes[slot]!) };
        let id = free.get(keyOf(wanted))?.pop();
        if (id === undefined) {
          id = buffers.length;
          buffers.push(wanted);
        }
        bufferOf.set(slot, id);
        const last = end.get(slot) ?? i;
        releasedAfter.set(last, [...(releasedAfter.get(last) ?? []), slot]);
      }
    }
    for (const slot of releasedAfter.get(i) ?? []) {
      const id = bufferOf.get(slot)!;
      const key = keyOf(buffers[id]!);
      free.set(key, [...(free.get(key) ?? []), id]);
    }
  });
  return { create: () => new OwnedBuffers(buffers.map((b) => allocateUninitialized(b.dtype, b.size)), bufferOf, slots.shapes) };
}

/**
 * The last step that needs each slot's storage: its last reader, or later when a step reading
 * it returns a value that lives on and may be a view of it; outputs live past the last step.
 */
export function lastUses(steps: readonly StepAccess[], outputs: readonly Slot[]): Map<Slot, number> {
  const end = new Map<Slot, number>(outputs.map((o) => [o, steps.length]));
  for (let i = steps.length - 1; i >= 0; i--) {
    const { reads, writes, views } = steps[i]!;
    const until = views ? Math.max(i, ...writes.map((w) => end.get(w) ?? i)) : i;
    for (const slot of reads) end.set(slot, Math.max(end.get(slot) ?? i, until));
  }
  return end;
}

class OwnedBuffers implements Buffers {
  private readonly tensors = new Map<Slot, ArrayTensor>();
  private readonly storage: Set<TypedArray>;

  constructor(private readonly arrays: readonly TypedArray[], private readonly bufferOf: ReadonlyMap<Slot, number>, private readonly shapes: readonly Shape[]) {
    this.storage = new Set(arrays);
  }

  data(slot: Slot): TypedArray | undefined {
    const id = this.bufferOf.get(slot);
    return id === undefined ? undefined : this.arrays[id];
  }

  tensor(slot: Slot): ArrayTensor | undefined {
    let t = this.tensors.get(slot);
    if (t === undefined) {
      const data = this.data(slot);
      if (data === undefined) return undefined;
      t = new ArrayTensor(data, this.shapes[slot]!);
      this.tensors.set(slot, t);
    }
    return t;
  }

  owns(data: TypedArray): boolean {
    return this.storage.has(data);
  }
}

/** `t`, or a copy of it when its storage is one of the program's buffers (the next call would overwrite it). */
export function freshOutput(t: ArrayTensor, buffers: Buffers): ArrayTensor {
  // Not t.data.buffer: reading it makes V8 move a small array's storage off its heap.
  return buffers.owns(t.data) ? new ArrayTensor(t.contiguousData(true), t.shape) : t;
}

/**
 * `buffers`, with the outputs given storage of donated arguments (`nb.jit`'s `donateArgnums`)
 * written there instead of into fresh arrays.
 */
export function withDonations(buffers: Buffers, donated: ReadonlyMap<Slot, TypedArray>): Buffers {
  if (donated.size === 0) return buffers;
  return {
    data: (slot) => donated.get(slot) ?? buffers.data(slot),
    tensor: (slot) => (donated.has(slot) ? undefined : buffers.tensor(slot)),
    owns: (data) => buffers.owns(data),
  };
}

/** Whether two arrays over one buffer share any byte of memory. */
function overlaps(a: TypedArray, b: TypedArray): boolean {
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Which of `tensors` a caller's donation may write over: for each, its array when the tensor
 * is the whole of a contiguous array that shares no memory with another of them (tied
 * weights, one tensor passed twice) nor with any of `fixed` (a captured constant), else undefined.
 */
export function donatableArrays(tensors: readonly ArrayTensor[], fixed: FixedArrays = NO_ARRAYS): (TypedArray | undefined)[] {
  const shared = sharedArrays(tensors.map((t) => t.data), fixed);
  return tensors.map((t) => (t.offset === 0 && t.contiguous && t.data.length === sizeOf(t.shape) && !shared.has(t.data) ? t.data : undefined));
}

/** Arrays by buffer, for a set that is the same on every call (a program's constants), so their buffers are read once. */
export type FixedArrays = ReadonlyMap<ArrayBufferLike, readonly TypedArray[]>;

export function fixedArrays(arrays: readonly TypedArray[]): FixedArrays {
  const byBuffer = new Map<ArrayBufferLike, TypedArray[]>();
  for (const a of arrays) {
    const buffer = a.buffer;
    byBuffer.set(buffer, [...(byBuffer.get(buffer) ?? []), a]);
  }
  return byBuffer;
}

const NO_ARRAYS: FixedArrays = new Map();

/**
 * The arrays that share memory with another of them or with one of `fixed`. Each array's
 * `buffer` is read once (the getter is a call into V8's runtime, too slow to make for every
 * pair on every step), and only arrays over one buffer are compared.
 */
function sharedArrays(arrays: readonly TypedArray[], fixed: FixedArrays): Set<TypedArray> {
  const shared = new Set<TypedArray>();
  const byBuffer = new Map<ArrayBufferLike, TypedArray[]>();
  for (const a of arrays) {
    const buffer = a.buffer;
    for (const b of fixed.get(buffer) ?? NO_OTHERS) if (overlaps(a, b)) shared.add(a);
    const others = byBuffer.get(buffer);
    if (others === undefined) {
      byBuffer.set(buffer, [a]);
      continue;
    }
    for (const b of others) if (overlaps(a, b)) shared.add(a).add(b);
    others.push(a);
  }
  return shared;
}

const NO_OTHERS: readonly TypedArray[] = [];
