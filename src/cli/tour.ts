/**
 * `npm start`: a short terminal tour. It differentiates a function by automatic
 * differentiation beside a finite-difference estimate and the hand-derived formula, then
 * trains a small logistic-regression model by gradient descent with a progress bar.
 */
import * as nb from "../index.js";

const out = (line = ""): void => void process.stdout.write(line + "\n");
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const fmt = (v: number): string => (v >= 0 ? " " : "") + v.toPrecision(16);
const err = (v: number): string => v.toExponential(1);

function derivativesSection(): void {
  out(bold("1. A derivative, three ways: f(x) = x² · sin(x) at x = 1"));
  const f = (x: nb.Tensor) => nb.mul(nb.square(x), nb.sin(x));
  const x = 1;
  const exact = 2 * x * Math.sin(x) + x * x * Math.cos(x);
  const ad = nb.grad(f)(x);
  const fd = nb.numeric.derivative((t: number) => t * t * Math.sin(t), x, { method: "central" });
  const fdForward = nb.numeric.derivative((t: number) => t * t * Math.sin(t), x, { method: "forward" });
  out(`   by hand   f'(x) = 2x·sin x + x²·cos x  = ${fmt(exact)}`);
  out(`   reverse-mode AD   nb.grad(f)(1)      = ${fmt(ad)}   error ${err(Math.abs(ad - exact))}`);
  out(`   central difference                   = ${fmt(fd)}   error ${err(Math.abs(fd - exact))}`);
  out(`   forward difference                   = ${fmt(fdForward)}   error ${err(Math.abs(fdForward - exact))}`);
  const third = nb.grad(nb.grad(nb.grad(f)))(x);
  const thirdExact = (6 - x * x) * Math.cos(x) - 6 * x * Math.sin(x);
  out(`   f'''(1) by grad(grad(grad(f)))       = ${fmt(third)}   error ${err(Math.abs(third - thirdExact))}`);
  out();
}

/** Two Gaussian blobs in the plane, labelled 0 and 1 (seeded). */
function blobs(n: number): { x: nb.Tensor; y: nb.Tensor } {
  const noise = nb.randn([n, 2], { seed: 7 });
  const labels = nb.tensor(Array.from({ length: n }, (_, i) => i % 2));
  const centers = nb.add(nb.mul(nb.expandDims(labels, 1), [2.5, 2.0]), [-1, -1]);
  return { x: nb.add(centers, noise), y: labels };
}

function trainingSection(): void {
  out(bold("2. Logistic regression trained by gradient descent"));
  const { x, y } = blobs(400);
  type Params = { w: nb.Tensor; b: nb.Tensor };
  // Binary cross-entropy on logits, in the stable form softplus(z) − y·z.
  const loss = (p: Params) => {
    const z = nb.add(nb.matmul(x, p.w), p.b);
    return nb.mean(nb.sub(nb.softplus(z), nb.mul(y, z)));
  };
  let params: Params = { w: nb.zeros([2]), b: nb.scalar(0) };
  const steps = 400;
  const lr = 0.5;
  const bar = new nb.ProgressBar({ total: steps, label: "   training" });
  let value = 0;
  for (let step = 1; step <= steps; step++) {
    const [l, g] = nb.valueAndGrad(loss)(params);
    value = typeof l === "number" ? l : l.item();
    params = { w: nb.sub(params.w, nb.mul(lr, g.w)), b: nb.sub(params.b, nb.mul(lr, g.b)) };
    bar.update(step, { loss: value });
  }
  bar.done();
  const predictions = nb.greater(nb.add(nb.matmul(x, params.w), params.b), 0);
  const accuracy = nb.mean(nb.equal(predictions, y)).item();
  const [w1, w2] = Array.from(params.w.values());
  out(`   final loss ${value.toFixed(4)}, training accuracy ${(100 * accuracy).toFixed(1)}%`);
  const term = (v: number, name: string) => `${v < 0 ? "− " : "+ "}${Math.abs(v).toFixed(3)}${name}`;
  out(`   decision boundary ${w1!.toFixed(3)}·x₁ ${term(w2!, "·x₂")} ${term(params.b.item(), "")} = 0`);
  out();
}

out(bold("nabla") + " — calculus for machine learning, in TypeScript\n");
derivativesSection();
trainingSection();
out("Next: `npm test` runs the suite; the README shows the API.");
