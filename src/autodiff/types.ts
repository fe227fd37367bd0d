import type { Tensor } from "../tensor/tensor.js";

/**
 * What a caller may pass where a transformed function expects `T`: a Tensor parameter
 * accepts a Tensor or a number, and containers map element by element.
 */
export type Input<T> = [T] extends [Tensor] ? Tensor | number
  : [Tensor] extends [T] ? T
  : T extends number ? number
  : { [K in keyof T]: Input<T[K]> };

/** The arguments a caller may pass to a transformed function with parameters `P`. */
export type Inputs<P extends unknown[]> = { [K in keyof P]: Input<P[K]> };

/** The kind of result for an input of type `T`: a number for a number, a Tensor for a Tensor, containers mapped. */
export type Output<T> = T extends number ? number : T extends Tensor ? Tensor : { [K in keyof T]: Output<T[K]> };

/** A scalar result: a number or a one-element Tensor. */
export type Scalar = Tensor | number;
