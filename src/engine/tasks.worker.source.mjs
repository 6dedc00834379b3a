/**
 * `tasks.worker.ts` when running from source (tests, `npx tsx`): registers tsx's ES module hooks
 * and re-exports the named tasks, as `predict.worker.source.mjs` does for the predictor.
 */
import { register } from 'tsx/esm/api';

register();
const worker = await import('./tasks.worker.ts');

export const comparePairs = worker.comparePairs;
export const importFile = worker.importFile;
export const checkRunFile = worker.checkRunFile;
