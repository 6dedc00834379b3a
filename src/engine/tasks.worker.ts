/**
 * Pool tasks other than prediction, each a named export run with `pool.runTask(name, task)`: the
 * heavy statistics of `compare`, the import of an uploaded results file and the check of a run
 * file a worker returned. They share the
 * server's one pool so a request never computes on the event loop; each is a thin adapter
 * around a pure function that the CLI calls in-process.
 */
export { runPairTests as comparePairs } from './compare-tests.js';
export { runImportTask as importFile } from '../import/import-task.js';
export { checkRunFileTask as checkRunFile } from './runs.js';
