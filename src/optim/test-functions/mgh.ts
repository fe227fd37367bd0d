/**
 * The unconstrained problems of Moré, Garbow & Hillstrom, "Testing unconstrained
 * optimization software", ACM TOMS 7(1):17–41, 1981, numbered as in the paper, each
 * f(x) = Σᵢ fᵢ(x)² with the paper's standard start and reported minimum. Problems 1
 * (Rosenbrock) and 5 (Beale) are `rosenbrock` and `beale`; variable-size problems use the
 * sizes noted in each description.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import {
  abs, add, atan, cos, div, exp, greater, mul, pow, sin, sqrt, sub, where,
} from "../../ops/primitives/elementwise.js";
import { sum } from "../../ops/primitives/reduce.js";
import { concat, reshape, slice } from "../../ops/primitives/shape.js";
import { matmul, prod, square } from "../../ops/composite.js";
import { type TestFunction, components, sumOfSquares } from "./types.js";

const range = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => i + from);
const column = (values: number[]): Tensor => tensor(values);
/** Σ xᵢ as a rank-0 tensor. */
const total = (x: Tensor): Tensor => sum(x);

// Data of the curve-fitting problems, as printed in the paper.
const BARD_Y = [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39];
const GAUSSIAN_Y = [0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009];
const MEYER_Y = [34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744, 8261, 7030, 6005, 5147, 4427, 3820, 3307, 2872];
const KOWALIK_Y = [0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246];
const KOWALIK_U = [4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625];
const OSBORNE1_Y = [
  0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685, 0.658, 0.628, 0.603, 0.580,
  0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406,
];
const OSBORNE2_Y = [
  1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746, 0.679, 0.608, 0.655, 0.616, 0.606, 0.602,
  0.626, 0.651, 0.724, 0.649, 0.649, 0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495, 0.500, 0.423, 0.395, 0.375,
  0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562, 0.607, 0.653, 0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591,
  0.559, 0.597, 0.625, 0.739, 0.710, 0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054,
];

/** Problem 20 (Watson) residuals for n variables, m = 31. */
function watson(x: Tensor, n: number): Tensor {
  const t = range(29).map((i) => i / 29);
  // Rows of powers t^(j−1) and (j−1)t^(j−2), as matrices times x.
  const powers = tensor(t.map((ti) => range(n, 0).map((j) => ti ** j)));
  const slopes = tensor(t.map((ti) => range(n, 0).map((j) => (j === 0 ? 0 : j * ti ** (j - 1)))));
  const r = sub(sub(matmul(slopes, x), square(matmul(powers, x))), 1);
  const [x1, x2] = components(x) as [Tensor, Tensor];
  return concat([r, reshape(x1, [1]), reshape(sub(sub(x2, square(x1)), 1), [1])]);
}

/** Problem 35 (Chebyquad): (1/n)Σⱼ Tᵢ(xⱼ) − ∫₀¹ Tᵢ, Tᵢ the Chebyshev polynomials shifted to [0, 1]. */
function chebyquad(x: Tensor, n: number): Tensor {
  const y = sub(mul(2, x), 1);
  const residuals: Tensor[] = [];
  let previous: Tensor = tensor(Array(n).fill(1));
  let current = y;
  for (let i = 1; i <= n; i++) {
    const integral = i % 2 === 0 ? -1 / (i * i - 1) : 0;
    residuals.push(reshape(sub(div(total(current), n), integral), [1]));
    [previous, current] = [current, sub(mul(mul(2, y), current), previous)];
  }
  return concat(residuals);
}

/** (xᵢ₋₁) and (xᵢ₊₁) for each i, with x₀ = xₙ₊₁ = 0. */
function neighbours(x: Tensor): [Tensor, Tensor] {
  const n = x.shape[0]!;
  const padded = concat([tensor([0]), x, tensor([0])]);
  return [slice(padded, [0], [n]), slice(padded, [2], [n])];
}

const h10 = 1 / 11;
const t10 = range(10).map((i) => i * h10);

