/**
 * EngineHost's bounds (issue 22, item 6): a bounded queue that refuses more work with 'busy',
 * request timeouts clamped to MAX_TIMEOUT_MS whatever the caller asks, and `forget(docId)` for a
 * client that went away (its runs cancelled, its last run and held inputs dropped).
 */
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputPayload, RunRequest } from '../core/api';
import type { EngineChannel } from './channel';
import * as engineHost from './engine-host';
import { EngineHost } from './engine-host';
import type { HostToWorker, WorkerToHost } from './protocol';
import { chainDoc } from './testing/docs';

/** A worker that starts and then never answers (every request stays in flight). */
class SilentChannel extends EventEmitter implements EngineChannel {
  readonly isolation = 'thread' as const;
  readonly sent: HostToWorker[] = [];
  constructor() {
    super();
    setImmediate(() => this.emit('message', { type: 'ready', backend: 'silent' } satisfies WorkerToHost));
  }
  postMessage(message: HostToWorker): void {
    this.sent.push(message);
  }
  kill(): void {
    setImmediate(() => this.emit('exit', null, 'SIGKILL'));
  }
}

/** The rejection of `p` if it settles within `ms` ('pending' otherwise). */
async function outcome(p: Promise<unknown>, ms = 2000): Promise<{ code?: string; message?: string } | 'resolved' | 'pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ms)));
  try {
    return await Promise.race([p.then(() => 'resolved' as const, (e: { code?: string; message?: string }) => e), pending]);
  } finally {
    clearTimeout(timer);
  }
}

const doc = chainDoc({ channels: 1, height: 2, width: 2 }, [{ id: 'scale', type: 'Conv2D', params: { filters: 1, kernel: 1, bias: false }, weights: { kernel: [2] } }]);
const input: InputPayload = { kind: 'tensor', shape: [1, 2, 2], data: Float32Array.from([1, 2, 3, 4]) };
const run = (docId: string, extra: Partial<RunRequest> = {}): RunRequest => ({ docId, document: doc, inputs: input, ...extra });

describe('EngineHost limits (a worker that never answers)', () => {
  it('refuses work beyond its queue bound with "busy", saying so', async () => {
    const host = new EngineHost({ backend: 'reference', spawnChannel: () => new SilentChannel(), maxQueuedJobs: 3 });
    await host.start();
    const inFlight = [0, 1, 2, 3].map((i) => host.run(run(`d${i}`))); // one running, three queued
    inFlight.forEach((p) => p.catch(() => undefined));
    const refused = await outcome(host.run(run('d4')));
    expect(refused).toMatchObject({ code: 'busy' });
    expect((refused as { message: string }).message).toMatch(/3 requests/);
    // A newer run of a queued document replaces it, so live editing never fills the queue.
    const replacing = host.run(run('d3'));
    replacing.catch(() => undefined);
    expect(await outcome(inFlight[3]!, 500)).toMatchObject({ code: 'superseded' });
    expect(await outcome(replacing, 200)).toBe('pending');
    await host.stop();
  });

  it('clamps a request timeout to MAX_TIMEOUT_MS (10 minutes by default), whatever the caller asks', async () => {
    expect((engineHost as Record<string, unknown>).MAX_TIMEOUT_MS).toBe(600_000);
    const host = new EngineHost({ backend: 'reference', spawnChannel: () => new SilentChannel(), maxTimeoutMs: 100 });
    await host.start();
    const asked = host.run(run('d', { timeoutMs: 3_600_000 }));
    expect(await outcome(asked, 3000)).toMatchObject({ code: 'timeout', message: expect.stringContaining('100 ms') });
    await host.stop();
  });
});

describe('EngineHost.forget (a client went away)', () => {
  const host = new EngineHost({ backend: 'reference', isolation: 'thread' });
  beforeAll(() => host.start());
  afterAll(() => host.stop());

  it("cancels the document's runs and drops its last run, so nothing of it is kept or can be fetched", async () => {
    await host.run(run('gone'));
    expect(Array.from((await host.fetchTensor('gone', 'scale')).data)).toEqual([2, 4, 6, 8]);
    await host.forget('gone');
    expect(await outcome(host.fetchTensor('gone', 'scale'))).toMatchObject({ code: 'bad-input' });
    // A run still queued or running when its page went away is cancelled.
    const blocker = host.run(run('other'));
    const queued = host.run(run('gone'));
    await host.forget('gone');
    expect(await outcome(queued)).toMatchObject({ code: 'cancelled' });
    await blocker;
    // Another document is untouched.
    expect(Array.from((await host.fetchTensor('other', 'scale')).data)).toEqual([2, 4, 6, 8]);
  });
});
