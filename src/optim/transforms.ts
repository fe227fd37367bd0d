/**
 * The building blocks optimizers are chained from. Each is a factory closing over its
 * hyperparameters; the formula it implements is written beside its code, with t the step
 * count from 1, g the incoming update (the gradient at first) and θ the parameters.
 */
import type { Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { abs, add, div, maximum, mul, sign, sqrt, sub } from "../ops/primitives/elementwise.js";
import { sum } from "../ops/primitives/reduce.js";
import { clip as clipValues, square } from "../ops/composite.js";
import type { PyTree } from "../autodiff/pytree.js";
import {
  type Count, type LearningRate, type OptimizerStepOptions, type Transform, asScalar, checkLearningRate, leafwise, leafwiseMany, leavesOf, nextCount, oneMinusPower,
  quotient, rateAt, root, transform,
} from "./base.js";
import { jit } from "../autodiff/jit.js";
import { toTensor } from "../tensor/create.js";
import { leafLoop } from "./leaf-loop.js";

const zerosTree = (params: PyTree, where: string): PyTree => leafwise((p) => zerosLike(p), [params], where);

function needParams(params: PyTree | undefined, name: string): PyTree {
  if (params === undefined) throw new NablaError(`${name}: update needs the parameters (pass them as the third argument)`);
  return params;
}

/** The exponential moving average decay·old + (1 − decay)·x. */
const ema = (old: Tensor, x: Tensor, decay: number): Tensor => add(mul(old, decay), mul(x, 1 - decay));

/** The first moment m ← β₁m + (1−β₁)g over a pytree. */
const firstMoment = (mu: PyTree, updates: PyTree, b1: number, where: string): PyTree =>
  leafwise((m, g) => ema(m, g, b1), [mu, updates], where);

/** State of transforms that count their steps (a rank-0 tensor inside nb.jit, see `Count`). */
export type CountState = { count: Count };

/**
 * Multiplies updates by −lr (the descent direction), lr constant or scheduled on the count.
 * @example
 * const t = nb.optim.scaleByLearningRate((count) => 1 / (count + 1));
 * const [u1, s1] = t.update([2], t.init([0]));
 * const [u2] = t.update([2], s1);
 * [u1, u2]; // => [[-2], [-1]]
 */
export function scaleByLearningRate(lr: LearningRate): Transform<CountState> {
  checkLearningRate(lr, "optimizer");
  return transform(
    (): CountState => ({ count: 0 }),
    (updates, state) => {
      const rate = rateAt(lr, state.count);
      return [leafwise((u) => mul(u, -rate), [updates], "scaleByLearningRate"), { count: nextCount(state.count) }];
    },
  );
}

/** State of the heavy-ball trace. */
export type TraceState = { trace: PyTree };

/**
 * Heavy-ball momentum (Polyak 1964) in the form of PyTorch and optax: v ← μv + g, update v;
 * with Nesterov (Sutskever et al. 2013, as reformulated by PyTorch) the update is g + μv.
 * @example
 * const t = nb.optim.traceMomentum(0.5);
 * const [u1, s1] = t.update([1], t.init([0]));
 * t.update([1], s1)[0]; // => [1.5]
 */
export function traceMomentum(momentum: number, nesterov = false): Transform<TraceState> {
  return transform(
    (params) => ({ trace: zerosTree(params, "traceMomentum") }),
    (updates, state) => {
      const trace = leafwise((v, g) => add(mul(v, momentum), g), [state.trace, updates], "traceMomentum");
      const out = nesterov ? leafwise((g, v) => add(g, mul(v, momentum)), [updates, trace], "traceMomentum") : trace;
      return [out, { trace }];
    },
  );
}

/** State of Adagrad. */
export type AdagradState = { sumOfSquares: PyTree };

/**
 * Adagrad (Duchi, Hazan & Singer 2011): G ← G + g², update g / (√G + ε); ε outside the root,
 * as in PyTorch. `initialAccumulator` starts G (0 as in the paper and PyTorch).
 * @example
 * const t = nb.optim.scaleByAdagrad({ eps: 0 });
 * t.update([3], t.init([0]))[0]; // => [1]
 */
export function scaleByAdagrad(options: { eps?: number; initialAccumulator?: number } = {}): Transform<AdagradState> {
  const { eps = 1e-10, initialAccumulator = 0 } = options;
  return transform(
    (params) => ({ sumOfSquares: leafwise((p) => add(zerosLike(p), initialAccumulator), [params], "scaleByAdagrad") }),
    (updates, state) => {
      const sumOfSquares = leafwise((G, g) => add(G, square(g)), [state.sumOfSquares, updates], "scaleByAdagrad");
      const out = leafwise((g, G) => div(g, add(sqrt(G), eps)), [updates, sumOfSquares], "scaleByAdagrad");
      return [out, { sumOfSquares }];
    },
  );
}

/** State of RMSprop: the mean square ν, and the mean μ when centered. */
export type RmsState = { nu: PyTree; mu?: PyTree };

/**
 * RMSprop (Tieleman & Hinton 2012, lecture 6e): ν ← ρν + (1−ρ)g², update g / (√ν + ε).
 * Centered (Graves 2013, eq. 38–40): also μ ← ρμ + (1−ρ)g and the root is of the variance
 * ν − μ². ε sits outside the root, as in PyTorch.
 * @example
 * const t = nb.optim.scaleByRms({ decay: 0.75, eps: 0 });
 * t.update([2], t.init([0]))[0]; // => [2 / Math.sqrt(0.25 * 4)]
 */
export function scaleByRms(options: { decay?: number; eps?: number; centered?: boolean } = {}): Transform<RmsState> {
  const { decay = 0.99, eps = 1e-8, centered = false } = options;
  const average = (old: Tensor, x: Tensor): Tensor => ema(old, x, decay);
  return transform(
    (params): RmsState => (centered
      ? { nu: zerosTree(params, "scaleByRms"), mu: zerosTree(params, "scaleByRms") }
      : { nu: zerosTree(params, "scaleByRms") }),
    (updates, state) => {
      const nu = leafwise((n, g) => average(n, square(g)), [state.nu, updates], "scaleByRms");
      if (!centered) return [leafwise((g, n) => div(g, add(sqrt(n), eps)), [updates, nu], "scaleByRms"), { nu }];
      const mu = leafwise((m, g) => average(m, g), [state.mu!, updates], "scaleByRms");
      const out = leafwise((g, n, m) => div(g, add(sqrt(sub(n, square(m))), eps)), [updates, nu, mu], "scaleByRms");
      return [out, { nu, mu }];
    },
  );
}

/** State of Adam and its relatives: the step count and the moment estimates. */
export type AdamState = { count: Count; mu: PyTree; nu: PyTree; nuMax?: PyTree };

const adamFamilyInit = (params: PyTree, where: string): AdamState => ({ count: 0, mu: zerosTree(params, where), nu: zerosTree(params, where) });

/** Options shared by the Adam family. */
export interface AdamOptions {
  /** Decay of the first moment (β₁). */
  b1?: number;
  /** Decay of the second moment (β₂). */
  b2?: number;
  /** Added to the denominator for stability. */
  eps?: number;
}

/**
 * Adam's scaling (Kingma & Ba 2015, Algorithm 1): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), update m̂/(√v̂ + ε). With `amsgrad` (Reddi, Kale & Kumar
 * 2018) v̂ uses the running maximum of v, bias-corrected as in PyTorch.
 * @example
 * const t = nb.optim.scaleByAdam();
 * t.update([0.5], t.init([0]))[0]; // => [0.5 / (0.5 + 1e-8)]
 */
export function scaleByAdam(options: AdamOptions & { amsgrad?: boolean } = {}): Transform<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, amsgrad = false } = options;
  const leafUpdate = (m: Tensor, v: Tensor, g: Tensor, invC1: Tensor, invSqrtC2: Tensor): Tensor[] => adamArithmetic(m, v, g, invC1, invSqrtC2, b1, b2, eps);
  const fusedLeaf = jit(leafUpdate);
  const eagerLoop = leafLoop(leafUpdate, 3, 2);
  return transform(
    (params): AdamState => {
      const state = adamFamilyInit(params, "scaleByAdam");
      return amsgrad ? { ...state, nuMax: zerosTree(params, "scaleByAdam") } : state;
    },
    (updates, state) => {
      const t = nextCount(state.count);
      const c1 = oneMinusPower(b1, t);
      const c2 = oneMinusPower(b2, t);
      if (!amsgrad) {
        // Both moments and the step in one fused loop per leaf (see adamArithmetic).
        const invC1 = quotient(1, c1);
        const invSqrtC2 = quotient(1, root(c2));
        const eager = typeof invC1 === "number" && typeof invSqrtC2 === "number"
          ? eagerLoop([state.mu, state.nu, updates], [invC1, invSqrtC2]) : undefined;
        if (eager !== undefined) return [eager[0]!, { count: t, mu: eager[1]!, nu: eager[2]! }];
        const [out, mu, nu] = leafwiseMany(
          (m, v, g) => fusedLeaf(m, v, g, asScalar(invC1, g.dtype), asScalar(invSqrtC2, g.dtype)),
          3, [state.mu, state.nu, updates], "scaleByAdam",
        );
        return [out!, { count: t, mu: mu!, nu: nu! }];
      }
      const mu = firstMoment(state.mu, updates, b1, "scaleByAdam");
      const nu = leafwise((v, g) => ema(v, square(g), b2), [state.nu, updates], "scaleByAdam");
      const nuMax = leafwise((a, b) => maximum(a, b), [state.nuMax!, nu], "scaleByAdam");
      const out = leafwise((m, v) => div(div(m, asScalar(c1, m.dtype)), add(sqrt(div(v, asScalar(c2, v.dtype))), eps)), [mu, nuMax], "scaleByAdam");
      return [out, { count: t, mu, nu, nuMax }];
    },
  );
}

