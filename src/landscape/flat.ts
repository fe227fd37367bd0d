/**
 * The landscape tools' view of a function of a Tensor, a number or a pytree (a network's
 * parameters): its point as one flat float64 vector, with f, ∇f and H·v on flat vectors and
 * the way back to the caller's structure. Products come from nb.hvp (forward over reverse),
 * so H is never formed.
 */
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { type Leaf, type PyTree, type TreeDef, flatten, unflatten } from "../autodiff/pytree.js";
import { valueAndGrad } from "../autodiff/reverse.js";
import { hvp } from "../autodiff/products.js";
import type { Scalar } from "../autodiff/types.js";
import { reshape, slice } from "../ops/index.js";

/** A flat float64 vector. */
export type Vec = Float64Array<ArrayBuffer>;

/** A function the landscape tools accept: scalar-valued, of a Tensor, a number or a pytree. */
export type LandscapeFunction<X = PyTree> = (x: X) => Scalar;

/** One leaf's place in the flat vector. */
export interface LeafSlot {
  /** The leaf's path in the pytree ("" for a lone Tensor, "w1", "layers[0].bias", …). */
  name: string;
  offset: number;
  size: number;
  shape: number[];
}

function leafPaths(def: TreeDef, prefix = ""): string[] {
  if (def.kind === "leaf") return [prefix];
  if (def.kind === "array") return def.children.flatMap((c, i) => leafPaths(c, `${prefix}[${i}]`));
  return def.children.flatMap((c, i) => leafPaths(c, prefix ? `${prefix}.${def.keys[i]}` : def.keys[i]!));
}

/** The flat layout of a point: its structure and where each leaf lies. */
export class FlatLayout<X = PyTree> {
  readonly n: number;
  readonly slots: LeafSlot[];
  private readonly def: TreeDef;
  private readonly kinds: ("number" | Tensor)[];

  constructor(x: X, where: string) {
    const { leaves, def } = flatten(x, where);
    this.def = def;
    const names = leafPaths(def);
    let offset = 0;
    this.slots = leaves.map((leaf, i) => {
      const size = typeof leaf === "number" ? 1 : leaf.size;
      const slot = { name: names[i]!, offset, size, shape: typeof leaf === "number" ? [] : [...leaf.shape] };
      offset += size;
      return slot;
    });
    this.kinds = leaves.map((leaf) => (typeof leaf === "number" ? "number" : leaf));
    this.n = offset;
    if (this.n === 0) throw new NablaError(`${where}: the point has no elements`);
  }

  /** A point of this layout as one flat vector. */
  flatten(x: X | PyTree, where: string): Vec {
    const { leaves } = flatten(x, where);
    if (leaves.length !== this.slots.length) throw new NablaError(`${where}: expected ${this.slots.length} leaves like the point, got ${leaves.length}`);
    const out = new Float64Array(this.n);
    leaves.forEach((leaf: Leaf, i) => {
      const slot = this.slots[i]!;
      const values = typeof leaf === "number" ? [leaf] : leaf.values();
      if (values.length !== slot.size) {
        throw new NablaError(`${where}: leaf ${slot.name || "x"} has ${values.length} elements, the point's has ${slot.size}`);
      }
      out.set(values, slot.offset);
    });
    return out;
  }

  /** A flat vector back in the point's structure (Tensors keep their shape and dtype). */
  unflatten(v: Vec): X {
    const leaves = this.slots.map((slot, i) => {
      const kind = this.kinds[i]!;
      const part = v.subarray(slot.offset, slot.offset + slot.size);
      return kind === "number" ? part[0]! : tensor(Float64Array.from(part), { shape: slot.shape, dtype: kind.dtype });
    });
    return unflatten<X>(this.def, leaves);
  }

  /**
   * A flat Tensor split into the point's structure with differentiable ops (slice, reshape),
   * so a function of the point becomes a function of one vector that minimize can take.
   */
  split(flat: Tensor): X {
    const leaves = this.slots.map((slot) => reshape(slice(flat, [slot.offset], [slot.size]), slot.shape));
    return unflatten<X>(this.def, leaves);
  }
}

function scalarValue(out: Scalar, where: string): number {
  const v = typeof out === "number" ? out : out.size === 1 ? out.item() : NaN;
  if (out instanceof Tensor && out.size !== 1) throw new NablaError(`${where}: f must return a scalar, got shape [${out.shape.join(", ")}]`);
  return v;
}

/** f, ∇f and H·v of a landscape function on flat vectors, with a count of Hessian-vector products. */
export class FlatFunction<X = PyTree> {
  readonly layout: FlatLayout<X>;
  readonly n: number;
  /** Hessian-vector products taken so far. */
  nhvp = 0;
  private readonly gradient: (x: X) => [Scalar, X];

  constructor(private readonly f: LandscapeFunction<X>, x: X, private readonly where: string) {
    if (typeof f !== "function") throw new NablaError(`${where}: the first argument must be a function returning a scalar`);
    this.layout = new FlatLayout(x, where);
    this.n = this.layout.n;
    this.gradient = valueAndGrad(f as (x: Tensor) => Scalar) as unknown as (x: X) => [Scalar, X];
  }

  value(x: Vec): number {
    return scalarValue(this.f(this.layout.unflatten(x)), this.where);
  }

  valueAndGrad(x: Vec): [number, Vec] {
    const [v, g] = this.gradient(this.layout.unflatten(x));
    return [scalarValue(v, this.where), this.layout.flatten(g as PyTree, this.where)];
  }

  /** H(x)·v by nb.hvp. */
  hvp(x: Vec, v: Vec): Vec {
    this.nhvp++;
    const point = this.layout.unflatten(x) as PyTree;
    const product: unknown = (hvp as (f: (x: never) => Scalar, x: unknown, v: unknown) => unknown)(this.f as (x: never) => Scalar, point, this.layout.unflatten(v));
    return this.layout.flatten(product as PyTree, this.where);
  }

  /** The map v ↦ H(x)·v at a fixed x (the point is unflattened once). */
  hessianAt(x: Vec): (v: Vec) => Vec {
    return (v) => this.hvp(x, v);
  }
}

/** Flat-vector arithmetic, shared with minimize's bookkeeping. */
export { axpy, dot, norm2 as norm } from "../optim/minimize/vector.js";
