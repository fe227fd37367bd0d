/**
 * Backpropagation: the computational graph of an expression, filled one step at a time —
 * values forward, then gradients backward, each edge labelled with its local derivative and
 * each node's gradient the sum over the paths that leave it (the multivariable chain rule).
 */
import { renderMath } from "../../math.js";
import { definePage, param } from "../../page.js";
import type { BackpropResult, GraphNode } from "./jobs.js";
import { drawGraph, type Progress } from "./plots.js";
import { controls, narrate, outputs, showCheck, valueFields } from "./view.js";

const NEURON = "(sigmoid(w*x + b) - y)^2";
const NEURON_VALUES: Record<string, number> = { w: 0.5, x: 1.5, b: -1, y: 1 };

/** The order of the steps: forward over operations only (inputs and constants are known from the start), then backward. */
function stepOrders(r: BackpropResult): { forward: number[]; backward: number[] } {
  return {
    forward: r.order.filter((id) => r.nodes[id]!.kind === "op"),
    backward: [...r.order].reverse().filter((id) => r.nodes[id]!.kind !== "constant"),
  };
}

function progressAt(step: number, { forward, backward }: { forward: number[]; backward: number[] }): Progress {
  const backwardDone = step - forward.length;
  return {
    valueKnown: (node: GraphNode) => node.kind !== "op" || forward.indexOf(node.id) < step,
    gradKnown: (node: GraphNode) => backward.indexOf(node.id) >= 0 && backward.indexOf(node.id) < backwardDone,
    active: backwardDone > 0 ? backward[backwardDone - 1] : forward[step - 1],
    backward: backwardDone > 0,
  };
}

export default definePage({
  title: "Backpropagation",
  lede: "A formula is a graph of simple operations. The forward pass computes each node's value from its inputs. "
    + "The backward pass starts from ∂L/∂L = 1 and walks the graph in reverse: each edge multiplies by its local derivative ∂(node)/∂(input), "
    + "and where a value feeds several nodes the contributions add up — the multivariable chain rule. The default graph is one neuron: z = wx + b, a = σ(z), L = (a − y)².",
  params: { e: param.text(NEURON), v: param.numbers(NEURON_VALUES), step: param.number(0, { min: 0, integer: true }) },
  mount(page) {
    const { state } = page;
    const [c, o] = page.place(controls(), outputs());
    let result: BackpropResult | undefined;
    let orders = { forward: [] as number[], backward: [] as number[] };

    const draw = (): void => {
      if (!result) return;
      const total = orders.forward.length + orders.backward.length;
      state.step = Math.max(0, Math.min(state.step, total));
      page.save();
      const progress = progressAt(state.step, orders);
      drawGraph(o.graph, result, progress);
      narrate(o.narration, result, progress.active, state.step, orders.forward.length);
      c.back.disabled = state.step === 0;
      c.step.disabled = state.step === total;
    };
    const load = async (rebuildInputs: boolean): Promise<void> => {
      const r = await page.compute("backprop", { source: state.e, values: state.v });
      if (!r) return;
      Object.assign(state.v, r.values);
      if (rebuildInputs) valueFields(c.values, state.v, r.variables, (name, value) => {
        state.v[name] = value;
        void load(false);
      });
      result = r;
      orders = stepOrders(r);
      renderMath(o.formula, `L = ${r.latex}`, true);
      showCheck(o.check, r);
      draw();
    };

    page.bind("e", c.expression, "input");
    page.onChange(() => {
      state.step = 0;
      void load(true);
    });
    const go = (step: (s: number) => number) => () => {
      state.step = step(state.step);
      draw();
    };
    c.step.addEventListener("click", go((s) => s + 1));
    c.back.addEventListener("click", go((s) => s - 1));
    c.forward.addEventListener("click", go(() => orders.forward.length));
    c.backward.addEventListener("click", go(() => orders.forward.length + orders.backward.length));
    c.reset.addEventListener("click", go(() => 0));
    c.neuron.addEventListener("click", () => {
      c.expression.value = NEURON;
      state.e = NEURON;
      state.v = { ...NEURON_VALUES };
      state.step = 0;
      void load(true);
    });
    void load(true);
  },
});
