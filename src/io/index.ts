/** Interchange with other tools: safetensors files (PyTorch, Hugging Face). */
export { decodeSafetensors, encodeSafetensors, loadSafetensors, readSafetensors, saveSafetensors } from "./safetensors.js";
export type { Safetensors } from "./safetensors.js";
