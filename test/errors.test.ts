/** Errors speak the user's language: what was wrong, where, and what to do. */
import { afterEach, describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { refusal } from "./helpers.js";

describe("clear errors", () => {
  test("grad of a non-scalar output points to vjp and jacrev", () => {
    const m = refusal(() => nb.grad((x: nb.Tensor) => nb.mul(x, 2))(nb.tensor([1, 2, 3])));
    expect(m).toContain("shape [3]");
    expect(m).toContain("vjp");
    expect(m).toContain("jacrev");
  });
  test("an output that does not depend on the input has a zero gradient, not an error", () => {
    expect(nb.grad((_x: nb.Tensor) => nb.scalar(5))(3)).toBe(0);
    expect(nb.grad((x: nb.Tensor) => nb.sum(nb.stopGradient(x)))(nb.tensor([1, 2])).toArray()).toEqual([0, 0]);
    const [ga, gb] = nb.grad((a: nb.Tensor, _b: nb.Tensor) => nb.mul(a, a), { argnums: [0, 1] })(2, nb.ones([2, 2])) as [number, nb.Tensor];
    expect(ga).toBe(4);
    expect(gb.toArray()).toEqual([[0, 0], [0, 0]]);
  });
  test("a shape mismatch names the op and both shapes", () => {
    const m = refusal(() => nb.add(nb.ones([2, 3]), nb.ones([4])));
    expect(m).toMatch(/^add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(refusal(() => nb.matmul(nb.ones([2, 3]), nb.ones([2, 3])))).toContain("matmul: shapes [2, 3] and [2, 3] are not aligned");
    expect(refusal(() => nb.reshape(nb.ones([2, 3]), [4]))).toContain("cannot reshape [2, 3] (6 elements) into [4]");
    expect(refusal(() => nb.sum(nb.ones([2, 3]), 2))).toContain("sum: axis 2 is out of range for a tensor of rank 2");
  });
  test("the same shape errors arise inside transforms", () => {
    expect(refusal(() => nb.grad((x: nb.Tensor) => nb.sum(nb.add(x, nb.ones([4]))))(nb.ones([3])))).toContain("add: shapes [3] and [4]");
  });
  test("a ragged nested array says which index", () => {
    const m = refusal(() => nb.tensor([[1, 2], [3]]));
    expect(m).toContain("ragged");
    expect(m).toContain("index [1]");
    expect(refusal(() => nb.tensor([[1, 2], [3, "x" as unknown as number]]))).toContain("index [1][1]");
  });
  test("an unknown dtype lists the supported ones", () => {
    const m = refusal(() => nb.zeros([2], { dtype: "int32" as nb.DType }));
    expect(m).toContain('"int32"');
    expect(m).toContain("float64");
  });
  test("non-differentiable values in a pytree say where they are", () => {
    expect(refusal(() => nb.grad((p: { w: nb.Tensor }) => nb.sum(p.w))({ w: "a" as unknown as number }))).toContain(".w is string");
  });
  test("a tracer that escapes its transform is caught", () => {
    let leaked: nb.Tensor | null = null;
    nb.grad((x: nb.Tensor) => {
      leaked = x;
      return nb.mul(x, x);
    })(1);
    expect(refusal(() => nb.grad((y: nb.Tensor) => nb.mul(y, leaked!))(2))).toContain("escaped");
  });
  test("item on a tensor with several elements", () => {
    expect(refusal(() => nb.ones([2]).item())).toContain("shape [2]");
  });
});

describe("debugNans", () => {
  afterEach(() => nb.config({ debugNans: false }));
  test("throws at the first forward op producing NaN, naming it and describing its inputs", () => {
    nb.config({ debugNans: true });
    const m = refusal(() => nb.sum(nb.log(nb.tensor([1, -1, 2]))));
    expect(m).toContain("'log' produced NaN at flat index 1");
    expect(m).toContain("shape [3] float64 in [-1, 2]");
  });
  test("throws in the backward pass, naming the rule", () => {
    nb.config({ debugNans: true });
    // sqrt(0) is fine forward; its derivative 1/(2·sqrt(0)) is infinite.
    const m = refusal(() => nb.grad((x: nb.Tensor) => nb.sqrt(x))(0));
    expect(m).toContain("produced Infinity");
    expect(m).toContain("backward pass (the VJP rule of 'sqrt')");
  });
  test("is off by default and costs nothing then", () => {
    expect(nb.config().debugNans).toBe(false);
    expect(Number.isNaN(nb.log(-1).item())).toBe(true);
  });
});

describe("hasAux", () => {
  test("aux may hold anything; tracers inside it come back as plain tensors", () => {
    const [g, aux] = nb.grad((x) => [nb.square(x), { label: "square", value: x, parts: [x, 1] }], { hasAux: true })(3);
    expect(g).toBe(6);
    const a = aux as { label: string; value: nb.Tensor; parts: [nb.Tensor, number] };
    expect(a.label).toBe("square");
    expect(a.value.level).toBe(0);
    expect(a.parts[0].level).toBe(0);
    expect(a.value.item()).toBe(3);
  });
});
