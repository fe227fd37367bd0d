/**
 * The buffers a jit program owns and reuses: which values share one (planBuffers), and that
 * reuse never shows through: outputs of one call stay as they were after later calls, nested
 * calls of the same program get buffers of their own, and every result equals the eager one
 * exactly (the expected values are eager evaluations, which own nothing).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as nb from "../node.js";
import { type StepAccess, donatableArrays, fixedArrays, planBuffers } from "./jit-buffers.js";
import { ArrayTensor } from "../tensor/tensor.js";

const initialBackend = nb.getBackend();
const snapshot = (t: unknown): unknown => (t instanceof nb.Tensor ? { shape: t.shape, dtype: t.dtype, values: Array.from(t.values()) } : t);
const snapshotAll = (ts: readonly unknown[]): unknown[] => ts.map(snapshot);

describe("planBuffers", () => {
  // Slots 0-9 all float64 [4]; slot 10 float32 [4].
  const slots = { shapes: Array.from({ length: 11 }, () => [4]), dtypes: [...Array.from({ length: 10 }, () => "float64" as const), "float32" as const] };
  const loop = (reads: number[], writes: number[]): StepAccess => ({ reads, writes, owned: true, views: false });
  const bind = (reads: number[], writes: number[]): StepAccess => ({ reads, writes, owned: false, views: true });
  const bufferIds = (steps: StepAccess[], outputs: number[], owned: number[]) => {
    const buffers = planBuffers(steps, outputs, slots).create();
    const arrays = owned.map((s) => buffers.data(s));
    return arrays.map((a) => (a === undefined ? undefined : arrays.indexOf(a)));
  };

  test("a value whose last reader has run gives its buffer to the next value of its size and dtype", () => {
    // 1 = loop(0); 2 = loop(1); 3 = loop(2); 4 = bind(3): 2 cannot take 1's buffer (its loop reads 1), 3 can.
    const steps = [loop([0], [1]), loop([1], [2]), loop([2], [3]), bind([3], [4])];
    expect(bufferIds(steps, [4], [1, 2, 3])).toEqual([0, 1, 0]);
  });

  test("outputs and values of another dtype get no shared buffer", () => {
    const steps = [loop([0], [1]), loop([1], [10, 2]), bind([2, 10], [3])];
    const buffers = planBuffers(steps, [3, 10], slots).create();
    expect(buffers.data(10)).toBeUndefined();
    expect(buffers.data(1)).not.toBe(buffers.data(2));
  });

  test("a bind step's result may be a view, so its inputs live as long as it does", () => {
    // 2 = bind(1) (a transpose, say) is read by step 3; 1's buffer must not go to 3's write at step 2.
    const steps = [loop([0], [1]), bind([1], [2]), loop([0], [3]), loop([2, 3], [4]), bind([4], [5])];
    const [one, three] = bufferIds(steps, [5], [1, 3]);
    expect(one).not.toBe(three);
  });

  test("one call's buffers are not another's", () => {
    const plan = planBuffers([loop([0], [1]), bind([1], [2])], [2], slots);
    expect(plan.create().data(1)).not.toBe(plan.create().data(1));
  });
});

describe("donatableArrays", () => {
  // Views of one buffer at byte offsets: [0, 32), [32, 64), [24, 56) and [64, 96).
  const memory = new ArrayBuffer(96);
  const [low, high, straddling, last] = [[0, 4], [32, 4], [24, 4], [64, 4]].map(([at, n]) => new Float64Array(memory, at, n));
  const whole = (data: Float64Array): ArrayTensor => new ArrayTensor(data, [data.length]);

  test("an array is donatable unless it shares a byte with another, or with a fixed array", () => {
    expect(donatableArrays([whole(low!), whole(high!), whole(last!)])).toEqual([low, high, last]);
    expect(donatableArrays([whole(low!), whole(high!), whole(straddling!), whole(last!)])).toEqual([undefined, undefined, undefined, last]);
    expect(donatableArrays([whole(low!), whole(low!)])).toEqual([undefined, undefined]);
    expect(donatableArrays([whole(low!), whole(high!)], fixedArrays([straddling!]))).toEqual([undefined, undefined]);
    expect(donatableArrays([whole(low!), whole(last!)], fixedArrays([high!, new Float64Array(4)]))).toEqual([low, last]);
  });

  test("a tensor that is not the whole of its array in order is never donatable", () => {
    const transposed = new ArrayTensor(new Float64Array(6), [3, 2], [1, 3], 0);
    const offset = new ArrayTensor(new Float64Array(6), [4], [1], 2);
    const part = new ArrayTensor(new Float64Array(6), [4]);
    expect(donatableArrays([transposed, offset, part])).toEqual([undefined, undefined, undefined]);
  });
});

describe.each(nb.listBackends())("a jitted function's owned buffers never show through (%s backend)", (backendName) => {
  beforeAll(() => nb.setBackend(backendName));
  afterAll(() => nb.setBackend(initialBackend));
  // Large enough for the native GEMM (which writes into a lent buffer) and fused loops.
  const w = nb.randn([48, 24], { seed: 1 });
  /**
   * Stored intermediates (h, read by a matmul and a transpose; y and u, matmul results), views
   * and sums among the outputs. u has h's size and comes after the transpose of h, so it could
   * take h's buffer if that view's life were forgotten.
   */
  const f = (x: nb.Tensor) => {
    const h = nb.relu(nb.add(nb.mul(x, 2), 1));
    const hT = nb.transpose(h);
    const y = nb.matmul(h, w);
    const z = nb.tanh(nb.add(y, 0.5));
    const u = nb.matmul(z, nb.transpose(w));
    return [hT, nb.reshape(z, [z.shape[0]! * 24]), nb.sum(nb.mul(z, z)), nb.exp(u)];
  };

  test("outputs of a call are unchanged by the calls after it", () => {
    const g = nb.jit(f);
    const xs = [0, 1, 2].map((seed) => nb.randn([40, 48], { seed: 10 + seed }));
    const results = xs.map((x) => g(x));
    const first = snapshotAll(results[0]!);
    g(nb.randn([40, 48], { seed: 20 }));
    expect(first).toEqual(snapshotAll(f(xs[0]!)));
    results.forEach((r, i) => expect(snapshotAll(r)).toEqual(snapshotAll(f(xs[i]!))));
  });

  test("random programs of loops, matmuls, views and reductions: every call's outputs stay equal to eager ones", () => {
    const n = 36;
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    type Op = (pool: nb.Tensor[]) => nb.Tensor;
    const ops: ((a: number, b: number) => Op)[] = [
      (a) => (p) => nb.tanh(p[a]!),
      (a) => (p) => nb.relu(nb.sub(p[a]!, 0.25)),
      (a, b) => (p) => nb.add(p[a]!, p[b]!),
      (a, b) => (p) => nb.mul(p[a]!, p[b]!),
      (a, b) => (p) => nb.mul(nb.matmul(p[a]!, p[b]!), 1 / n),
      (a) => (p) => nb.transpose(p[a]!),
      (a) => (p) => nb.reshape(nb.exp(nb.reshape(nb.tanh(p[a]!), [n * n])), [n, n]),
      (a) => (p) => nb.add(p[a]!, nb.sum(p[a]!, 0)),
    ];
    for (let trial = 0; trial < 25; trial++) {
      const program: Op[] = [];
      for (let k = 0; k < 10; k++) program.push(pick(ops)(Math.floor(random() * (k + 2)), Math.floor(random() * (k + 2))));
      const outputs = [program.length + 1, Math.floor(random() * program.length) + 2, Math.floor(random() * program.length) + 2];
      const f = (x: nb.Tensor, y: nb.Tensor) => {
        const pool = [x, y];
        for (const op of program) pool.push(op(pool));
        return [...outputs.map((i) => pool[i]!), nb.transpose(pool[outputs[1]!]!)];
      };
      const g = nb.jit(f);
      const args = [0, 1, 2].map((c) => [nb.randn([n, n], { seed: trial * 10 + c }), nb.randn([n, n], { seed: trial * 10 + c + 5 })] as const);
      const results = args.map(([x, y]) => g(x, y));
      results.forEach((r, c) => expect(snapshotAll(r)).toEqual(snapshotAll(f(...args[c]!))));
    }
  });

  test("a call made while the same program is running (inside a custom rule) gets buffers of its own", () => {
    let depth = 0;
    // The rule's function calls g again, on other values, between the steps of g's running call
    // that store a value (a) and read it back.
    const inner = nb.customJvp(
      (a: nb.Tensor) => {
        if (depth > 0 || !nested) return nb.cos(a);
        depth++;
        try {
          return nb.add(nb.cos(a), nb.sum(g(nb.neg(a)) as nb.Tensor));
        } finally {
          depth--;
        }
      },
      ([a], [t]) => [nb.cos(a), nb.mul(t, nb.neg(nb.sin(a)))],
    );
    let nested = false;
    const body = (x: nb.Tensor) => {
      const a = nb.add(nb.exp(x), 1);
      return nb.add(nb.mul(a, inner(a)), a);
    };
    const g = nb.jit(body);
    const x = nb.linspace(-1, 1, 2000);
    g(x);
    nested = true;
    const compiled = g(x);
    depth = 0;
    expect(snapshot(compiled)).toEqual(snapshot(body(x)));
  });

  test("jit inside jit and vmap of a jitted function equal the eager results", () => {
    const g = nb.jit(f);
    const outer = nb.jit((x: nb.Tensor) => g(nb.mul(g(x)[3] as nb.Tensor, 0.5)));
    const x = nb.randn([40, 48], { seed: 3 });
    expect(snapshotAll(outer(x))).toEqual(snapshotAll(f(nb.mul(f(x)[3] as nb.Tensor, 0.5))));
    const batch = nb.randn([3, 40, 48], { seed: 4 });
    const perRow = (v: nb.Tensor) => (g(v)[2] as nb.Tensor);
    const batched = nb.vmap(perRow)(batch);
    g(nb.randn([40, 48], { seed: 5 }));
    expect(snapshot(batched)).toEqual(snapshot(nb.vmap((v: nb.Tensor) => f(v)[2] as nb.Tensor)(batch)));
  });
});
