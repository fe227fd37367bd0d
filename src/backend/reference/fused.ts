/**
 * Fused elementwise loops, the kernels of `nb.jit`: a chain of unary, binary and where ops
 * over one output size becomes a single generated loop that reads each operand once per
 * element, keeps intermediates in locals, writes only the values needed afterwards and can
 * accumulate full sums on the way. Each op's formula is the reference kernel's (see
 * ./elementwise.ts), rounded to float32 where the eager kernel would store float32, so a
 * fused result equals the eager one bit for bit.
 */
import type { FusedLoop, FusedLoopSpec, LoopValue } from "../interface.js";
import { binaryExpression, compile, unaryExpression } from "./elementwise.js";

const loops = new Map<string, FusedLoop>();

/** The compiled loop for a spec, generated once per distinct program text. */
export function fusedLoop(spec: FusedLoopSpec): FusedLoop {
  const body = generate(spec);
  let loop = loops.get(body);
  if (!loop) {
    loop = compile<FusedLoop>("data, offsets, maps, outputs, sums, n", body);
    loops.set(body, loop);
  }
  return loop;
}

function generate(spec: FusedLoopSpec): string {
  const v = (k: LoopValue): string => `v${k}`;
  const setup: string[] = [];
  const perElement: string[] = [];
  // The dtypes are part of the text so that each compiled loop sees one array type per
  // operand and stays monomorphic.
  setup.push(`// ${spec.operands.map((o) => `${o.dtype}:${o.access}`).join(" ")}`);
  spec.operands.forEach((o, k) => {
    setup.push(`const a${k} = data[${k}], o${k} = offsets[${k}];`);
    if (o.access === "scalar") setup.push(`const ${v(k)} = a${k}[o${k}];`);
    else if (o.access === "full") perElement.push(`const ${v(k)} = a${k}[o${k} + i];`);
    else {
      setup.push(`const m${k} = maps[${k}];`);
      perElement.push(`const ${v(k)} = a${k}[o${k} + m${k}[i]];`);
    }
  });
  spec.steps.forEach((s, j) => {
    const expression =
      s.op === "unary" ? unaryExpression(s.kernel, v(s.x))
      : s.op === "binary" ? binaryExpression(s.kernel, v(s.x), v(s.y))
      : `(${v(s.cond)} !== 0 ? ${v(s.x)} : ${v(s.y)})`;
    perElement.push(`const ${v(spec.operands.length + j)} = ${s.dtype === "float32" ? `Math.fround(${expression})` : expression};`);
  });
  spec.stores.forEach((value, j) => {
    setup.push(`const out${j} = outputs[${j}];`);
    perElement.push(`out${j}[i] = ${v(value)};`);
  });
  spec.sums.forEach((value, j) => {
    setup.push(`let s${j} = 0;`);
    perElement.push(`s${j} += ${v(value)};`);
  });
  const finish = spec.sums.map((_, j) => `sums[${j}] = s${j};`);
  return [...setup, "let p = 0;", `for (let i = 0; i < n; i++) {`, ...perElement, "}", ...finish].join("\n");
}
