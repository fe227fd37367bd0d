/**
 * What a worker job is: a function from a request to a result, run in the compute worker. A
 * page's jobs.ts exports a table of them with defineJobs; the registry collects the tables and
 * the protocol's types (job names, requests, results, progress) are derived from them.
 */

/** What the worker gives a job besides its request: a way to stream progress and to see a Stop. */
export interface JobContext<Progress = never> {
  /** Sends progress to the page (the page's onProgress callback receives it). */
  report(progress: Progress): void;
  /** True once the page asked to stop; a long job checks it between its chunks of work. */
  stopped(): boolean;
  /** Lets a Stop message arrive: long jobs await it between chunks (the worker runs one thing at a time). */
  yield(): Promise<void>;
}

/** A job: request in, result out (or a promise of it). Its requests and results must survive structured cloning. */
// `never` as the context's progress accepts every job, as a parameter type must.
export type Job = (request: never, context: JobContext<never>) => unknown;

/** A page's jobs, by name: names are global to the Lab (the worker refuses duplicates), so prefix them if in doubt. */
export type JobTable = Record<string, Job>;

/** Declares a page's jobs; the identity, with the table's exact type kept for the protocol. */
export function defineJobs<T extends JobTable>(jobs: T): T {
  return jobs;
}
