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

/** Records every op on its tracers on a tape, to be replayed backwards by `backward`. */
export class ReverseTrace implements Trace {
  active = true;
  readonly tape: ReverseTracer[] = [];
  constructor(readonly name: string, readonly level: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const primals = new Array<Tensor>(inputs.length);
    const parents = new Array<ReverseTracer | null>(inputs.length);
    let any = false;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      if (x.level === this.level) {
        if ((x as ReverseTracer).trace !== this) escaped(this, prim as Primitive<unknown>);
        primals[i] = (x as ReverseTracer).primal;
        parents[i] = x as ReverseTracer;
        any = true;
      } else {
        primals[i] = x;
        parents[i] = null;
      }
    }
    const out = bind(prim, primals, params);
    if (!any || prim.nondifferentiable) return out;
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
        const grads = rule(g, node.primals, this.tape[i]!.primal, node.params);
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

/** Pushes tangents forward through each op with its JVP rule. */
export class JvpTrace implements Trace {
  active = true;
  constructor(readonly name: string, readonly level: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const primals = new Array<Tensor>(inputs.length);
    const tangents = new Array<Tensor | null>(inputs.length);
    let any = false;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      if (x.level === this.level) {
        if ((x as JvpTracer).trace !== this) escaped(this, prim as Primitive<unknown>);
        primals[i] = (x as JvpTracer).primal;
        tangents[i] = (x as JvpTracer).tangent;
        any = true;
      } else {
        primals[i] = x;
        tangents[i] = null;
      }
    }
    const out = bind(prim, primals, params);
    if (!any || prim.nondifferentiable) return out;
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

/**
 * Propagates truncated power series x(t) = Σₖ xₖ tᵏ through each op with its Taylor rule:
 * all derivatives up to `order` in one pass, in O(order²) work per op.
 */
export class JetTrace implements Trace {
  active = true;
  constructor(readonly name: string, readonly level: number, readonly order: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const primals = new Array<Tensor>(inputs.length);
    const series = new Array<Series>(inputs.length);
    let any = false;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      if (x.level === this.level) {
        if ((x as JetTracer).trace !== this) escaped(this, prim as Primitive<unknown>);
        primals[i] = (x as JetTracer).primal;
        series[i] = [primals[i]!, ...(x as JetTracer).series];
        any = true;
      } else {
        primals[i] = x;
        series[i] = [x];
      }
    }
    const out = bind(prim, primals, params);
    if (!any || prim.nondifferentiable) return out;
    const rule = prim.taylor ?? missingRule(prim as Primitive<unknown>, "Taylor");
    const coefficients = rule(series, out, this.order, params)
      .slice(1, this.order + 1)
      .map((c) => (c === null || shapesEqual(c.shape, out.shape) ? c : broadcastTo(c, out.shape)));
    return coefficients.every((c) => c === null) ? out : new JetTracer(this, out, coefficients);
  }
}
