/** A typed f(x, y) for the worker: parsed, as a function of one 2-vector, and sampled on a grid for contours. */
import * as nb from "nabla";

/** Parses f(x, y); other variable names are an error the page shows. */
export function parseBivariate(source: string): nb.Expr {
  const expr = nb.parse(source);
  const others = expr.variables().filter((v) => v !== "x" && v !== "y");
  if (others.length) throw new Error(`f may use only x and y, not ${others.join(", ")}`);
  return expr;
}

/** f as a function of one 2-vector p = (x, y), the form nb.grad, nb.hessian and nb.landscape take. */
export function vectorFunction(expr: nb.Expr): (p: nb.Tensor) => nb.Tensor {
  const f = expr.compile(["x", "y"]);
  return (p) => f(nb.slice(p, [0], [1]).reshape([]), nb.slice(p, [1], [1]).reshape([]));
}

/** f at (x_i, y_j) on an n × n grid over the window, stored at i + j·n (d3-contour's layout). */
export function gridValues(expr: nb.Expr, x: [number, number], y: [number, number], n: number): number[] {
  const f = expr.compile(["x", "y"]);
  const xs = nb.linspace(x[0], x[1], n).reshape([1, n]);
  const ys = nb.linspace(y[0], y[1], n).reshape([n, 1]);
  // Row j holds y_j, column i holds x_i: row-major order is exactly i + j·n.
  return Array.from(nb.broadcastTo(f(xs, ys), [n, n]).values());
}
