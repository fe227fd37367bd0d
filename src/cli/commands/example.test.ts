/** `nabla example`, in process: a short run renders its figures; bad names are usage errors (the VAE's and the corridor's runs are tested in src/examples). */
import { describe, expect, test } from "vitest";
import { UsageError } from "../command.js";
import { example } from "./example.js";

const run = (args: string[], options: Record<string, string | boolean> = {}) => example.run({ args, options: { quiet: true, ...options } });

describe("nabla example", () => {
  test("cartpole reports when it was solved and the final policy's mean return", () => {
    const text = example.render(run(["cartpole"]));
    expect(text).toMatch(/solved at episode \d+ \(mean of the last 100 returns ≥ 195\)/);
    expect(text).toMatch(/100 further episodes: mean return (19[5-9]|[2-4]\d\d)/);
  });
  test("an unknown example is a usage error naming the choices", () => {
    expect(() => run(["mnist"])).toThrow(UsageError);
    expect(() => run(["mnist"])).toThrow(/vae, cartpole, corridor/);
    expect(() => run(["vae"], { seed: "-1" })).toThrow(/--seed/);
  });
});
