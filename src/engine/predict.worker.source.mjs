/**
 * The predictor worker when running from source (tests, benchmarks, `npx tsx`). Piscina loads a
 * worker with `require()` first; tsx would then compile the TypeScript to CommonJS, whose export
 * getters make the predictor about twice as slow as the compiled build. This file registers
 * tsx's ES module hooks in the worker and imports the worker as an ES module instead, so source
 * runs measure what users run. (`require()` of this file fails, and piscina falls back to
 * `import()`.) The compiled build loads `predict.worker.js` directly and never sees this file.
 */
import { register } from 'tsx/esm/api';

register();
const worker = await import('./predict.worker.ts');

export default worker.default;