/**
 * Adam's arithmetic on one leaf, written to be compiled by jit (one fused loop per leaf shape
 * and dtype replaces a dozen passes and arrays, as PyTorch's fused Adam does). The fixed
 * hyperparameters are JS numbers, so they become constants of the trace in each leaf's dtype;
 * the bias corrections change every step and come in as rank-0 tensors of the leaf's dtype,
 * so one compilation serves every step. Returns [update, m, v].
 */
function adamArithmetic(m: Tensor, v: Tensor, g: Tensor, invC1: Tensor, invSqrtC2: Tensor, b1: number, b2: number, eps: number): [Tensor, Tensor, Tensor] {
  const mNext = add(mul(m, b1), mul(g, 1 - b1));
  const vNext = add(mul(v, b2), mul(square(g), 1 - b2));
  // m̂/(√v̂ + ε) with the bias corrections as factors, PyTorch's arrangement: one division
  // per element instead of three (divisions and roots are the slow part of the loop).
  return [div(mul(mNext, invC1), add(mul(sqrt(vNext), invSqrtC2), eps)), mNext, vNext];
}

/** Optimizer `step` functions: (params, grads, state) → the next params and state. */
type StepFunction = <P extends PyTree>(params: P, grads: P, state: PyTree[], options?: OptimizerStepOptions) => { params: P; state: PyTree[] };

