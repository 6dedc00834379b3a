/** Questions and answers over a channel, with two endpoints wired back to back as the primary and a server process are. */
import { describe, expect, it } from 'vitest';
import { IpcEndpoint, type IpcHandler, type IpcMessage } from '../../../src/server/cluster-ipc.js';

/** Two endpoints whose messages arrive on the next turn, through a JSON round trip as on the real channel. */
function pair(aHandlers: Record<string, IpcHandler>, bHandlers: Record<string, IpcHandler>) {
  const open = { value: true };
  const wire = (to: () => IpcEndpoint) => (m: IpcMessage) => {
    if (!open.value) throw new Error('closed');
    const copy: unknown = JSON.parse(JSON.stringify(m));
    setImmediate(() => to().receive(copy));
  };
  const a: IpcEndpoint = new IpcEndpoint(
    wire(() => b),
    aHandlers,
  );
  const b: IpcEndpoint = new IpcEndpoint(
    wire(() => a),
    bHandlers,
  );
  return { a, b, close: () => (open.value = false) };
}

describe('cluster IPC endpoints', () => {
  it('[14.5.12] answers a question, sync or async, and each answer reaches the question that asked it', async () => {
    const { a } = pair({}, { double: (n) => (n as number) * 2, later: (n) => new Promise((r) => setTimeout(() => r(`late ${n as number}`), 5)) });
    const answers = await Promise.all([a.ask<string>('later', 1, 1000), a.ask<number>('double', 21, 1000), a.ask<number>('double', 4, 1000)]);
    expect(answers).toEqual(['late 1', 42, 8]);
  });

  it('[14.5.13] a handler that throws, a kind nobody answers, a silent other end and a closed channel all reject', async () => {
    const { a, close } = pair({}, { boom: () => Promise.reject(new Error('broken')), slow: () => new Promise(() => undefined) });
    await expect(a.ask('boom', null, 1000)).rejects.toThrow('broken');
    await expect(a.ask('nothing', null, 1000)).rejects.toThrow('nothing answers nothing');
    await expect(a.ask('slow', null, 20)).rejects.toThrow('no answer to slow within 20 ms');
    close();
    await expect(a.ask('boom', null, 1000)).rejects.toThrow('closed');
  });

  it('[14.5.14] a notice is handled without an answer; foreign messages are ignored; close fails questions still waiting', async () => {
    const told: unknown[] = [];
    const { a, b } = pair({}, { listening: (body) => told.push(body), slow: () => new Promise(() => undefined) });
    expect(a.tell('listening', { address: 'http://127.0.0.1:1' })).toBe(true);
    b.receive({ cmd: 'NODE_CLUSTER', act: 'online' });
    b.receive('text');
    await new Promise((r) => setImmediate(r));
    expect(told).toEqual([{ address: 'http://127.0.0.1:1' }]);
    const waiting = a.ask('slow', null, 10_000);
    a.close();
    await expect(waiting).rejects.toThrow('the channel closed');
  });
});
