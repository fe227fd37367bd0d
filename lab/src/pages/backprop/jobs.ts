/**
 * The Backpropagation page's graph: one node per operation of a typed expression (one node per
 * variable, however often it occurs, so paths meet where a variable is reused), each node's
 * value, each edge's local derivative ∂parent/∂child, and each node's gradient ∂L/∂node summed
 * over its outgoing edges — the multivariable chain rule, done by hand so it can be shown, and
 * checked against nb.grad of the whole expression.
 */
import * as nb from "nabla";
import { defineJobs } from "../../job.js";

export interface GraphNode {
  id: number;
  /** What the node computes: a variable's name, a number, or an operator / function name. */
  label: string;
  /** The subexpression, as LaTeX, for the tooltip and the side panel. */
  latex: string;
  kind: "input" | "constant" | "op";
  /** Longest distance from an input: the column the node is drawn in. */
  depth: number;
  value: number;
  /** ∂L/∂node. */
  grad: number;
}

export interface GraphEdge {
  /** The operand. */
  from: number;
  /** The node that uses it. */
  to: number;
  /** ∂to/∂from at the current values; null from a constant, which needs no gradient. */
  local: number | null;
}

export interface BackpropRequest {
  source: string;
  values: Record<string, number>;
}

export interface BackpropResult {
  latex: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Node ids in evaluation order (operands before their users); the output is last. */
  order: number[];
  /** nb.grad of the compiled expression, per input: the independent check of the hand pass. */
  autodiff: Record<string, number>;
  variables: string[];
  /** The value of each variable used: the request's, or 1 for one it did not give. */
  values: Record<string, number>;
}

type Node = nb.ExprNode;

/** A one-operation expression over placeholder operands, so nabla supplies its partials. */
function operationExpr(node: Node, arity: number): { expr: nb.Expr; names: string[] } {
  const names = Array.from({ length: arity }, (_, i) => `u${i}`);
  if (node.kind === "binary") return { expr: nb.parse(`u0 ${node.op} u1`), names };
  if (node.kind === "neg") return { expr: nb.parse("-u0"), names };
  if (node.kind === "call") return { expr: nb.parse(`${node.fn}(${names.join(", ")})`), names };
  throw new Error(`no operation for a ${node.kind} node`);
}

function operands(node: Node): readonly Node[] {
  if (node.kind === "binary") return [node.left, node.right];
  if (node.kind === "neg") return [node.arg];
  if (node.kind === "call") return node.args;
  return [];
}

function labelOf(node: Node): string {
  switch (node.kind) {
    case "number": return String(node.value);
    case "constant": return node.name === "pi" ? "π" : "e";
    case "variable": return node.name;
    case "neg": return "−";
    case "binary": return { "+": "+", "-": "−", "*": "×", "/": "÷", "^": "^" }[node.op];
    case "call": return node.fn;
  }
}

export function backprop(req: BackpropRequest): BackpropResult {
  const expr = nb.parse(req.source);
  const variables = expr.variables();
  // A variable just typed has no value yet: it starts at 1 (the page shows and keeps it).
  const values = Object.fromEntries(variables.map((v) => [v, Number.isFinite(req.values[v]) ? req.values[v]! : 1]));

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const order: number[] = [];
  const idOf = new Map<Node | string, number>();

  // Post-order walk: operands get ids (and values) before the operation that uses them.
  const visit = (node: Node): number => {
    const key = node.kind === "variable" ? node.name : node;
    const known = idOf.get(key);
    if (known !== undefined) return known;
    const children = operands(node).map(visit);
    const childValues = children.map((c) => nodes[c]!.value);
    const sub = new nb.Expr(node);
    const id = nodes.length;
    let value: number;
    if (node.kind === "variable") value = values[node.name]!;
    else if (node.kind === "number" || node.kind === "constant") value = sub.evaluate({});
    else {
      const { expr: op, names } = operationExpr(node, children.length);
      const compiled = op.compile(names);
      value = compiled(...childValues).item();
      // The local derivatives ∂node/∂operandᵢ, by reverse mode on the single operation. Constant
      // operands are skipped: x^2 at x < 0 has a NaN partial in the exponent that nothing uses.
      const argnums = children.flatMap((c, i) => (nodes[c]!.kind === "constant" ? [] : [i]));
      const partials = argnums.length
        ? (nb.grad((...args: nb.Tensor[]) => compiled(...args), { argnums })(...childValues) as number[])
        : [];
      children.forEach((from, i) => {
        const k = argnums.indexOf(i);
        edges.push({ from, to: id, local: k < 0 ? null : partials[k]! });
      });
    }
    const depth = children.length ? 1 + Math.max(...children.map((c) => nodes[c]!.depth)) : 0;
    const kind = node.kind === "variable" ? "input" : node.kind === "number" || node.kind === "constant" ? "constant" : "op";
    nodes.push({ id, label: labelOf(node), latex: sub.toLatex(), kind, depth, value, grad: 0 });
    idOf.set(key, id);
    order.push(id);
    return id;
  };
  const output = visit(expr.node);

  // The backward pass: seed ∂L/∂L = 1, then each node, users before operands, passes
  // grad × local derivative down every incoming edge; where paths meet the contributions add.
  nodes[output]!.grad = 1;
  for (const id of [...order].reverse()) {
    for (const edge of edges) if (edge.to === id && edge.local !== null) nodes[edge.from]!.grad += nodes[id]!.grad * edge.local;
  }

  const compiled = expr.compile(variables);
  const args = variables.map((v) => values[v]!);
  const grads = variables.length
    ? (nb.grad((...xs: nb.Tensor[]) => compiled(...xs), { argnums: variables.map((_, i) => i) })(...args) as number[])
    : [];
  return {
    latex: expr.toLatex(),
    nodes,
    edges,
    order,
    autodiff: Object.fromEntries(variables.map((v, i) => [v, grads[i]!])),
    variables,
    values,
  };
}

export default defineJobs({ backprop });
