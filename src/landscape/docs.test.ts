/** The ```ts blocks of docs/landscape.md run, with their `// =>` values checked, as README's do. */
import { describe, test } from "vitest";
import * as nb from "../index.js";
import { markdownExamples, runExample } from "../../test/doctest.js";

describe("docs/landscape.md ```ts blocks run", () => {
  test.each(markdownExamples("docs/landscape.md").map((ex) => [ex.symbol, ex] as const))("%s", async (_, ex) => {
    await runExample(ex, nb);
  });
});
