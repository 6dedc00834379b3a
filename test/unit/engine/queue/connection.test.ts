// The queue connection's watch and bounded close, on a stand-in for an ioredis client (no Redis).
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeQueueObjects, redisWhere, watchConnection } from '../../../../src/engine/queue/connection.js';

class FakeRedis extends EventEmitter {
  status = 'ready';
  quits = 0;
  disconnects = 0;
  quit(): Promise<string> {
    this.quits++;
    return Promise.resolve('OK');
  }
  disconnect(): void {
    this.disconnects++;
  }
}

const URL = 'redis://:secret@queue.example:6380/0';

describe('watchConnection', () => {
  afterEach(() => vi.useRealTimers());

  it('[14.2.5] says once that Redis is gone and when it is back, and gives up with E_QUEUE_DOWN after the patience, naming the host, never the password', async () => {
    vi.useFakeTimers();
    const redis = new FakeRedis();
    const lines: string[] = [];
    const watch = watchConnection(redis as unknown as Redis, URL, 5_000, (l) => lines.push(l));
    redis.emit('close');
    redis.emit('reconnecting');
    redis.emit('reconnecting');
    expect(watch.down()).toBe(true);
    expect(lines).toEqual(['Redis at queue.example:6380 is unreachable; retrying for up to 5 s (queue_patience)']);
    vi.advanceTimersByTime(3_000);
    const back = watch.back();
    redis.emit('ready');
    await back;
    expect(watch.down()).toBe(false);
    expect(lines[1]).toMatch(/^Redis at queue\.example:6380 is back after 3\.0 s$/);
    // a second absence, this time too long
    redis.emit('close');
    vi.advanceTimersByTime(5_000);
    await expect(watch.lost).rejects.toMatchObject({ code: 'E_QUEUE_DOWN', message: expect.stringContaining('queue.example:6380') });
    await expect(watch.lost).rejects.not.toMatchObject({ message: expect.stringContaining('secret') });
    watch.dispose();
    expect(redis.listenerCount('close') + redis.listenerCount('ready') + redis.listenerCount('reconnecting')).toBe(0);
  });

  it('redisWhere never shows a password, even for an unparsable URL', () => {
    expect(redisWhere(URL)).toBe('queue.example:6380');
    expect(redisWhere('not a url')).toBe('(an unparsable URL)');
  });
});

describe('closeQueueObjects', () => {
  it('[14.2.6] closes each object then quits; with Redis gone it drops the connection and a hanging close costs at most its bound', async () => {
    const up = new FakeRedis();
    const closed: string[] = [];
    await closeQueueObjects(up as unknown as Redis, [
      { close: () => Promise.resolve(void closed.push('a')) },
      undefined,
      { close: () => Promise.resolve(void closed.push('b')) },
    ]);
    expect(closed).toEqual(['a', 'b']);
    expect(up.quits).toBe(1);

    const down = new FakeRedis();
    down.status = 'reconnecting';
    const started = Date.now();
    await closeQueueObjects(down as unknown as Redis, [{ close: () => new Promise(() => undefined) }], 50);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(down.quits).toBe(0);
    expect(down.disconnects).toBeGreaterThan(0);
  });
});
