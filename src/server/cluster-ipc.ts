/**
 * Questions and answers between the processes of `serve --processes N` over node:cluster's IPC
 * channel: one {@link IpcEndpoint} on each end (the primary keeps one per server process). A
 * question carries an id and is answered once, or given up after a timeout; a notice is not
 * answered. Messages are plain JSON tagged `luckyfive`, so node's own cluster messages and
 * anything else on the channel pass by untouched.
 */

/** What travels on the channel. */
export type IpcMessage =
  | { luckyfive: 'ask'; id: number; kind: string; body: unknown }
  | { luckyfive: 'answer'; id: number; body?: unknown; error?: string }
  | { luckyfive: 'tell'; kind: string; body: unknown };

/** Answers a question (or takes a notice) of one kind; may answer with a promise. */
export type IpcHandler = (body: unknown) => unknown;

/** Whether `m` is one of ours (the channel also carries node's cluster messages). */
export function isIpcMessage(m: unknown): m is IpcMessage {
  return typeof m === 'object' && m !== null && typeof (m as { luckyfive?: unknown }).luckyfive === 'string';
}

interface Pending {
  resolve: (body: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class IpcEndpoint {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * @param send puts a message on the channel; throws when the channel is closed
   * @param handlers what this end answers, by kind
   */
  constructor(
    private readonly send: (m: IpcMessage) => void,
    private readonly handlers: Readonly<Record<string, IpcHandler>> = {},
  ) {}

  /** Asks the other end; rejects when it does not answer within `timeoutMs`, answers with an error, or the channel is closed. */
  ask<T>(kind: string, body: unknown, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (body: unknown) => void, reject, timer });
      if (!this.trySend({ luckyfive: 'ask', id, kind, body })) this.settle(id, undefined, 'the channel is closed');
    });
  }

  /** Tells the other end something it does not answer; false when the channel is closed. */
  tell(kind: string, body: unknown): boolean {
    return this.trySend({ luckyfive: 'tell', kind, body });
  }

  /** Feeds a message that arrived on the channel; others than ours are ignored. */
  receive(m: unknown): void {
    if (!isIpcMessage(m)) return;
    if (m.luckyfive === 'answer') return this.settle(m.id, m.body, m.error);
    const handler = this.handlers[m.kind];
    if (m.luckyfive === 'tell') {
      handler?.(m.body);
      return;
    }
    if (!handler) return void this.trySend({ luckyfive: 'answer', id: m.id, error: `nothing answers ${m.kind}` });
    Promise.resolve()
      .then(() => handler(m.body))
      .then(
        (body) => this.trySend({ luckyfive: 'answer', id: m.id, body }),
        (e: unknown) => this.trySend({ luckyfive: 'answer', id: m.id, error: e instanceof Error ? e.message : String(e) }),
      );
  }

  /** Fails every question still waiting (the other end is gone). */
  close(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, 'the channel closed');
  }

  private settle(id: number, body: unknown, error: string | undefined): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error !== undefined) p.reject(new Error(error));
    else p.resolve(body);
  }

  private trySend(m: IpcMessage): boolean {
    try {
      this.send(m);
      return true;
    } catch {
      return false;
    }
  }
}
