/** Rate-limit buckets held by the primary: every server process draws from the same bucket; a silent primary fails open to the process's own. */
import { describe, expect, it } from 'vitest';
import { IpcEndpoint, type IpcMessage } from '../../../src/server/cluster-ipc.js';
import { MemoryRateStore } from '../../../src/server/rate-limit.js';
import { PrimaryRateStore, RATE_TAKE, answerRateTakes } from '../../../src/server/rate-store-primary.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A server process's store linked to a primary that holds `buckets` (or never answers). */
function processStore(buckets: MemoryRateStore | undefined, warn?: (m: string, e: unknown) => void) {
  let primary: IpcEndpoint | undefined;
  const member: IpcEndpoint = new IpcEndpoint((m: IpcMessage) => {
    const copy: unknown = JSON.parse(JSON.stringify(m));
    if (primary) setImmediate(() => primary!.receive(copy));
  });
  if (buckets) primary = new IpcEndpoint((m) => setImmediate(() => member.receive(JSON.parse(JSON.stringify(m)))), { [RATE_TAKE]: answerRateTakes(buckets) });
  return new PrimaryRateStore(member, warn, 50);
}

describe('rate-limit buckets held by the primary', () => {
  it('[14.5.15] two processes draw from one bucket: a key gets its limit once, decided as the memory store decides', async () => {
    const buckets = new MemoryRateStore();
    const [a, b] = [processStore(buckets), processStore(buckets)];
    const reference = new MemoryRateStore();
    const decisions = [];
    for (let i = 0; i < 8; i++) {
      const d = await (i % 2 ? b : a).take('heavy:key:1', 5, T0 + i);
      expect(d).toEqual(reference.take('heavy:key:1', 5, T0 + i));
      decisions.push(d.allowed);
    }
    expect(decisions).toEqual([true, true, true, true, true, false, false, false]);
    // another key has its own bucket
    expect((await b.take('heavy:key:2', 5, T0 + 9)).allowed).toBe(true);
  });

  it('[14.5.16] when the primary does not answer, takes fail open to the process own buckets, with one warning', async () => {
    const warnings: string[] = [];
    const store = processStore(undefined, (m) => warnings.push(m));
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push((await store.take('read:key:1', 3, T0 + i)).allowed);
    expect(decisions).toEqual([true, true, true, false]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/primary process did not answer/);
    await store.close();
  });
});
