/** Every `nabla` command, in the order `nabla --help` lists them. Add a command here. */
import type { Command } from "../command.js";
import { diff } from "./diff.js";
import { evaluate } from "./eval.js";
import { grad } from "./grad.js";
import { hessian } from "./hessian.js";
import { jacobian } from "./jacobian.js";
import { limit } from "./limit.js";
import { integrate } from "./integrate.js";
import { minimize } from "./minimize.js";
import { taylor } from "./taylor.js";
import { datasets } from "./datasets.js";
import { evaluateModel } from "./evaluate.js";
import { predict } from "./predict.js";
import { train } from "./train.js";
import { exportModel } from "./export.js";
import { example } from "./example.js";
import { fit } from "./fit.js";
import { landscape } from "./landscape.js";
import { report } from "./report.js";

export const commands: readonly Command[] = [diff, grad, jacobian, hessian, taylor, limit, integrate, evaluate, minimize, train, evaluateModel, predict, datasets, exportModel, example, fit, landscape, report];
