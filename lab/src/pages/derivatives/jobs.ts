/**
 * The Derivatives page's numbers: f, f′ and f″ on a grid by automatic differentiation, the
 * symbolic derivative, the tangent, secant slopes as h → 0, Taylor polynomials, and f′(x₀) by
 * four independent methods.
 */
import * as nb from "nabla";
import { defineJobs } from "../../job.js";

export interface DerivativesRequest {
  source: string;
  x0: number;
  order: number;
  xmin: number;
  xmax: number;
}

export interface MethodRow {
  method: string;
  how: string;
  value: number;
}

export interface DerivativesResult {
  fLatex: string;
  dfLatex: string;
  d2fLatex: string;
  xs: number[];
  f: number[];
  df: number[];
  d2f: number[];
  x0: number;
  fx0: number;
  slope: number;
  /** Secant slopes (f(x₀ + h) − f(x₀))/h for h = 2⁰ … 2⁻²⁰. */
  secants: { h: number; slope: number }[];
  /** taylor[k − 1] is the degree-k Taylor polynomial at x₀ sampled on xs, k = 1..order. */
  taylor: number[][];
  methods: MethodRow[];
}

const SAMPLES = 401;

/** Parses a function of x only; anything else is a one-line error for the page to show. */
export function parseUnivariate(source: string): nb.Expr {
  const expr = nb.parse(source);
  const others = expr.variables().filter((v) => v !== "x");
  if (others.length) throw new Error(`f may use only x, not ${others.join(", ")}`);
  return expr;
}

export function derivatives(req: DerivativesRequest): DerivativesResult {
  const expr = parseUnivariate(req.source);
  const f = expr.compile(["x"]);
  // f is elementwise, so the gradient of Σf(xᵢ) is the vector of f′(xᵢ): one reverse pass
  // gives the whole curve, and the same trick once more gives f″.
  const df = (x: nb.Tensor): nb.Tensor => nb.grad((t: nb.Tensor) => nb.sum(f(t)))(x);
  const d2f = (x: nb.Tensor): nb.Tensor => nb.grad((t: nb.Tensor) => nb.sum(df(t)))(x);
  const grid = nb.linspace(req.xmin, req.xmax, SAMPLES);
  const xs = Array.from(grid.values());
  const values = (t: nb.Tensor): number[] => Array.from(nb.broadcastTo(t, [SAMPLES]).values());

  const d1 = expr.diff("x");
  const d2 = d1.diff("x");
  const scalarF = (x: number): number => f(x).item();
  const x0 = req.x0;
  const fx0 = scalarF(x0);
  const symbolic = d1.evaluate({ x: x0 });

  const poly = nb.taylor((t) => f(t), x0, req.order);
  const taylor: number[][] = [];
  for (let k = 1; k <= req.order; k++) {
    const c = poly.coefficients.slice(0, k + 1);
    taylor.push(xs.map((x) => c.reduceRight((acc, ck) => acc * (x - x0) + ck, 0)));
  }
  const secants = Array.from({ length: 21 }, (_, i) => {
    const h = 2 ** -i;
    return { h, slope: (scalarF(x0 + h) - fx0) / h };
  });
  const [, forward] = nb.jvp((t: nb.Tensor) => f(t), [nb.scalar(x0)], [nb.scalar(1)]);
  return {
    fLatex: expr.toLatex(),
    dfLatex: d1.toLatex(),
    d2fLatex: d2.toLatex(),
    xs,
    f: values(f(grid)),
    df: values(df(grid)),
    d2f: values(d2f(grid)),
    x0,
    fx0,
    slope: symbolic,
    secants,
    taylor,
    methods: [
      { method: "Symbolic", how: "rules of calculus on the expression, then evaluated", value: symbolic },
      { method: "Forward mode", how: "nb.jvp: a dual number carried through f", value: forward.item() },
      { method: "Reverse mode", how: "nb.grad: backpropagation through f", value: nb.grad((t: nb.Tensor) => f(t))(x0) },
      { method: "Numerical", how: "nb.numeric.derivative: central difference, h ≈ ∛ε·max(1, |x|)", value: nb.numeric.derivative(scalarF, x0) },
    ],
  };
}

export default defineJobs({ derivatives });
