/** The worked probability examples, run by `nabla example <name>`. */
export { runVae } from "./vae.js";
export type { VaeOptions, VaeResult } from "./vae.js";
export { runCartPole, cartPoleStep } from "./cartpole.js";
export type { CartPoleOptions, CartPoleResult, CartPoleState } from "./cartpole.js";
export { runShortCorridor, corridorValue, corridorStep, CORRIDOR_OPTIMUM } from "./short-corridor.js";
export type { CorridorOptions, CorridorResult } from "./short-corridor.js";
