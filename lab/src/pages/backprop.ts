/**
 * Backpropagation: the computational graph of an expression, filled one step at a time —
 * values forward, then gradients backward, each edge labelled with its local derivative and
 * each node's gradient the sum over the paths that leave it (the multivariable chain rule).
 */
import { compute } from "../client.js";
import type { BackpropResult, GraphNode } from "../compute/backprop.js";
import { button, el, errorLine, field, input } from "../dom.js";
import { math, renderMath } from "../math.js";
import type { Page } from "../page.js";
import { fmt } from "../plot.js";
import { saveState } from "../state.js";

const NEURON = "(sigmoid(w*x + b) - y)^2";
const NEURON_VALUES: Record<string, number> = { w: 0.5, x: 1.5, b: -1, y: 1 };
const SVG_NS = "http://www.w3.org/2000/svg";
const COLUMN = 200;
const ROW = 96;
const NODE_W = 124;
const NODE_H = 62;

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

function parseValues(raw: string | null): Record<string, number> {
  if (!raw) return {};
  return Object.fromEntries(raw.split(",").map((pair) => pair.split(":")).filter(([k, v]) => k && Number.isFinite(Number(v))).map(([k, v]) => [k!, Number(v)]));
}

export const backpropPage: Page = {
  id: "backprop",
  title: "Backpropagation",
  mount(root, params) {
    const state = {
      e: params.get("e") ?? NEURON,
      values: { ...NEURON_VALUES, ...parseValues(params.get("v")) },
      step: Number(params.get("step") ?? 0) || 0,
    };
    const exprInput = input({ type: "text", value: state.e, spellcheck: "false", autocomplete: "off", "data-testid": "expr-input" });
    const valuesBox = el("fieldset", { class: "values" }, el("legend", {}, "Input values"));
    const error = errorLine();
    const stepBack = button("◀ Back", { "data-testid": "step-back" });
    const stepForward = button("Step ▶", { "data-testid": "step" });
    const runForward = button("Forward pass", { "data-testid": "run-forward" });
    const runBackward = button("Backward pass", { "data-testid": "run-backward" });
    const reset = button("Reset", { "data-testid": "reset" });
    const neuron = button("Neuron example", { "data-testid": "neuron" });
    const formula = el("div", { class: "formulas" });
    const graph = el("div", { class: "graph", "data-testid": "graph" });
    const narration = el("div", { class: "narration", "aria-live": "polite", "data-testid": "narration" });
    const check = el("table", { class: "methods", "data-testid": "check" });

    root.append(
      el("header", { class: "page-head" },
        el("h1", {}, "Backpropagation"),
        el("p", { class: "lede" },
          "A formula is a graph of simple operations. The forward pass computes each node's value from its inputs. ",
          "The backward pass starts from ∂L/∂L = 1 and walks the graph in reverse: each edge multiplies by its local derivative ∂(node)/∂(input), ",
          "and where a value feeds several nodes the contributions add up — the multivariable chain rule. The default graph is one neuron: z = wx + b, a = σ(z), L = (a − y)².")),
      el("div", { class: "layout" },
        el("form", { class: "controls", "aria-label": "Graph controls" },
          field("Expression L =", exprInput, "e.g. x*sin(x) + x^2, (sigmoid(w*x + b) - y)^2"),
          error,
          valuesBox,
          el("div", { class: "buttons" }, stepBack, stepForward),
          el("div", { class: "buttons" }, runForward, runBackward),
          el("div", { class: "buttons" }, reset, neuron),
        ),
        el("div", { class: "output" }, formula, graph, narration, el("h2", {}, "Check against nb.grad"), el("div", { class: "table-wrap" }, check)),
      ),
    );

    let result: BackpropResult | undefined;
    /** Forward steps go over operations only: inputs and constants are known from the start. */
    let forwardOrder: number[] = [];
    let backwardOrder: number[] = [];

    const totalSteps = (): number => forwardOrder.length + backwardOrder.length;
    const known = (node: GraphNode): boolean => node.kind !== "op" || forwardOrder.indexOf(node.id) < state.step;
    const gradKnown = (node: GraphNode): boolean => {
      const k = backwardOrder.indexOf(node.id);
      return k >= 0 && k < state.step - forwardOrder.length;
    };

    const draw = (): void => {
      if (!result) return;
      const r = result;
      state.step = Math.max(0, Math.min(state.step, totalSteps()));
      saveState("backprop", { e: state.e, v: Object.entries(state.values).map(([k, v]) => `${k}:${v}`).join(","), step: state.step });
      // Columns by depth, except that a constant sits just left of its first user rather than
      // with the inputs, so its edge stays short; rows in order of first appearance.
      const columnOf = (node: GraphNode): number =>
        node.kind === "constant" ? Math.max(0, Math.min(...r.edges.filter((e) => e.from === node.id).map((e) => r.nodes[e.to]!.depth)) - 1) : node.depth;
      const columns = new Map<number, GraphNode[]>();
      for (const id of r.order) {
        const node = r.nodes[id]!;
        columns.set(columnOf(node), [...(columns.get(columnOf(node)) ?? []), node]);
      }
      const rows = Math.max(...[...columns.values()].map((c) => c.length));
      const position = new Map<number, [number, number]>();
      for (const [depth, nodes] of columns) {
        nodes.forEach((node, i) => position.set(node.id, [40 + depth * COLUMN + NODE_W / 2, 30 + (i + (rows - nodes.length) / 2) * ROW + NODE_H / 2]));
      }
      const width = 80 + Math.max(...columns.keys()) * COLUMN + NODE_W;
      const height = 60 + (rows - 1) * ROW + NODE_H;
      const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "graph-svg", role: "img", "aria-label": "Computational graph" });
      svg.style.maxWidth = `${width * 1.15}px`;
      const defs = svgEl("defs", {});
      const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
      marker.append(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }));
      defs.append(marker);
      svg.append(defs);
      const labels: SVGTextElement[] = [];
      const active = state.step > forwardOrder.length ? backwardOrder[state.step - forwardOrder.length - 1] : forwardOrder[state.step - 1];
      for (const edge of r.edges) {
        const [x1, y1] = position.get(edge.from)!;
        const [x2, y2] = position.get(edge.to)!;
        const to = r.nodes[edge.to]!;
        const backwardActive = active === edge.to && state.step > forwardOrder.length;
        const cls = `edge${backwardActive ? " active-back" : active === edge.to ? " active" : ""}`;
        svg.append(svgEl("path", { class: cls, d: `M ${x1 + NODE_W / 2} ${y1} C ${x1 + NODE_W / 2 + 40} ${y1}, ${x2 - NODE_W / 2 - 40} ${y2}, ${x2 - NODE_W / 2} ${y2}`, "marker-end": "url(#arrow)" }));
        if (edge.local !== null && known(to)) {
          // Labels go on top of the nodes: an edge may pass under a node of the column between.
          labels.push(svgEl("text", { class: "edge-label", x: (x1 + x2) / 2 + 8, y: (y1 + y2) / 2 - 5, "text-anchor": "middle", "data-edge": `${edge.from}-${edge.to}` }, `∂ = ${fmt(edge.local, 4)}`));
        }
      }
      for (const node of r.nodes) {
        const [cx, cy] = position.get(node.id)!;
        const g = svgEl("g", { class: `node ${node.kind}${node.id === active ? " active" : ""}`, "data-node": node.label, "data-id": node.id, transform: `translate(${cx - NODE_W / 2},${cy - NODE_H / 2})` });
        g.append(svgEl("title", {}, node.latex));
        g.append(svgEl("rect", { width: NODE_W, height: NODE_H, rx: 10 }));
        g.append(svgEl("text", { class: "node-label", x: NODE_W / 2, y: 18, "text-anchor": "middle" }, node.label === "sigmoid" ? "σ" : node.label));
        const value = svgEl("text", { class: "node-value", x: NODE_W / 2, y: 36, "text-anchor": "middle" }, known(node) ? `v = ${fmt(node.value, 4)}` : "v = ?");
        if (known(node)) value.setAttribute("data-value", String(node.value));
        g.append(value);
        if (node.kind !== "constant") {
          const grad = svgEl("text", { class: "node-grad", x: NODE_W / 2, y: 53, "text-anchor": "middle" }, gradKnown(node) ? `∂L = ${fmt(node.grad, 4)}` : "∂L = ?");
          if (gradKnown(node)) grad.setAttribute("data-grad", String(node.grad));
          g.append(grad);
        }
        svg.append(g);
      }
      svg.append(...labels);
      graph.replaceChildren(svg);
      narrate(r, active);
      stepBack.disabled = state.step === 0;
      stepForward.disabled = state.step === totalSteps();
    };

    const narrate = (r: BackpropResult, active: number | undefined): void => {
      if (active === undefined) {
        narration.replaceChildren(el("p", {}, "Press Step to compute the first operation, or Forward pass to compute them all."));
        return;
      }
      const node = r.nodes[active]!;
      if (state.step <= forwardOrder.length) {
        narration.replaceChildren(el("p", {}, `Forward step ${state.step} of ${forwardOrder.length}: `, math(`${node.latex} = ${fmt(node.value, 6)}`)));
        return;
      }
      const users = r.edges.filter((e) => e.from === active && e.local !== null);
      if (!users.length) {
        narration.replaceChildren(el("p", {}, "Backward pass starts at the output: ", math("\\partial L/\\partial L = 1")));
        return;
      }
      const terms = users.map((e) => `${fmt(r.nodes[e.to]!.grad, 4)} \\cdot ${fmt(e.local!, 4)}`);
      const meet = users.length > 1 ? ` — ${users.length} paths meet here, so their contributions add` : "";
      narration.replaceChildren(el("p", {}, `Backward: ∂L/∂(${node.label === "sigmoid" ? "σ" : node.label}) = Σ over its users of ∂L/∂user · ∂user/∂node${meet}: `,
        math(`${terms.join(" + ")} = ${fmt(node.grad, 6)}`)));
    };

    const drawCheck = (r: BackpropResult): void => {
      check.replaceChildren(
        el("caption", {}, "The hand-run backward pass above against nabla's reverse mode on the whole expression."),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Input"), el("th", { scope: "col" }, "graph ∂L/∂input"), el("th", { scope: "col" }, "nb.grad"))),
        el("tbody", {}, ...r.variables.map((v) => {
          const node = r.nodes.find((n) => n.kind === "input" && n.label === v)!;
          return el("tr", {}, el("th", { scope: "row" }, v), el("td", { class: "num" }, node.grad.toPrecision(12)), el("td", { class: "num", "data-autodiff": v }, r.autodiff[v]!.toPrecision(12)));
        })),
      );
    };

    const valueInputs = (variables: string[]): void => {
      valuesBox.replaceChildren(el("legend", {}, "Input values"));
      for (const v of variables) {
        const box = input({ type: "number", step: "0.1", value: String(state.values[v] ?? 1), "data-var": v });
        state.values[v] = Number(box.value);
        box.addEventListener("change", () => {
          if (Number.isFinite(Number(box.value)) && box.value !== "") {
            state.values[v] = Number(box.value);
            load(false);
          }
        });
        valuesBox.append(field(v, box));
      }
    };

    let loads = 0;
    const load = async (rebuildInputs: boolean): Promise<void> => {
      const ticket = ++loads;
      try {
        const r = await compute("backprop", { source: state.e, values: state.values });
        if (ticket !== loads) return;
        if (rebuildInputs) valueInputs(r.variables);
        error.textContent = "";
        result = r;
        forwardOrder = r.order.filter((id) => r.nodes[id]!.kind === "op");
        backwardOrder = [...r.order].reverse().filter((id) => r.nodes[id]!.kind !== "constant");
        renderMath(formula, `L = ${r.latex}`, true);
        drawCheck(r);
        draw();
      } catch (e) {
        if (ticket !== loads) return;
        // A missing value for a newly typed variable: add its field and try again.
        const variables = (e as Error).message.startsWith("give a value") ? (e as Error).message.replace("give a value for ", "").split(", ") : [];
        if (variables.length) {
          for (const v of variables) state.values[v] = 1;
          return load(true);
        }
        error.textContent = (e as Error).message;
      }
    };

    exprInput.addEventListener("input", () => {
      state.e = exprInput.value;
      state.step = 0;
      void load(true);
    });
    stepForward.addEventListener("click", () => { state.step++; draw(); });
    stepBack.addEventListener("click", () => { state.step--; draw(); });
    runForward.addEventListener("click", () => { state.step = forwardOrder.length; draw(); });
    runBackward.addEventListener("click", () => { state.step = totalSteps(); draw(); });
    reset.addEventListener("click", () => { state.step = 0; draw(); });
    neuron.addEventListener("click", () => {
      state.e = NEURON;
      exprInput.value = NEURON;
      state.values = { ...NEURON_VALUES };
      state.step = 0;
      void load(true);
    });
    for (const form of root.querySelectorAll("form")) form.addEventListener("submit", (e) => e.preventDefault());
    void load(true);
    return () => { loads++; };
  },
};
