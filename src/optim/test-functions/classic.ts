/** The classic two-variable test functions and a few instructive shapes. */
import type { Tensor } from "../../tensor/tensor.js";
import { add, cos, exp, mul, sqrt, sub } from "../../ops/primitives/elementwise.js";
import { sum } from "../../ops/primitives/reduce.js";
import { slice } from "../../ops/primitives/shape.js";
import { square } from "../../ops/composite.js";
import { type TestFunction, components, sumOfSquares } from "./types.js";

/** Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², the chained Rosenbrock function, vectorised. */
function chainedRosenbrock(x: Tensor): Tensor {
  const n = x.shape[0]!;
  const head = slice(x, [0], [n - 1]);
  const tail = slice(x, [1], [n - 1]);
  return sum(add(mul(100, square(sub(tail, square(head)))), square(sub(1, head))));
}

export const classic = {
  rosenbrock: {
    description: "Rosenbrock's banana valley (1960): (1 − x)² + 100(y − x²)²",
    f: (x) => chainedRosenbrock(x), x0: [-1.2, 1], xmin: [1, 1], fmin: 0, mgh: 1,
  },
  rosenbrockND: {
    description: "the chained n-dimensional Rosenbrock function, n = 10: Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²",
    f: (x) => chainedRosenbrock(x), x0: Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1)), xmin: Array(10).fill(1), fmin: 0,
  },
  beale: {
    description: "Beale (1958): Σᵢ (yᵢ − x(1 − yⁱ))² with y = (1.5, 2.25, 2.625)",
    f: (v) => {
      const [x, y] = components(v) as [Tensor, Tensor];
      return sumOfSquares(...[1.5, 2.25, 2.625].map((c, i) => sub(c, mul(x, sub(1, mul(y, i === 0 ? 1 : i === 1 ? y : square(y)))))));
    },
    x0: [1, 1], xmin: [3, 0.5], fmin: 0, mgh: 5,
  },
  himmelblau: {
    description: "Himmelblau (1972): (x² + y − 11)² + (x + y² − 7)², four minima of value 0",
    f: (v) => {
      const [x, y] = components(v) as [Tensor, Tensor];
      return sumOfSquares(sub(add(square(x), y), 11), sub(add(x, square(y)), 7));
    },
    x0: [0, 0], xmin: [3, 2], fmin: 0,
  },
  booth: {
    description: "Booth: (x + 2y − 7)² + (2x + y − 5)², a convex quadratic",
    f: (v) => {
      const [x, y] = components(v) as [Tensor, Tensor];
      return sumOfSquares(sub(add(x, mul(2, y)), 7), sub(add(mul(2, x), y), 5));
    },
    x0: [0, 0], xmin: [1, 3], fmin: 0,
  },
  goldsteinPrice: {
    description: "Goldstein–Price (1971): four local minima, the global one 3 at (0, −1)",
    f: (v) => {
      const [x, y] = components(v) as [Tensor, Tensor];
      const xy = mul(x, y);
      const a = add(1, mul(square(add(add(x, y), 1)),
        add(add(add(sub(sub(19, mul(14, x)), mul(14, y)), mul(3, square(x))), mul(6, xy)), mul(3, square(y)))));
      const b = add(30, mul(square(sub(mul(2, x), mul(3, y))),
        add(add(sub(add(sub(18, mul(32, x)), mul(12, square(x))), mul(36, xy)), mul(48, y)), mul(27, square(y)))));
      return mul(a, b);
    },
    x0: [-0.2, -0.8], xmin: [0, -1], fmin: 3,
  },
  rastrigin: {
    description: "Rastrigin (2-D): 20 + Σ xᵢ² − 10 cos 2πxᵢ, a lattice of local minima around the global 0",
    f: (x) => add(20, sum(sub(square(x), mul(10, cos(mul(2 * Math.PI, x)))))),
    x0: [2.5, 2.5], xmin: [0, 0], fmin: 0,
  },
  ackley: {
    description: "Ackley (2-D): −20 exp(−0.2 √(½Σxᵢ²)) − exp(½Σ cos 2πxᵢ) + e + 20, many local minima, global 0 at the origin",
    f: (x) => {
      const bowl = mul(-20, exp(mul(-0.2, sqrt(mul(0.5, sum(square(x)))))));
      const ripples = exp(mul(0.5, sum(cos(mul(2 * Math.PI, x)))));
      return add(sub(bowl, ripples), Math.E + 20);
    },
    x0: [1.5, -1], xmin: [0, 0], fmin: 0,
  },
  saddle: {
    description: "the saddle x² − y²: a stationary point at the origin that is not a minimum; unbounded below",
    f: (v) => {
      const [x, y] = components(v) as [Tensor, Tensor];
      return sub(square(x), square(y));
    },
    x0: [1, 1e-3], fmin: -Infinity,
  },
  monkeySaddle: {
    description: "the monkey saddle x³ − 3xy²: a degenerate stationary point at the origin; unbounded below",
    f: (v) => {
      const [x, y] = components(v) as [Tensor, Tensor];
      return sub(mul(x, square(x)), mul(3, mul(x, square(y))));
    },
    x0: [1, 0.5], fmin: -Infinity,
  },
  illConditionedQuadratic: {
    description: "½ Σ κ^((i−1)/(n−1)) xᵢ², n = 10, condition number κ = 10⁶",
    f: (x) => mul(0.5, sum(mul(Array.from({ length: 10 }, (_, i) => 1e6 ** (i / 9)), square(x)))),
    x0: Array(10).fill(1), xmin: Array(10).fill(0), fmin: 0,
  },
} satisfies Record<string, TestFunction>;
