// Several server processes with `rate_limit_redis_url` draw from the same buckets (a real
// redis-server on a free port; skipped with a message when it is not installed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRedisServer, startRedis, type TestRedis } from '../helpers/redis.js';
import { startTestServer } from '../helpers/server.js';

describe.skipIf(!haveRedisServer())('rate limits shared through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  it('two servers with rate_limit_redis_url share the per-IP ceiling', async () => {
    const one = await startTestServer({ rate_limit_ip: 3, rate_limit_redis_url: redis.url });
    const two = await startTestServer({ rate_limit_ip: 3, rate_limit_redis_url: redis.url });
    try {
      const codes = [];
      for (const s of [one, two, one, two]) codes.push((await s.app.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: '192.0.2.44' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
