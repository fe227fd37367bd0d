/** `nabla example`, in process: a short run renders its figures; bad names are usage errors (the VAE's run is tested in examples/vae.test.ts). */
import { describe, expect, test } from "vitest";
import { UsageError } from "../command.js";
import { example } from "./example.js";

const run = (args: string[], options: Record<string, string | boolean> = {}) => example.run({ args, options: { quiet: true, ...options } });

describe("nabla example", () => {
  test("corridor --quick reports π(right) near the optimum 2 − √2", () => {
    const text = example.render(run(["corridor"], { quick: true, seed: "1" }));
    expect(text).toContain("optimum 2 − √2 = 0.586");
    expect(text).toMatch(/second half: 0\.5[5-9]|second half: 0\.6[0-2]/);
  });
  test("an unknown example is a usage error naming the choices", () => {
    expect(() => run(["mnist"])).toThrow(UsageError);
    expect(() => run(["mnist"])).toThrow(/vae, cartpole, corridor/);
    expect(() => run(["vae"], { seed: "-1" })).toThrow(/--seed/);
  });
});
