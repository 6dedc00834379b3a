import { describe, expect, it } from 'vitest';
import { RUN_QUEUE } from '../../../../src/engine/queue/connection.js';
import { CELL_JOB_NAME, SWEEP_QUEUE, sweepParentId } from '../../../../src/engine/queue/sweep-flow.js';

describe('sweep flow names', () => {
  it('[14.1.5] the parent lives in its own queue under an id derived from the sweep id; cells are named `cell` on the run queue', () => {
    expect(SWEEP_QUEUE).not.toBe(RUN_QUEUE);
    expect(CELL_JOB_NAME).toBe('cell');
    const id = sweepParentId('sw-20261203-131500-abcdef');
    expect(id).toBe('sweep-sw-20261203-131500-abcdef');
    // BullMQ job ids may not hold a colon, nor be a bare integer (those are its own counters)
    expect(id).not.toContain(':');
    expect(Number.isNaN(Number(id))).toBe(true);
  });
});