/**
 * The `step` of adam and adamw. Their state is the chain's ([Adam's, (weight decay's,) the
 * learning rate's]), so `update` and `step` interoperate; the step computes what the chain
 * and applyUpdates compute, op for op (so with the same roundings), θ + (−lr)·(update [+ λθ]),
 * as one fused loop per leaf instead of separate passes.
 */
export function fusedAdamStep(options: AdamOptions, lr: LearningRate, weightDecay: number | undefined): StepFunction {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8 } = options;
  const leafStep = (p: Tensor, m: Tensor, v: Tensor, g: Tensor, invC1: Tensor, invSqrtC2: Tensor, negativeLr: Tensor): Tensor[] => {
    const [u, mNext, vNext] = adamArithmetic(m, v, g, invC1, invSqrtC2, b1, b2, eps);
    return [add(p, mul(weightDecay === undefined ? u : add(u, mul(p, weightDecay)), negativeLr)), mNext, vNext];
  };
  const fusedLeaf = jit(leafStep);
  const eagerLoop = leafLoop(leafStep, 4, 3);
  return <P extends PyTree>(params: P, grads: P, state: PyTree[], options: OptimizerStepOptions = {}) => {
    const adamState = state[0] as AdamState;
    const lrState = state[state.length - 1] as CountState;
    const t = nextCount(adamState.count);
    const invC1 = quotient(1, oneMinusPower(b1, t));
    const invSqrtC2 = quotient(1, root(oneMinusPower(b2, t)));
    const rate = rateAt(lr, lrState.count);
    const nextState = (mu: PyTree, nu: PyTree): PyTree[] => [{ count: t, mu, nu }, ...state.slice(1, -1), { count: nextCount(lrState.count) }];
    // Eagerly (a number count): every leaf's loop straight from the compiled arithmetic.
    const eager = typeof invC1 === "number" && typeof invSqrtC2 === "number"
      ? eagerLoop([params, adamState.mu, adamState.nu, grads], [invC1, invSqrtC2, -rate], options.donate) : undefined;
    if (eager !== undefined) return { params: eager[0] as P, state: nextState(eager[1]!, eager[2]!) };
    const [next, mu, nu] = leafwiseMany(
      (p, m, v, g) => fusedLeaf(p, m, v, g, asScalar(invC1, g.dtype), asScalar(invSqrtC2, g.dtype), toTensor(-rate, g.dtype)),
      3, [params, adamState.mu, adamState.nu, grads], "adam",
    );
    return { params: next as P, state: nextState(mu!, nu!) };
  };
}

