// The Redis rate-limit store against a real redis-server: buckets shared by several stores (server
// processes), the same decisions as the in-memory store, a fallback while Redis is down, and a
// refusal to start without it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateStore, type RateDecision } from '../../../src/server/rate-limit.js';
import { RedisRateStore } from '../../../src/server/rate-store-redis.js';
import { haveRedisServer, startRedis, type TestRedis } from '../../helpers/redis.js';

const present = haveRedisServer();

describe.skipIf(!present)('rate limits in Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  it('two stores (two server processes) draw from one bucket', async () => {
    const a = await RedisRateStore.open(redis.url);
    const b = await RedisRateStore.open(redis.url);
    try {
      const t0 = 1_000_000;
      const taken: RateDecision[] = [];
      for (let i = 0; i < 7; i++) taken.push(await (i % 2 ? b : a).take('shared', 6, t0));
      expect(taken.map((d) => d.allowed)).toEqual([true, true, true, true, true, true, false]);
      expect(taken[0]).toMatchObject({ limit: 6, remaining: 5 });
      expect(taken[6]).toMatchObject({ remaining: 0, retryAfterSeconds: 10, resetSeconds: 60 });
      expect((await b.take('shared', 6, t0 + 9_999)).allowed).toBe(false);
      expect((await a.take('shared', 6, t0 + 20_000)).allowed).toBe(true);
      expect((await b.take('other', 6, t0)).allowed).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('decides exactly as the in-memory store over the same requests', async () => {
    const store = await RedisRateStore.open(redis.url);
    const memory = new MemoryRateStore();
    try {
      let now = 5_000_000;
      for (let i = 0; i < 60; i++) {
        now += (i * 7919) % 4_000;
        const limit = i < 40 ? 12 : 30; // a changed limit starts the bucket afresh in both
        expect(await store.take('same', limit, now), `request ${i}`).toEqual(memory.take('same', limit, now));
      }
    } finally {
      await store.close();
    }
  });

  it("while Redis does not answer, a take uses this process's buckets and warns once", async () => {
    const own = await startRedis();
    const warnings: string[] = [];
    const store = await RedisRateStore.open(own.url, (message) => warnings.push(message));
    try {
      expect((await store.take('k', 2, 0)).allowed).toBe(true);
      await own.stop();
      const during = [await store.take('k', 2, 1), await store.take('k', 2, 2), await store.take('k', 2, 3)];
      expect(during.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(warnings).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('a server meant to share its limits does not start without Redis', async () => {
    const gone = await startRedis();
    await gone.stop();
    await expect(RedisRateStore.open(gone.url)).rejects.toMatchObject({ code: 'E_NOT_CONFIGURED', message: expect.stringContaining(`127.0.0.1:${gone.port}`) });
  });
});
