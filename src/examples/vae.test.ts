/** The VAE: a short run already beats the factorised-Bernoulli baseline on the test ELBO. */
import { expect, test } from "vitest";
import { runVae } from "./vae.js";

test("VAE on binarised digits: test ELBO (nats per image) above the factorised Bernoulli baseline after 6 epochs", () => {
  const r = runVae({ epochs: 6, seed: 0 });
  expect(r.trainSize + r.testSize).toBe(1797);
  // The training ELBO improves, and the test bound beats the best independent-pixel model.
  expect(r.trainElbo[5]).toBeGreaterThan(r.trainElbo[0]! + 3);
  expect(r.testElbo).toBeGreaterThan(r.baselineTestLogLikelihood);
  // Reconstructions are probabilities that agree with their images more often than not.
  const agree = r.reconstructions.flatMap((row, i) => row.map((p, j) => (p > 0.5 ? 1 : 0) === r.testImages[i]![j]));
  expect(agree.filter(Boolean).length / agree.length).toBeGreaterThan(0.8);
});
