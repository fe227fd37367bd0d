import { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";

/** A leaf of a value: a Tensor or a JS number. */
export type Leaf = Tensor | number;

/** A value nabla transforms accept and return: leaves nested in arrays and plain objects. */
export type PyTree = Leaf | readonly PyTree[] | { readonly [key: string]: PyTree };

/** The structure of a pytree with its leaves removed. */
export type TreeDef =
  | { kind: "leaf" }
  | { kind: "array"; children: TreeDef[] }
  | { kind: "object"; keys: string[]; children: TreeDef[] };

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** The structure of every leaf (one shared object: flatten makes none per leaf). */
const LEAF: TreeDef = Object.freeze({ kind: "leaf" });

/** Splits a pytree into its leaves (depth-first, object keys in insertion order) and its structure. */
export function flatten(tree: unknown, where: string): { leaves: Leaf[]; def: TreeDef } {
  const leaves: Leaf[] = [];
  // The path to the node being walked (an index or a key per level), spelled out only for an error.
  const path: (number | string)[] = [];
  const walk = (node: unknown): TreeDef => {
    if (node instanceof Tensor || typeof node === "number") {
      leaves.push(node);
      return LEAF;
    }
    if (Array.isArray(node)) return { kind: "array", children: node.map((c, i) => walkAt(c, i)) };
    if (isPlainObject(node)) {
      const keys = Object.keys(node);
      return { kind: "object", keys, children: keys.map((k) => walkAt(node[k], k)) };
    }
    const got = node === null ? "null" : node === undefined ? "undefined" : typeof node === "object" ? (node.constructor?.name ?? "an object") : typeof node;
    const at = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
    throw new NablaError(
      `${where}: ${at || "the value"} is ${got}; nabla differentiates Tensors, numbers, and arrays or plain objects of them`,
    );
  };
  const walkAt = (node: unknown, step: number | string): TreeDef => {
    path.push(step);
    const def = walk(node);
    path.pop();
    return def;
  };
  const def = walk(tree);
  return { leaves, def };
}

/**
 * The leaves of `tree` when its structure is `def` (what flatten would return with an equal
 * def), else undefined: a caller that saw `def` before reads the leaves without building a new one.
 */
export function leavesOf(tree: unknown, def: TreeDef): Leaf[] | undefined {
  const leaves: Leaf[] = [];
  const walk = (node: unknown, d: TreeDef): boolean => {
    if (d.kind === "leaf") {
      if (!(node instanceof Tensor || typeof node === "number")) return false;
      leaves.push(node);
      return true;
    }
    if (d.kind === "array") {
      if (!Array.isArray(node) || node.length !== d.children.length) return false;
      for (let i = 0; i < node.length; i++) if (!walk(node[i], d.children[i]!)) return false;
      return true;
    }
    if (!isPlainObject(node)) return false;
    const keys = Object.keys(node);
    if (keys.length !== d.keys.length) return false;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== d.keys[i] || !walk(node[keys[i]!], d.children[i]!)) return false;
    return true;
  };
  return walk(tree, def) ? leaves : undefined;
}

/** Rebuilds a pytree of the given structure from leaves in flatten's order. */
export function unflatten<T = PyTree>(def: TreeDef, leaves: readonly unknown[]): T {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    if (d.kind === "leaf") return leaves[i++];
    if (d.kind === "array") return d.children.map(build);
    const out: Record<string, unknown> = {};
    d.keys.forEach((k, j) => {
      const value = build(d.children[j]!);
      // A key named "__proto__" stays data (assigning it would set the prototype instead).
      if (k === "__proto__") Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
      else out[k] = value;
    });
    return out;
  };
  return build(def) as T;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when two structures are the same (same nesting, lengths and keys). */
export function sameStructure(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "leaf") return true;
  const bc = (b as { children: TreeDef[] }).children;
  if (a.children.length !== bc.length) return false;
  if (a.kind === "object" && !sameKeys(a.keys, (b as { keys: string[] }).keys)) return false;
  return a.children.every((c, i) => sameStructure(c, bc[i]!));
}

/**
 * Applies `f` to every leaf, keeping the structure.
 * @example
 * nb.treeMap((x) => nb.mul(x, 2).item(), { a: 1, b: [2, 3] }); // => { a: 2, b: [4, 6] }
 */
export function treeMap(f: (leaf: Leaf, index: number) => unknown, tree: PyTree): PyTree {
  const { leaves, def } = flatten(tree, "treeMap");
  return unflatten(def, leaves.map(f));
}

/**
 * Applies `f` leafwise across several pytrees of the same structure (the first sets it),
 * e.g. combining params, gradients and optimizer moments. Not public: optim's transforms use it.
 */
export function treeMapMany(f: (leaves: Leaf[], index: number) => unknown, trees: readonly unknown[], where: string): PyTree {
  const [first, ...rest] = trees.map((t) => flatten(t, where));
  if (!first) throw new NablaError(`${where}: no trees to map over`);
  for (const other of rest) {
    if (!sameStructure(first.def, other.def)) {
      throw new NablaError(`${where}: the trees must have the same structure (nesting, lengths, keys)`);
    }
  }
  return unflatten(first.def, first.leaves.map((_, i) => f([first.leaves[i]!, ...rest.map((r) => r.leaves[i]!)], i)));
}
