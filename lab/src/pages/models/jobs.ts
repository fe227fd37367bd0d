/** The Models page's worker jobs: the SVM, the Gaussian process and gradient boosting, one job each. */
import { defineJobs } from "../../job.js";
import { boosting } from "./boosting.js";
import { gp, gpAt } from "./gp.js";
import { svm } from "./svm.js";

export default defineJobs({ modelsSvm: svm, modelsGp: gp, modelsGpAt: gpAt, modelsBoosting: boosting });
