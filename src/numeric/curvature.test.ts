/**
 * classifyCurvature: the second-derivative test on spectra whose answer is known, with the
 * strict default and a tolerance relative to the largest |λ|.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

describe("classifyCurvature", () => {
  test("a converged MLP's spectrum (λmin = −7e-5, λmax ≈ 1) is a saddle only to the strict default", () => {
    const spectrum = [-7e-5, 2e-3, 0.04, 0.31, 1.02];
    expect(nb.numeric.classifyCurvature(spectrum)).toBe("saddle");
    expect(nb.numeric.classifyCurvature(spectrum, { tol: 1e-3 })).toBe("degenerate");
    // The tolerance is relative: the same spectrum scaled by 1000 classifies the same way.
    expect(nb.numeric.classifyCurvature(spectrum.map((l) => l * 1000), { tol: 1e-3 })).toBe("degenerate");
    // A real negative direction stays a saddle under the looser tolerance.
    expect(nb.numeric.classifyCurvature([-0.05, 0.31, 1.02], { tol: 1e-3 })).toBe("saddle");
  });
  test("on an exact Hessian: f = x² − 1e-5·y² has eigenvalues 2 and −2e-5", () => {
    const H = nb.hessian((v: nb.Tensor) => nb.sum(nb.mul(nb.square(v), [1, -1e-5])))(nb.tensor([0.3, -0.2]));
    // H is diagonal, so its eigenvalues are its diagonal.
    const h = H.toArray() as number[][];
    expect([h[0]![1], h[1]![0]]).toEqual([0, 0]);
    const eigenvalues = [h[0]![0]!, h[1]![1]!];
    expect(nb.numeric.classifyCurvature(eigenvalues)).toBe("saddle");
    expect(nb.numeric.classifyCurvature(eigenvalues, { tol: 1e-4 })).toBe("degenerate");
    expect(nb.numeric.classifyCurvature(eigenvalues, { tol: 1e-6 })).toBe("saddle");
  });
  test("a bad tolerance is one clear error", () => {
    expect(() => nb.numeric.classifyCurvature([1, 2], { tol: -1 })).toThrow(/tol must be a finite non-negative number/);
    expect(() => nb.numeric.classifyCurvature([1, 2], { tol: Number.NaN })).toThrow(/tol must be/);
  });
});
