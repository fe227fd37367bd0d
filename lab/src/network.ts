/** The small networks the Training playground and the Loss landscape page train: built from nb.nn layers. */
import * as nb from "nabla";

export const ACTIVATIONS = ["tanh", "relu", "sigmoid"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** A multilayer perceptron 2 → width → … → width → 1 (a logit), seeded. */
export interface NetworkSpec {
  seed: number;
  /** Hidden layers. */
  depth: number;
  width: number;
  activation: Activation;
  residual: boolean;
}

const LAYERS = { tanh: nb.nn.Tanh, relu: nb.nn.ReLU, sigmoid: nb.nn.Sigmoid } as const;

/**
 * 2 → width → … → width → 1. Hidden layers after the first are Residual blocks when asked
 * (h ← h + φ(Wh + b)); ReLU nets start from He initialisation, the others from Glorot.
 */
export function buildModel(spec: NetworkSpec): nb.nn.Sequential {
  const init = spec.activation === "relu" ? "heNormal" : "glorotUniform";
  const linear = (fanIn: number, fanOut: number, i: number): nb.nn.Linear => new nb.nn.Linear(fanIn, fanOut, { seed: spec.seed * 101 + i, init });
  const hidden: nb.nn.Module[] = [linear(2, spec.width, 0), new LAYERS[spec.activation]()];
  for (let i = 1; i < spec.depth; i++) {
    const block = new nb.nn.Sequential(linear(spec.width, spec.width, i), new LAYERS[spec.activation]());
    hidden.push(spec.residual ? new nb.nn.Residual(block) : block);
  }
  return new nb.nn.Sequential(...hidden, linear(spec.width, 1, spec.depth));
}