/**
 * Nadam's scaling (Dozat 2016, Algorithm 2 with constant μ = β₁, as in optax and Keras):
 * m and v as in Adam, m̂ = β₁m/(1−β₁ᵗ⁺¹) + (1−β₁)g/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), update m̂/(√v̂ + ε).
 * @example
 * const t = nb.optim.scaleByNadam({ eps: 0 });
 * t.update([2], t.init([0]))[0]; // => [(0.9 * 0.2 / (1 - 0.81) + 0.1 * 2 / 0.1) / 2]
 */
export function scaleByNadam(options: AdamOptions = {}): Transform<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8 } = options;
  return transform(
    (params) => adamFamilyInit(params, "scaleByNadam"),
    (updates, state) => {
      const t = nextCount(state.count);
      const mu = firstMoment(state.mu, updates, b1, "scaleByNadam");
      const nu = leafwise((v, g) => ema(v, square(g), b2), [state.nu, updates], "scaleByNadam");
      const [k1, k2, c2] = [quotient(b1, oneMinusPower(b1, nextCount(t))), quotient(1 - b1, oneMinusPower(b1, t)), oneMinusPower(b2, t)];
      const out = leafwise((m, g, v) => {
        const mHat = add(mul(m, asScalar(k1, m.dtype)), mul(g, asScalar(k2, g.dtype)));
        return div(mHat, add(sqrt(div(v, asScalar(c2, v.dtype))), eps));
      }, [mu, updates, nu], "scaleByNadam");
      return [out, { count: t, mu, nu }];
    },
  );
}

/**
 * AdaMax's scaling (Kingma & Ba 2015, Algorithm 2): m ← β₁m + (1−β₁)g, u ← max(β₂u, |g|),
 * update m/((1−β₁ᵗ)(u + ε)); the paper has no ε, which only guards u = 0 (as optax does).
 * @example
 * const t = nb.optim.scaleByAdamax({ eps: 0 });
 * t.update([-4], t.init([0]))[0]; // => [-1]
 */
export function scaleByAdamax(options: AdamOptions = {}): Transform<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8 } = options;
  return transform(
    (params) => adamFamilyInit(params, "scaleByAdamax"),
    (updates, state) => {
      const t = nextCount(state.count);
      const mu = firstMoment(state.mu, updates, b1, "scaleByAdamax");
      const nu = leafwise((u, g) => maximum(mul(u, b2), abs(g)), [state.nu, updates], "scaleByAdamax");
      const c1 = oneMinusPower(b1, t);
      const out = leafwise((m, u) => div(m, mul(add(u, eps), asScalar(c1, u.dtype))), [mu, nu], "scaleByAdamax");
      return [out, { count: t, mu, nu }];
    },
  );
}

