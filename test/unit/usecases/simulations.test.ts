// The sync-or-job rule of POST /simulations and the job document built from a stored request.
import { describe, expect, it } from 'vitest';
import { parseRecipe } from '../../../src/core/recipe/schema.js';
import { SYNC_MAX_CONTESTS, answersInRequest, jobDocument } from '../../../src/usecases/simulations.js';
import type { JobView } from '../../../src/store/jobs-repo.js';

const TINY = parseRecipe({ version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 11 });

describe('answersInRequest', () => {
  it('small random runs answer in the request; more contests or tickets than the limits are jobs', () => {
    expect(answersInRequest(TINY, SYNC_MAX_CONTESTS)).toBe(true);
    expect(answersInRequest(TINY, SYNC_MAX_CONTESTS + 1)).toBe(false);
    expect(answersInRequest({ ...TINY, tickets: 100 }, 6)).toBe(false);
  });
});

describe('jobDocument', () => {
  it('shows the stored request (an unversioned one too) with its recipe hash', () => {
    const row = {
      seq: 1,
      job_id: 'job-20260101-000000-aaaaaaaa',
      kind: 'simulate',
      request_json: JSON.stringify({ preset: 'x', recipe_name: null, recipe: TINY, from: 5, to: 9, name: null, threads: 2 }),
      status: 'pending',
      run_id: null,
      error: null,
      created_at: '2026-01-01T00:00:00.000Z',
      started_at: null,
      finished_at: null,
      attempts: 0,
      cancel_requested: 0,
      owner: null,
      placement: 'server',
      worker: null,
      worker_done: null,
      worker_total: null,
      error_code: null,
      run_status: null,
      contests_done: null,
      contests_planned: null,
    } satisfies JobView;
    const doc = jobDocument(row);
    expect(doc.request).toMatchObject({ preset: 'x', from: 5, to: 9, threads: 2, name: null });
    expect(doc.request.recipe_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.cancel_requested).toBe(false);
  });
});
