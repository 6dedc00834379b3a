/** The primary's restart rule and its pick of a free port. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RESTART_RULE, RestartPolicy, pickPort, threadsPerProcess } from '../../../src/server/cluster.js';

describe('restarting server processes', () => {
  it('[14.5.17] the delay doubles with each death in the window; the fifth within 30 s gives up', () => {
    const p = new RestartPolicy();
    const t = 1_000_000;
    expect([0, 1, 2, 3].map((i) => p.died(t + i * 1000))).toEqual([
      { giveUp: false, delayMs: 250, deaths: 1 },
      { giveUp: false, delayMs: 500, deaths: 2 },
      { giveUp: false, delayMs: 1000, deaths: 3 },
      { giveUp: false, delayMs: 2000, deaths: 4 },
    ]);
    expect(p.died(t + 29_000)).toEqual({ giveUp: true, deaths: 5 });
    expect(RESTART_RULE).toMatchObject({ maxDeaths: 5, windowMs: 30_000 });
  });

  it('[14.5.18] deaths older than the window are forgotten, and the delay is capped', () => {
    const p = new RestartPolicy({ firstDelayMs: 100, maxDelayMs: 300, maxDeaths: 5, windowMs: 10_000 });
    expect(p.died(0)).toMatchObject({ delayMs: 100 });
    expect(p.died(1)).toMatchObject({ delayMs: 200 });
    expect(p.died(2)).toMatchObject({ delayMs: 300 });
    expect(p.died(3)).toMatchObject({ delayMs: 300 });
    // a minute later, the slate is clean
    expect(p.died(60_000)).toEqual({ giveUp: false, delayMs: 100, deaths: 1 });
  });

  it('[14.5.19] pickPort gives a port that is free to listen on', async () => {
    const port = await pickPort('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    const s = createServer();
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((r) => s.close(r));
  });
});

describe('threads of each server process', () => {
  it('[14.5.22] a configured thread count is per process; the default (every core) is shared out, at least 1 each', () => {
    expect(threadsPerProcess(4, false, 2)).toBe(4);
    expect(threadsPerProcess(8, true, 2)).toBe(4);
    expect(threadsPerProcess(8, true, 3)).toBe(2);
    expect(threadsPerProcess(2, true, 4)).toBe(1);
    expect(threadsPerProcess(6, true, 1)).toBe(6);
  });
});
