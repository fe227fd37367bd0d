/**
 * The two interpreters every transform is built on. A transform opens a trace at a new
 * level; ops on its tracers are evaluated by `process`, which computes the primal with the
 * lower levels (so nested transforms compose) and records what its mode needs. Levels keep
 * nested transforms' perturbations apart.
 */
import { type Primitive, type Series, type Trace, Tracer, bind, phase, traceStack, transformStackLabel } from "../ops/core.js";
import { settings } from "../ops/config.js";
import { NablaError } from "../tensor/errors.js";
import { shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/primitives/elementwise.js";
import { broadcastTo, sumToShape } from "../ops/primitives/shape.js";

/** Runs `body` inside a new trace, which is deactivated when it returns or throws. */
export function withTrace<T extends Trace, R>(trace: T, body: (trace: T) => R): R {
  traceStack.push(trace);
  try {
    return body(trace);
  } finally {
    traceStack.pop();
    trace.active = false;
  }
}

export function nextLevel(): number {
  return traceStack.length === 0 ? 1 : traceStack[traceStack.length - 1]!.level + 1;
}

function escaped(trace: Trace, prim: Primitive<unknown>): never {
  throw new NablaError(
    `'${prim.name}' combined tracers of two different ${trace.name} calls: a value from inside an earlier ` +
      `transformed function escaped it (stored in an outer variable?). Return it from the function instead.`,
  );
}

/**
 * Splits an op's inputs into primals (this trace's tracers unwrapped; anything else is a
 * constant to this trace) and what the trace tracks for each input. bind only hands a trace
 * ops with at least one of its own tracers among the inputs.
 */
export function unpack<X>(
  trace: Trace, prim: Primitive<unknown>, inputs: readonly Tensor[], own: (t: Tracer) => X, constant: (x: Tensor) => X,
): [Tensor[], X[]] {
  const primals = new Array<Tensor>(inputs.length);
  const tracked = new Array<X>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i]!;
    if (x.level === trace.level) {
      if ((x as Tracer).trace !== trace) escaped(trace, prim);
      primals[i] = (x as Tracer).primal;
      tracked[i] = own(x as Tracer);
    } else {
      primals[i] = x;
      tracked[i] = constant(x);
    }
  }
  return [primals, tracked];
}

const none = (): null => null;

function missingRule(prim: Primitive<unknown>, mode: "JVP" | "VJP" | "Taylor"): never {
  const stack = transformStackLabel();
  const advice = {
    JVP: "use reverse mode (grad, vjp, jacrev) or customJvp",
    VJP: "use forward mode (jvp, jacfwd) or customVjp",
    Taylor: "nest jvp instead of taylor/derivatives, or give the function a customJvp",
  }[mode];
  throw new NablaError(`${stack ? stack + " → " : ""}${prim.name}: no ${mode} rule; ${advice}`);
}

interface Node {
  prim: Primitive<unknown>;
  parents: (ReverseTracer | null)[];
  primals: Tensor[];
  params: unknown;
}

/** A value being differentiated in reverse mode: a primal and the node that produced it. */
export class ReverseTracer extends Tracer {
  readonly index: number;
  constructor(readonly trace: ReverseTrace, readonly primal: Tensor, readonly node: Node | null) {
    super();
    this.index = trace.tape.length;
    trace.tape.push(this);
  }
}

const asParent = (t: Tracer): ReverseTracer => t as ReverseTracer;

/** Records every op on its tracers on a tape, to be replayed backwards by `backward`. */
export class ReverseTrace implements Trace {
  active = true;
  readonly tape: ReverseTracer[] = [];
  constructor(readonly name: string, readonly level: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const [primals, parents] = unpack<ReverseTracer | null>(this, prim as Primitive<unknown>, inputs, asParent, none);
    const out = bind(prim, primals, params);
    if (prim.nondifferentiable) return out;
    return new ReverseTracer(this, out, { prim: prim as Primitive<unknown>, parents, primals, params });
  }

