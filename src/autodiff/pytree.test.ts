/**
 * The pytree helpers every transform and optimizer step runs: structures compare by nesting,
 * lengths and keys in order; a value that is not a pytree is named by its path.
 */
import { describe, expect, test } from "vitest";
import { flatten, sameStructure, unflatten } from "./pytree.js";
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
