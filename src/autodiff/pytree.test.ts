/**
 * The pytree helpers every transform and optimizer step runs: structures compare by nesting,
 * lengths and keys in order; a value that is not a pytree is named by its path; leavesOf reads
 * the leaves of a tree of a known structure as flatten does.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { flatten, leavesOf, sameStructure, unflatten } from "./pytree.js";
import { tensor } from "../tensor/create.js";

const defOf = (tree: unknown) => flatten(tree, "test").def;

describe("pytree", () => {
  test("flatten and unflatten round-trip leaves in depth-first, key order", () => {
    const t = tensor([1, 2]);
    const { leaves, def } = flatten({ b: [1, t], a: { c: 3 } }, "test");
    expect(leaves).toEqual([1, t, 3]);
    expect(unflatten(def, [4, 5, 6])).toEqual({ b: [4, 5], a: { c: 6 } });
  });

  test("sameStructure compares nesting, lengths and keys in order", () => {
    expect(sameStructure(defOf({ a: 1, b: [2, 3] }), defOf({ a: 9, b: [8, 7] }))).toBe(true);
    expect(sameStructure(defOf({ a: 1, b: 2 }), defOf({ b: 1, a: 2 }))).toBe(false);
    expect(sameStructure(defOf({ a: 1, b: 2 }), defOf({ a: 1, c: 2 }))).toBe(false);
    expect(sameStructure(defOf({ a: 1 }), defOf({ a: 1, b: 2 }))).toBe(false);
    expect(sameStructure(defOf([1, 2]), defOf([1, [2]]))).toBe(false);
    // Keys that a separator-joined comparison would confuse.
    expect(sameStructure(defOf({ "a\u0000b": 1, c: 2 }), defOf({ a: 1, "b\u0000c": 2 }))).toBe(false);
  });

  test("a value that is not a pytree is named by its path", () => {
    expect(() => flatten({ a: [1, { b: null }] }, "where")).toThrow("where: .a[1].b is null;");
    expect(() => flatten([1, [2, "x"]], "where")).toThrow("where: [1][1] is string;");
    expect(() => flatten(undefined, "where")).toThrow("where: the value is undefined;");
  });
});

const a = nb.tensor([1, 2]);
const b = nb.scalar(3);

describe("leavesOf reads a tree of a known structure as flatten does", () => {
  test("same structure: the same leaves in the same order", () => {
    const tree = { w: [a, 2, { z: b }], s: b, empty: [], nested: {} };
    const flat = flatten(tree, "test");
    const other = { w: [b, 5, { z: a }], s: a, empty: [], nested: {} };
    expect(leavesOf(tree, flat.def)).toEqual(flat.leaves);
    const leaves = leavesOf(other, flat.def)!;
    expect(leaves).toHaveLength(4);
    flatten(other, "test").leaves.forEach((leaf, i) => expect(leaves[i]).toBe(leaf));
  });

  test("any other structure: undefined", () => {
    const { def } = flatten({ p: a, q: [b, 1] }, "test");
    const others: unknown[] = [
      { q: [b, 1], p: a }, // keys in another order
      { p: a, q: [b, 1], r: a }, // a key more
      { p: a }, // a key fewer
      { p: a, q: [b] }, // a shorter array
      { p: a, q: [b, 1, 2] }, // a longer array
      { p: [a], q: [b, 1] }, // an array where a leaf was
      { p: a, q: { 0: b, 1: 1 } }, // an object where an array was
      [a, [b, 1]], // an array where an object was
      { p: "a", q: [b, 1] }, // not a leaf
      { p: a, q: [b, null] },
      new Map([["p", a]]),
      a,
    ];
    for (const tree of others) expect(leavesOf(tree, def)).toBeUndefined();
  });
});

describe("flatten", () => {
  test("names the path of a value that is not a leaf, array or plain object", () => {
    expect(() => flatten({ w: [a, { z: "x" }] }, "here")).toThrow("here: .w[1].z is string;");
    expect(() => flatten([a, null], "here")).toThrow("here: [1] is null;");
    expect(() => flatten(undefined, "here")).toThrow("here: the value is undefined;");
    // The path of one error does not leak into the next call.
    expect(() => flatten({ ok: [a], bad: new Set() }, "here")).toThrow("here: .bad is Set;");
  });
});
