/** Newton's method for a root of f, in the worker: x ← x − f(x)/f′(x), with f′ from nb.grad. */
import * as nb from "nabla";
import { defineJobs } from "../../job.js";

export interface NewtonRequest {
  source: string;
  x0: number;
  steps: number;
}

export interface NewtonStep {
  x: number;
  fx: number;
  slope: number;
}

function newton({ source, x0, steps }: NewtonRequest): NewtonStep[] {
  const f = nb.parse(source).compile(["x"]);
  const slopeAt = nb.grad((x: nb.Tensor) => f(x));
  const path: NewtonStep[] = [];
  for (let x = x0, k = 0; k <= steps && Number.isFinite(x); k++) {
    const step = { x, fx: f(x).item(), slope: slopeAt(x) };
    path.push(step);
    x -= step.fx / step.slope;
  }
  return path;
}

export default defineJobs({ newton });