  /**
   * Propagates cotangents from `outputs` back through the tape; returns each input's
   * cotangent (null where none reached it). Rules run as ordinary ops, so an enclosing
   * transform records them too: that is how higher derivatives arise.
   */
  backward(outputs: readonly ReverseTracer[], seeds: readonly Tensor[], inputs: readonly ReverseTracer[]): (Tensor | null)[] {
    const cts = new Array<Tensor | undefined>(this.tape.length);
    let start = 0;
    outputs.forEach((o, i) => {
      const c = cts[o.index];
      cts[o.index] = c === undefined ? seeds[i]! : add(c, seeds[i]!);
      start = Math.max(start, o.index);
    });
    const saved = phase.current;
    try {
      for (let i = start; i >= 0; i--) {
        const g = cts[i];
        const node = this.tape[i]!.node;
        if (g === undefined || node === null) continue;
        cts[i] = undefined;
        const rule = node.prim.vjp ?? missingRule(node.prim, "VJP");
        if (settings.debugNans) phase.current = `backward pass (the VJP rule of '${node.prim.name}')`;
        const grads = rule(g, node.primals, this.tape[i]!.primal, node.params, node.parents.map((p) => p !== null));
        for (let j = 0; j < node.parents.length; j++) {
          const p = node.parents[j];
          const gj = grads[j];
          if (!p || !gj) continue;
          const fitted = shapesEqual(gj.shape, p.shape) ? gj : sumToShape(gj, p.shape);
          const prev = cts[p.index];
          cts[p.index] = prev === undefined ? fitted : add(prev, fitted);
        }
      }
    } finally {
      phase.current = saved;
    }
    return inputs.map((x) => cts[x.index] ?? null);
  }
}

/** A value being differentiated in forward mode: a primal and its tangent. */
export class JvpTracer extends Tracer {
  constructor(readonly trace: JvpTrace, readonly primal: Tensor, readonly tangent: Tensor) {
    super();
  }
}

const tangentOf = (t: Tracer): Tensor => (t as JvpTracer).tangent;

/** Pushes tangents forward through each op with its JVP rule. */
export class JvpTrace implements Trace {
  active = true;
  constructor(readonly name: string, readonly level: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const [primals, tangents] = unpack<Tensor | null>(this, prim as Primitive<unknown>, inputs, tangentOf, none);
    const out = bind(prim, primals, params);
    if (prim.nondifferentiable) return out;
    const rule = prim.jvp ?? missingRule(prim as Primitive<unknown>, "JVP");
    const t = rule(primals, tangents, out, params);
    if (t === null) return out;
    return new JvpTracer(this, out, shapesEqual(t.shape, out.shape) ? t : broadcastTo(t, out.shape));
  }
}

/** A value in Taylor mode: a primal and the higher coefficients of its power series. */
export class JetTracer extends Tracer {
  constructor(readonly trace: JetTrace, readonly primal: Tensor, readonly series: Series) {
    super();
  }
}

const seriesOf = (t: Tracer): Series => [t.primal, ...(t as JetTracer).series];
const constantSeries = (x: Tensor): Series => [x];

/**
 * Propagates truncated power series x(t) = Σₖ xₖ tᵏ through each op with its Taylor rule:
 * all derivatives up to `order` in one pass, in O(order²) work per op.
 */
export class JetTrace implements Trace {
  active = true;
  constructor(readonly name: string, readonly level: number, readonly order: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const [primals, series] = unpack<Series>(this, prim as Primitive<unknown>, inputs, seriesOf, constantSeries);
    const out = bind(prim, primals, params);
    if (prim.nondifferentiable) return out;
    const rule = prim.taylor ?? missingRule(prim as Primitive<unknown>, "Taylor");
    const coefficients = rule(series, out, this.order, params)
      .slice(1, this.order + 1)
      .map((c) => (c === null || shapesEqual(c.shape, out.shape) ? c : broadcastTo(c, out.shape)));
    return coefficients.every((c) => c === null) ? out : new JetTracer(this, out, coefficients);
  }
}