/** State of Adadelta: running means of g² and of the squared updates. */
export type AdadeltaState = { meanSquareGrad: PyTree; meanSquareDelta: PyTree };

/**
 * Adadelta (Zeiler 2012, Algorithm 1): E[g²] ← ρE[g²] + (1−ρ)g²,
 * Δ = √(E[Δ²] + ε)/√(E[g²] + ε) · g, then E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²; ε inside both roots.
 * @example
 * const t = nb.optim.scaleByAdadelta({ rho: 0.5, eps: 1e-6 });
 * t.update([2], t.init([0]))[0]; // => [(Math.sqrt(1e-6) / Math.sqrt(2 + 1e-6)) * 2]
 */
export function scaleByAdadelta(options: { rho?: number; eps?: number } = {}): Transform<AdadeltaState> {
  const { rho = 0.95, eps = 1e-6 } = options;
  const average = (old: Tensor, x: Tensor): Tensor => ema(old, x, rho);
  return transform(
    (params) => ({ meanSquareGrad: zerosTree(params, "scaleByAdadelta"), meanSquareDelta: zerosTree(params, "scaleByAdadelta") }),
    (updates, state) => {
      const meanSquareGrad = leafwise((e, g) => average(e, square(g)), [state.meanSquareGrad, updates], "scaleByAdadelta");
      const delta = leafwise(
        (g, eg, ed) => mul(div(sqrt(add(ed, eps)), sqrt(add(eg, eps))), g),
        [updates, meanSquareGrad, state.meanSquareDelta], "scaleByAdadelta",
      );
      const meanSquareDelta = leafwise((e, d) => average(e, square(d)), [state.meanSquareDelta, delta], "scaleByAdadelta");
      return [delta, { meanSquareGrad, meanSquareDelta }];
    },
  );
}

/** State of Lion: the momentum. */
export type LionState = { mu: PyTree };

/**
 * Lion's scaling (Chen et al. 2023, Algorithm 2): update sign(β₁m + (1−β₁)g), then
 * m ← β₂m + (1−β₂)g. sign(0) = 0.
 * @example
 * const t = nb.optim.scaleByLion();
 * t.update([-0.3, 0, 2], t.init([0, 0, 0]))[0]; // => [-1, 0, 1]
 */
export function scaleByLion(options: { b1?: number; b2?: number } = {}): Transform<LionState> {
  const { b1 = 0.9, b2 = 0.99 } = options;
  return transform(
    (params) => ({ mu: zerosTree(params, "scaleByLion") }),
    (updates, state) => {
      const out = leafwise((m, g) => sign(ema(m, g, b1)), [state.mu, updates], "scaleByLion");
      const mu = firstMoment(state.mu, updates, b2, "scaleByLion");
      return [out, { mu }];
    },
  );
}

/** The state of a stateless transform. */
export type EmptyState = Record<string, never>;
const stateless = (f: (updates: PyTree, params?: PyTree) => PyTree): Transform<EmptyState> =>
  transform(() => ({}), (updates, state, params) => [f(updates, params), state]);

/**
 * Clips each update element to [−maxDelta, maxDelta].
 * @example
 * const t = nb.optim.clip(1);
 * t.update([-3, 0.5, 2], t.init([0, 0, 0]))[0]; // => [-1, 0.5, 1]
 */
export function clip(maxDelta: number): Transform<EmptyState> {
  return stateless((updates) => leafwise((u) => clipValues(u, -maxDelta, maxDelta), [updates], "clip"));
}

/**
 * The 2-norm of all leaves of a pytree together, √(Σ‖leaf‖²).
 * @example
 * nb.optim.globalNorm({ a: [3], b: 4 }); // => 5
 */
export function globalNorm(tree: PyTree): number {
  return Math.sqrt(leavesOf(tree, "globalNorm").reduce((acc, leaf) => acc + sum(square(leaf)).item(), 0));
}

