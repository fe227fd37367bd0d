/** Axis arguments: negative, several, repeated or all, normalised as every reduction reads them. */
import { describe, expect, test } from "vitest";
import { normalizeAxes } from "./shape.js";

describe("normalizeAxes", () => {
  test("sorted, unique, non-negative axes from any spelling", () => {
    expect(normalizeAxes(undefined, 3, "op")).toEqual([0, 1, 2]);
    expect(normalizeAxes(-1, 3, "op")).toEqual([2]);
    expect(normalizeAxes([0, 2], 3, "op")).toEqual([0, 2]);
    expect(normalizeAxes([2, 0], 3, "op")).toEqual([0, 2]);
    expect(normalizeAxes([-1, 2, 0, -3], 3, "op")).toEqual([0, 2]);
    expect(normalizeAxes([], 3, "op")).toEqual([]);
  });

  test("an axis out of range names the op and the valid range", () => {
    expect(() => normalizeAxes([0, 3], 3, "sum")).toThrow("sum: axis 3 is out of range for a tensor of rank 3 (valid: -3..2)");
    expect(() => normalizeAxes(0.5, 3, "sum")).toThrow("sum: axis 0.5 is out of range");
  });
});
