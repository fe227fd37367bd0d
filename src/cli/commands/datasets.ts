/** `nabla datasets`: the bundled datasets. */
import * as nb from "../../index.js";
import type { Command } from "../command.js";

export const datasets: Command<nb.data.DatasetInfo[]> = {
  name: "datasets",
  describe: "list the bundled datasets (for nabla train --data)",
  usage: "",
  examples: ["nabla datasets", "nabla datasets --json"],
  options: [],
  run() {
    return nb.data.datasets();
  },
  render(list) {
    const width = Math.max(...list.map((d) => d.name.length));
    return list.map((d) => {
      const kind = d.targetNames ? `${d.targetNames.length} classes` : "regression";
      return `${d.name.padEnd(width)}  ${String(d.samples).padStart(4)} × ${String(d.features).padEnd(2)}  ${kind.padEnd(10)}  ${d.description}`;
    }).join("\n");
  },
};