/**
 * Rescales the updates, as one vector, to a global 2-norm of at most `maxNorm`:
 * g · min(1, maxNorm/‖g‖) (Pascanu, Mikolov & Bengio 2013).
 * @example
 * const t = nb.optim.clipByGlobalNorm(1);
 * t.update({ a: [3], b: 4 }, t.init({ a: [0], b: 0 }))[0]; // => { a: [0.6], b: 0.8 }
 */
export function clipByGlobalNorm(maxNorm: number): Transform<EmptyState> {
  return stateless((updates) => {
    const norm = globalNorm(updates);
    if (norm <= maxNorm) return updates;
    return leafwise((u) => mul(u, maxNorm / norm), [updates], "clipByGlobalNorm");
  });
}

/**
 * Adds λθ to the updates. Chained after a scaling such as Adam's (and before the learning
 * rate), this is decoupled weight decay (Loshchilov & Hutter 2019); chained before it, it is
 * the gradient of the L2 penalty (λ/2)‖θ‖².
 * @example
 * const t = nb.optim.addDecayedWeights(0.1);
 * t.update([1], t.init([5]), [5])[0]; // => [1.5]
 */
export function addDecayedWeights(weightDecay: number): Transform<EmptyState> {
  return stateless((updates, params) =>
    leafwise((u, p) => add(u, mul(p, weightDecay)), [updates, needParams(params, "addDecayedWeights")], "addDecayedWeights"));
}

/**
 * Adds the gradient of the elastic-net penalty λ(ρ‖θ‖₁ + (1−ρ)/2 ‖θ‖²): λ(ρ·sign θ + (1−ρ)θ).
 * At θ = 0 the L1 part uses the subgradient 0 (sign 0 = 0, as nb.abs′(0) = 0), the
 * minimum-norm element of [−1, 1]: it never pushes a zero weight off zero, but a plain
 * gradient step rarely lands exactly on zero — chain `proximalL1` for exact zeros.
 * `l1Ratio` = 1 is the L1 penalty (lasso), 0 the L2 penalty (ridge).
 * @example
 * const t = nb.optim.addElasticNet(0.1, 0.5);
 * t.update([0, 0, 0], t.init([-2, 0, 4]), [-2, 0, 4])[0]; // => [-0.15, 0, 0.25]
 */
export function addElasticNet(lambda: number, l1Ratio: number): Transform<EmptyState> {
  return stateless((updates, params) =>
    leafwise((u, p) => add(u, mul(add(mul(sign(p), l1Ratio), mul(p, 1 - l1Ratio)), lambda)),
      [updates, needParams(params, "addElasticNet")], "addElasticNet"));
}

/**
 * Proximal step for the L1 penalty λ‖θ‖₁ (ISTA; Beck & Teboulle 2009): replaces the update
 * u, which must already include −lr·g, so that θ + u becomes the soft-threshold
 * S(θ + u, lr·λ) = sign(z)·max(|z| − lr·λ, 0). Weights land exactly on zero. Chain it last,
 * with the same learning rate as the step before it.
 * @example
 * const opt = nb.optim.chain(nb.optim.sgd({ lr: 0.5 }), nb.optim.proximalL1(1, 0.5));
 * opt.step([1, -3], [0, 0], opt.init([1, -3])).params; // => [0.5, -2.5]
 * opt.step([0.2, 0.2], [0, 1], opt.init([0.2, 0.2])).params; // => [0, 0]
 */
export function proximalL1(lambda: number, lr: LearningRate): Transform<CountState> {
  return transform(
    (): CountState => ({ count: 0 }),
    (updates, state, params) => {
      const threshold = rateAt(lr, state.count) * lambda;
      const out = leafwise((u, p) => {
        const z = add(p, u);
        const shrunk = mul(sign(z), maximum(sub(abs(z), threshold), 0));
        return sub(shrunk, p);
      }, [updates, needParams(params, "proximalL1")], "proximalL1");
      return [out, { count: nextCount(state.count) }];
    },
  );
}