export const mgh = {
  freudensteinRoth: {
    description: "MGH 2, Freudenstein & Roth (n = 2); a local minimum 48.9842… lies at (11.41…, −0.8968…)",
    f: (v) => {
      const [x1, x2] = components(v) as [Tensor, Tensor];
      return sumOfSquares(
        add(-13, add(x1, mul(sub(mul(sub(5, x2), x2), 2), x2))),
        add(-29, add(x1, mul(sub(mul(add(x2, 1), x2), 14), x2))),
      );
    },
    x0: [0.5, -2], xmin: [5, 4], fmin: 0, mgh: 2,
  },
  powellBadlyScaled: {
    description: "MGH 3, Powell badly scaled (n = 2)",
    f: (v) => {
      const [x1, x2] = components(v) as [Tensor, Tensor];
      return sumOfSquares(sub(mul(1e4, mul(x1, x2)), 1), sub(add(exp(mul(-1, x1)), exp(mul(-1, x2))), 1.0001));
    },
    x0: [0, 1], fmin: 0, mgh: 3,
  },
  brownBadlyScaled: {
    description: "MGH 4, Brown badly scaled (n = 2, m = 3)",
    f: (v) => {
      const [x1, x2] = components(v) as [Tensor, Tensor];
      return sumOfSquares(sub(x1, 1e6), sub(x2, 2e-6), sub(mul(x1, x2), 2));
    },
    x0: [1, 1], xmin: [1e6, 2e-6], fmin: 0, mgh: 4,
  },
  jennrichSampson: {
    description: "MGH 6, Jennrich & Sampson (n = 2, m = 10)",
    f: (v) => {
      const [x1, x2] = components(v) as [Tensor, Tensor];
      const i = column(range(10));
      return sumOfSquares(sub(add(2, mul(2, i)), add(exp(mul(i, x1)), exp(mul(i, x2)))));
    },
    x0: [0.3, 0.4], fmin: 124.362, mgh: 6,
  },
  helicalValley: {
    description: "MGH 7, helical valley (n = 3)",
    f: (v) => {
      const [x1, x2, x3] = components(v) as [Tensor, Tensor, Tensor];
      // θ = arctan(x₂/x₁)/2π, plus ½ when x₁ < 0: the paper's branch, in (−¼, ¾).
      const theta = add(div(atan(div(x2, x1)), 2 * Math.PI), where(greater(x1, 0), 0, 0.5));
      return sumOfSquares(mul(10, sub(x3, mul(10, theta))), mul(10, sub(sqrt(add(square(x1), square(x2))), 1)), x3);
    },
    x0: [-1, 0, 0], xmin: [1, 0, 0], fmin: 0, mgh: 7,
  },
  bard: {
    description: "MGH 8, Bard (n = 3, m = 15); another minimum 17.4286… lies at (0.8406…, −∞, −∞)",
    f: (v) => {
      const [x1, x2, x3] = components(v) as [Tensor, Tensor, Tensor];
      const u = range(15);
      const w = u.map((i) => Math.min(i, 16 - i));
      return sumOfSquares(sub(column(BARD_Y), add(x1, div(column(u), add(mul(x2, column(u.map((i) => 16 - i))), mul(x3, column(w)))))));
    },
    x0: [1, 1, 1], fmin: 8.21487e-3, mgh: 8,
  },
  gaussian: {
    description: "MGH 9, Gaussian (n = 3, m = 15)",
    f: (v) => {
      const [x1, x2, x3] = components(v) as [Tensor, Tensor, Tensor];
      const t = column(range(15).map((i) => (8 - i) / 2));
      return sumOfSquares(sub(mul(x1, exp(mul(mul(-0.5, x2), square(sub(t, x3))))), column(GAUSSIAN_Y)));
    },
    x0: [0.4, 1, 0], fmin: 1.12793e-8, mgh: 9,
  },
  meyer: {
    description: "MGH 10, Meyer (n = 3, m = 16)",
    f: (v) => {
      const [x1, x2, x3] = components(v) as [Tensor, Tensor, Tensor];
      const t = column(range(16).map((i) => 45 + 5 * i));
      return sumOfSquares(sub(mul(x1, exp(div(x2, add(t, x3)))), column(MEYER_Y)));
    },
    x0: [0.02, 4000, 250], fmin: 87.9458, mgh: 10,
  },
  gulf: {
    description: "MGH 11, Gulf research and development (n = 3, m = 99)",
    f: (v) => {
      const [x1, x2, x3] = components(v) as [Tensor, Tensor, Tensor];
      const t = range(99).map((i) => i / 100);
      const y = column(t.map((ti) => 25 + (-50 * Math.log(ti)) ** (2 / 3)));
      return sumOfSquares(sub(exp(div(mul(-1, pow(abs(sub(y, x2)), x3)), x1)), column(t)));
    },
    x0: [5, 2.5, 0.15], xmin: [50, 25, 1.5], fmin: 0, mgh: 11,
  },
  box3d: {
    description: "MGH 12, box three-dimensional (n = 3, m = 10)",
    f: (v) => {
      const [x1, x2, x3] = components(v) as [Tensor, Tensor, Tensor];
      const ts = range(10).map((i) => i / 10);
      const t = column(ts);
      return sumOfSquares(sub(sub(exp(mul(mul(-1, t), x1)), exp(mul(mul(-1, t), x2))), mul(x3, column(ts.map((ti) => Math.exp(-ti) - Math.exp(-10 * ti))))));
    },
    x0: [0, 10, 20], xmin: [1, 10, 1], fmin: 0, mgh: 12,
  },
  powellSingular: {
    description: "MGH 13, Powell singular (n = 4); the Hessian is singular at the minimum",
    f: (v) => {
      const [x1, x2, x3, x4] = components(v) as [Tensor, Tensor, Tensor, Tensor];
      return sumOfSquares(add(x1, mul(10, x2)), mul(Math.sqrt(5), sub(x3, x4)), square(sub(x2, mul(2, x3))), mul(Math.sqrt(10), square(sub(x1, x4))));
    },
    x0: [3, -1, 0, 1], xmin: [0, 0, 0, 0], fmin: 0, mgh: 13,
  },
  wood: {
    description: "MGH 14, Wood (n = 4)",
    f: (v) => {
      const [x1, x2, x3, x4] = components(v) as [Tensor, Tensor, Tensor, Tensor];
      return sumOfSquares(
        mul(10, sub(x2, square(x1))), sub(1, x1), mul(Math.sqrt(90), sub(x4, square(x3))), sub(1, x3),
        mul(Math.sqrt(10), sub(add(x2, x4), 2)), mul(1 / Math.sqrt(10), sub(x2, x4)),
      );
    },
    x0: [-3, -1, -3, -1], xmin: [1, 1, 1, 1], fmin: 0, mgh: 14,
  },
  kowalikOsborne: {
    description: "MGH 15, Kowalik & Osborne (n = 4, m = 11)",
    f: (v) => {
      const [x1, x2, x3, x4] = components(v) as [Tensor, Tensor, Tensor, Tensor];
      const u = column(KOWALIK_U);
      const u2 = column(KOWALIK_U.map((ui) => ui * ui));
      return sumOfSquares(sub(column(KOWALIK_Y), div(mul(x1, add(u2, mul(u, x2))), add(add(u2, mul(u, x3)), x4))));
    },
    x0: [0.25, 0.39, 0.415, 0.39], fmin: 3.07505e-4, mgh: 15,
  },
  brownDennis: {
    description: "MGH 16, Brown & Dennis (n = 4, m = 20)",
    f: (v) => {
      const [x1, x2, x3, x4] = components(v) as [Tensor, Tensor, Tensor, Tensor];
      const ts = range(20).map((i) => i / 5);
      const a = sub(add(x1, mul(column(ts), x2)), column(ts.map(Math.exp)));
      const b = sub(add(x3, mul(column(ts.map(Math.sin)), x4)), column(ts.map(Math.cos)));
      return sumOfSquares(add(square(a), square(b)));
    },
    x0: [25, 5, -5, -1], fmin: 85822.2, mgh: 16,
  },
  osborne1: {
    description: "MGH 17, Osborne 1 (n = 5, m = 33)",
    f: (v) => {
      const [x1, x2, x3, x4, x5] = components(v) as [Tensor, Tensor, Tensor, Tensor, Tensor];
      const t = column(range(33, 0).map((i) => 10 * i));
      const model = add(add(x1, mul(x2, exp(mul(mul(-1, t), x4)))), mul(x3, exp(mul(mul(-1, t), x5))));
      return sumOfSquares(sub(column(OSBORNE1_Y), model));
    },
    x0: [0.5, 1.5, -1, 0.01, 0.02], fmin: 5.46489e-5, mgh: 17,
  },
  biggsExp6: {
    description: "MGH 18, Biggs EXP6 (n = 6, m = 13); another minimum 5.65565e-3 exists",
    f: (v) => {
      const [x1, x2, x3, x4, x5, x6] = components(v) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const ts = range(13).map((i) => i / 10);
      const t = column(ts);
      const y = column(ts.map((ti) => Math.exp(-ti) - 5 * Math.exp(-10 * ti) + 3 * Math.exp(-4 * ti)));
      const e = (a: Tensor) => exp(mul(mul(-1, t), a));
      return sumOfSquares(sub(add(sub(mul(x3, e(x1)), mul(x4, e(x2))), mul(x6, e(x5))), y));
    },
    x0: [1, 2, 1, 1, 1, 1], xmin: [1, 10, 1, 5, 4, 3], fmin: 0, mgh: 18,
  },
  osborne2: {
    description: "MGH 19, Osborne 2 (n = 11, m = 65)",
    f: (v) => {
      const x = components(v);
      const t = column(range(65, 0).map((i) => i / 10));
      const bump = (a: Tensor, b: Tensor, c: Tensor) => mul(a, exp(mul(mul(-1, b), square(sub(t, c)))));
      const model = add(add(add(mul(x[0]!, exp(mul(mul(-1, t), x[4]!))), bump(x[1]!, x[5]!, x[8]!)), bump(x[2]!, x[6]!, x[9]!)), bump(x[3]!, x[7]!, x[10]!));
      return sumOfSquares(sub(column(OSBORNE2_Y), model));
    },
    x0: [1.3, 0.65, 0.65, 0.7, 0.6, 3, 5, 7, 2, 4.5, 5.5], fmin: 4.01377e-2, mgh: 19,
  },
  watson: {
    description: "MGH 20, Watson (n = 6, m = 31)",
    f: (x) => sumOfSquares(watson(x, 6)),
    x0: Array(6).fill(0), fmin: 2.28767e-3, mgh: 20,
  },
  extendedRosenbrock: {
    description: "MGH 21, extended Rosenbrock (n = 10): Σ over pairs of 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)²",
    f: (x) => {
      const odd = slice(reshape(x, [5, 2]), [0, 0], [5, 1]);
      const even = slice(reshape(x, [5, 2]), [0, 1], [5, 1]);
      return sumOfSquares(mul(10, sub(even, square(odd))), sub(1, odd));
    },
    x0: Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1)), xmin: Array(10).fill(1), fmin: 0, mgh: 21,
  },
  extendedPowell: {
    description: "MGH 22, extended Powell singular (n = 8)",
    f: (x) => {
      const blocks = reshape(x, [2, 4]);
      const c = (j: number) => slice(blocks, [0, j], [2, 1]);
      return sumOfSquares(add(c(0), mul(10, c(1))), mul(Math.sqrt(5), sub(c(2), c(3))), square(sub(c(1), mul(2, c(2)))), mul(Math.sqrt(10), square(sub(c(0), c(3)))));
    },
    x0: [3, -1, 0, 1, 3, -1, 0, 1], xmin: Array(8).fill(0), fmin: 0, mgh: 22,
  },
  penalty1: {
    description: "MGH 23, penalty function I (n = 4)",
    f: (x) => sumOfSquares(mul(Math.sqrt(1e-5), sub(x, 1)), sub(sum(square(x)), 0.25)),
    x0: [1, 2, 3, 4], fmin: 2.24997e-5, mgh: 23,
  },
  penalty2: {
    description: "MGH 24, penalty function II (n = 4)",
    f: (x) => {
      const n = 4;
      const a = Math.sqrt(1e-5);
      const e = exp(div(x, 10));
      const y = column(range(n - 1, 2).map((i) => Math.exp(i / 10) + Math.exp((i - 1) / 10)));
      const [x1] = components(x) as [Tensor];
      return sumOfSquares(
        sub(x1, 0.2),
        mul(a, sub(add(slice(e, [1], [n - 1]), slice(e, [0], [n - 1])), y)),
        mul(a, sub(slice(e, [1], [n - 1]), Math.exp(-1 / 10))),
        sub(sum(mul(column(range(n).map((j) => n - j + 1)), square(x))), 1),
      );
    },
    x0: [0.5, 0.5, 0.5, 0.5], fmin: 9.37629e-6, mgh: 24,
  },
  variablyDimensioned: {
    description: "MGH 25, variably dimensioned (n = 10)",
    f: (x) => {
      const s = sum(mul(column(range(10)), sub(x, 1)));
      return sumOfSquares(sub(x, 1), s, square(s));
    },
    x0: range(10).map((j) => 1 - j / 10), xmin: Array(10).fill(1), fmin: 0, mgh: 25,
  },
  trigonometric: {
    description: "MGH 26, trigonometric (n = 10)",
    f: (x) => {
      const n = 10;
      return sumOfSquares(sub(add(sub(n, sum(cos(x))), mul(column(range(n)), sub(1, cos(x)))), sin(x)));
    },
    x0: Array(10).fill(1 / 10), fmin: 0, mgh: 26,
  },
  brownAlmostLinear: {
    description: "MGH 27, Brown almost-linear (n = 10); another minimum 1 lies at (0, …, 0, 11)",
    f: (x) => {
      const n = 10;
      const head = slice(x, [0], [n - 1]);
      return sumOfSquares(sub(add(head, total(x)), n + 1), sub(prod(x), 1));
    },
    x0: Array(10).fill(0.5), xmin: Array(10).fill(1), fmin: 0, mgh: 27,
  },
  discreteBoundaryValue: {
    description: "MGH 28, discrete boundary value (n = 10)",
    f: (x) => {
      const [left, right] = neighbours(x);
      const cube = mul(add(add(x, column(t10)), 1), square(add(add(x, column(t10)), 1)));
      return sumOfSquares(add(sub(sub(mul(2, x), left), right), mul(h10 * h10 / 2, cube)));
    },
    x0: t10.map((t) => t * (t - 1)), fmin: 0, mgh: 28,
  },
  discreteIntegralEquation: {
    description: "MGH 29, discrete integral equation (n = 10)",
    f: (x) => {
      const cube = (() => {
        const u = add(add(x, column(t10)), 1);
        return mul(u, square(u));
      })();
      // Lower (j ≤ i) and upper (j > i) quadrature weights as matrices.
      const lower = tensor(t10.map((ti, i) => t10.map((tj, j) => (j <= i ? (1 - ti) * tj : 0))));
      const upper = tensor(t10.map((ti, i) => t10.map((tj, j) => (j > i ? ti * (1 - tj) : 0))));
      return sumOfSquares(add(x, mul(h10 / 2, add(matmul(lower, cube), matmul(upper, cube)))));
    },
    x0: t10.map((t) => t * (t - 1)), fmin: 0, mgh: 29,
  },
  broydenTridiagonal: {
    description: "MGH 30, Broyden tridiagonal (n = 10)",
    f: (x) => {
      const [left, right] = neighbours(x);
      return sumOfSquares(add(sub(sub(mul(sub(3, mul(2, x)), x), left), mul(2, right)), 1));
    },
    x0: Array(10).fill(-1), fmin: 0, mgh: 30,
  },
  broydenBanded: {
    description: "MGH 31, Broyden banded (n = 10)",
    f: (x) => {
      const n = 10;
      const band = tensor(range(n).map((i) => range(n).map((j) => (j !== i && j >= Math.max(1, i - 5) && j <= Math.min(n, i + 1) ? 1 : 0))));
      return sumOfSquares(sub(add(mul(x, add(2, mul(5, square(x)))), 1), matmul(band, mul(x, add(1, x)))));
    },
    x0: Array(10).fill(-1), fmin: 0, mgh: 31,
  },
  linearFullRank: {
    description: "MGH 32, linear function — full rank (n = 5, m = 10); minimum m − n",
    f: (x) => {
      const s = mul(2 / 10, total(x));
      return sumOfSquares(sub(sub(x, s), 1), mul(add(s, 1), tensor([1, 1, 1, 1, 1])));
    },
    x0: Array(5).fill(1), xmin: Array(5).fill(-1), fmin: 5, mgh: 32,
  },
  linearRank1: {
    description: "MGH 33, linear function — rank 1 (n = 5, m = 10); minimum m(m − 1)/(2(2m + 1))",
    f: (x) => sumOfSquares(sub(mul(column(range(10)), sum(mul(column(range(5)), x))), 1)),
    x0: Array(5).fill(1), fmin: 90 / 42, mgh: 33,
  },
  linearRank1ZeroColumns: {
    description: "MGH 34, linear function — rank 1 with zero columns and rows (n = 5, m = 10); minimum (m² + 3m − 6)/(2(2m − 3))",
    f: (x) => {
      const inner = sum(mul(column([0, 2, 3, 4, 0]), x));
      return sumOfSquares(tensor([1, 1]), sub(mul(column(range(8, 1)), inner), 1));
    },
    x0: Array(5).fill(1), fmin: 124 / 34, mgh: 34,
  },
  chebyquad: {
    description: "MGH 35, Chebyquad (n = m = 8)",
    f: (x) => sumOfSquares(chebyquad(x, 8)),
    x0: range(8).map((j) => j / 9), fmin: 3.51687e-3, mgh: 35,
  },
} satisfies Record<string, TestFunction>;
