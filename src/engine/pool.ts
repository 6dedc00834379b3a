/**
 * The piscina pool running the predictor. The worker file is found next to this module: the
 * compiled `.js` in dist/, or the `.ts` source under tsx and vitest (loaded with `--import tsx`).
 */
import { Piscina } from 'piscina';
import type { PredictResult, PredictTask } from './predict.worker.js';

export interface PredictPool {
  readonly threads: number;
  run(task: PredictTask, signal?: AbortSignal): Promise<PredictResult[]>;
  close(): Promise<void>;
}

export function createPredictPool(threads: number): PredictPool {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSource ? './predict.worker.ts' : './predict.worker.js', import.meta.url).href;
  const pool = new Piscina<PredictTask, PredictResult[]>({
    filename,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 30_000,
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });
  return {
    threads,
    run: (task, signal) => pool.run(task, signal ? { signal } : {}),
    close: () => pool.destroy(),
  };
}
