/**
 * The expression tree: immutable nodes with binary arithmetic, unary minus and calls. Nodes
 * are plain objects so that rules, simplification and printers are functions over data;
 * derivative rules reuse argument nodes, so a derivative is a DAG that shares subexpressions.
 */
import type { FunctionName } from "./functions.js";

/** The named constants an expression may use. */
export type ConstantName = "pi" | "e";
/** A binary operator, in the parser's spelling. */
export type BinaryOp = "+" | "-" | "*" | "/" | "^";

/** One node of an expression tree. */
export type ExprNode =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "constant"; readonly name: ConstantName }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "neg"; readonly arg: ExprNode }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly kind: "call"; readonly fn: FunctionName; readonly args: readonly ExprNode[] };

export const CONSTANT_VALUES: Record<ConstantName, number> = { pi: Math.PI, e: Math.E };

export const num = (value: number): ExprNode => ({ kind: "number", value });
export const constant = (name: ConstantName): ExprNode => ({ kind: "constant", name });
export const variable = (name: string): ExprNode => ({ kind: "variable", name });
export const neg = (arg: ExprNode): ExprNode => ({ kind: "neg", arg });
export const binary = (op: BinaryOp, left: ExprNode, right: ExprNode): ExprNode => ({ kind: "binary", op, left, right });
export const add = (a: ExprNode, b: ExprNode): ExprNode => binary("+", a, b);
export const sub = (a: ExprNode, b: ExprNode): ExprNode => binary("-", a, b);
export const mul = (a: ExprNode, b: ExprNode): ExprNode => binary("*", a, b);
export const div = (a: ExprNode, b: ExprNode): ExprNode => binary("/", a, b);
export const pow = (a: ExprNode, b: ExprNode): ExprNode => binary("^", a, b);
export const call = (fn: FunctionName, ...args: ExprNode[]): ExprNode => ({ kind: "call", fn, args });

export const isNumber = (node: ExprNode, value?: number): node is { kind: "number"; value: number } =>
  node.kind === "number" && (value === undefined || node.value === value);

/** The direct subexpressions of a node. */
export function children(node: ExprNode): readonly ExprNode[] {
  switch (node.kind) {
    case "neg": return [node.arg];
    case "binary": return [node.left, node.right];
    case "call": return node.args;
    default: return [];
  }
}

/** The variables a node depends on, in order of first appearance. */
export function freeVariables(node: ExprNode): string[] {
  const seen = new Set<string>();
  const visited = new Set<ExprNode>();
  const visit = (n: ExprNode): void => {
    if (visited.has(n)) return;
    visited.add(n);
    if (n.kind === "variable") seen.add(n.name);
    children(n).forEach(visit);
  };
  visit(node);
  return [...seen];
}

/** Whether a node depends on the variable `name` (memoised per call, so DAGs stay linear). */
export function dependsOn(node: ExprNode, name: string, memo = new Map<ExprNode, boolean>()): boolean {
  const known = memo.get(node);
  if (known !== undefined) return known;
  const result = node.kind === "variable" ? node.name === name : children(node).some((c) => dependsOn(c, name, memo));
  memo.set(node, result);
  return result;
}

/** Number of nodes of the tree, counting a shared subexpression once per use. */
export function treeSize(node: ExprNode, memo = new Map<ExprNode, number>()): number {
  const known = memo.get(node);
  if (known !== undefined) return known;
  const size = 1 + children(node).reduce((s, c) => s + treeSize(c, memo), 0);
  memo.set(node, size);
  return size;
}

/**
 * Number of distinct subexpressions: the size of the expression as a DAG in which equal
 * subtrees are stored once (hash-consing by structure, in time linear in the DAG).
 */
export function dagSize(node: ExprNode): number {
  const ids = new Map<string, number>();
  const idOf = new Map<ExprNode, number>();
  const visit = (n: ExprNode): number => {
    const known = idOf.get(n);
    if (known !== undefined) return known;
    const childIds = children(n).map(visit).join(",");
    const head = n.kind === "number" ? `n${n.value}` : n.kind === "constant" || n.kind === "variable" ? `${n.kind[0]}${n.name}`
      : n.kind === "binary" ? n.op : n.kind === "call" ? n.fn : "neg";
    const key = `${head}(${childIds})`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    idOf.set(n, id);
    return id;
  };
  visit(node);
  return ids.size;
}

/** Replaces variables by nodes (used to instantiate derivative rules). */
export function substitute(node: ExprNode, values: ReadonlyMap<string, ExprNode>): ExprNode {
  switch (node.kind) {
    case "variable": return values.get(node.name) ?? node;
    case "neg": return neg(substitute(node.arg, values));
    case "binary": return binary(node.op, substitute(node.left, values), substitute(node.right, values));
    case "call": return call(node.fn, ...node.args.map((a) => substitute(a, values)));
    default: return node;
  }
}
