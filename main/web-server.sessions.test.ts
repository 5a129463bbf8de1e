/**
 * Browser mode keeps every connection to itself (issue 22, item 2): runs, tensors, events, weights
 * tokens and training runs belong to the connection that made them; two tabs using the same docId
 * do not meet; and the socket needs the per-launch token even with a right Origin and Host.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../engine/src/runtime/testing/host';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { EngineEvent, InputPayload, RunRequest, TrainRequest, TrainStarted, WeightsHandle } from '../engine/src/core/api';
import type { ModelDocument } from '../engine/src/core/document/schema';
import { EngineHost } from '../engine/src/runtime/engine-host';
import { startWebServer, type WebServer } from './web-server';
import { FakeEngine, tinyDocument } from './testing/fakes';
import { connectClient, eventually, socketUrlOf, tokenOf, type TestClient } from './testing/web-clients';

let dir: string;
const clients: TestClient[] = [];
const client = (url: string) => {
  const c = connectClient(url);
  clients.push(c);
  return c;
};
const failure = errorOf;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-web-sessions-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A convolution on a 384×384 image: long enough (a few hundred ms on the reference backend) for a second client to act meanwhile. */
function slowDocument(): ModelDocument {
  return {
    format: 'cnn-studio.model',
    version: 1,
    name: 'slow',
    nodes: [
      { id: 'in', type: 'Input', params: { channels: 3, height: 384, width: 384 }, position: { x: 0, y: 0 } },
      { id: 'conv', type: 'Conv2D', params: { filters: 32, kernel: 3, padding: 'same' }, position: { x: 100, y: 0 } },
    ],
    edges: [{ id: 'e0', source: 'in', target: 'conv' }],
  };
}
const slowRun = (docId = 'doc-1'): RunRequest => ({ docId, document: slowDocument(), inputs: { kind: 'tensor', shape: [3, 384, 384], data: new Float32Array(3 * 384 * 384) }, previews: false, tensors: 'none' });
const tinyInput = (fill: number): InputPayload => ({ kind: 'tensor', shape: [1, 4, 4], data: new Float32Array(16).fill(fill) });

describe('browser mode with the real engine: each connection has its own runs', () => {
  let engine: EngineHost;
  let server: WebServer;
  beforeAll(async () => {
    engine = new EngineHost({ backend: 'reference' });
    await engine.start();
    server = await startWebServer({ port: 0, rendererDir: dir, engine });
  });
  afterAll(async () => {
    await server?.close();
    await engine?.stop();
  });

  it('two clients running the same docId ("doc-1") do not supersede each other', async () => {
    const a = client(server.url);
    const b = client(server.url);
    await Promise.all([a.engine.cancel('warm'), b.engine.cancel('warm')]);
    const [ra, rb] = await Promise.allSettled([a.engine.run(slowRun()), b.engine.run({ docId: 'doc-1', document: tinyDocument(), inputs: tinyInput(1) })]);
    expect(ra.status === 'rejected' ? ra.reason : null).toBeNull();
    expect(rb.status === 'rejected' ? rb.reason : null).toBeNull();
    expect(ra.status === 'fulfilled' && ra.value.docId).toBe('doc-1');
    expect(rb.status === 'fulfilled' && rb.value.docId).toBe('doc-1');
  });

  it("a second client cannot read the first one's tensors", async () => {
    const a = client(server.url);
    const b = client(server.url);
    await a.engine.run({ docId: 'doc-1', document: tinyDocument(), inputs: tinyInput(7) });
    expect(Array.from((await a.engine.fetchTensor('doc-1', 'in')).data)).toEqual(new Array(16).fill(7));
    const refused = await failure(b.engine.fetchTensor('doc-1', 'in'));
    expect(refused.code).toBe('bad-input');
    expect(refused.message).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/); // no other connection's ids in messages
  });

  it("a second client cannot cancel the first one's run", async () => {
    const a = client(server.url);
    const b = client(server.url);
    await b.engine.cancel('warm');
    const running = a.engine.run(slowRun());
    await eventually(() => a.events.some((e) => e.type === 'run-state' && e.state === 'running'), 5000, "A's run to start");
    await b.engine.cancel('doc-1');
    await expect(running).resolves.toMatchObject({ docId: 'doc-1' });
  });

  it("engine events reach only the connection whose run they are about, with its own docId", async () => {
    const a = client(server.url);
    const b = client(server.url);
    await b.engine.cancel('warm');
    await a.engine.run({ docId: 'doc-1', document: tinyDocument(), inputs: tinyInput(1) });
    await eventually(() => a.events.some((e) => e.type === 'run-state' && e.state === 'done'), 5000, "A's run-state events");
    expect(a.events.filter((e) => e.type === 'run-state').every((e) => e.type === 'run-state' && e.docId === 'doc-1')).toBe(true);
    expect(b.events.filter((e) => e.type === 'run-state')).toEqual([]);
  });

  it("a second client cannot read, use or release the first one's weights token", async () => {
    const a = client(server.url);
    const b = client(server.url);
    const handle = await a.engine.attachWeights!(Uint8Array.of(1, 2, 3, 4), 'model.weights.bin');
    for (const attempt of [
      b.engine.readWeights!(handle.token),
      b.engine.releaseWeights!(handle.token),
      b.engine.exportOnnx(tinyDocument(), undefined, handle.token),
      b.engine.inlineWeights!(tinyDocument(), handle.token),
      b.engine.run({ docId: 'doc-1', document: tinyDocument(), inputs: tinyInput(1), weightsToken: handle.token }),
    ]) {
      expect((await failure(attempt)).code).toBe('not-found');
    }
    expect(Array.from(await a.engine.readWeights!(handle.token))).toEqual([1, 2, 3, 4]);
  });

  it("frees a client's weights and runs when it disconnects", async () => {
    await eventually(() => engine.weights.size === 0, 5000, 'the earlier tests\' clients to be cleaned up');
    const a = client(server.url);
    await a.engine.attachWeights!(new Uint8Array(1024), 'model.weights.bin');
    await a.engine.run({ docId: 'doc-1', document: tinyDocument(), inputs: tinyInput(1) });
    expect(engine.weights.size).toBe(1);
    a.close();
    await eventually(() => engine.weights.size === 0, 5000, 'the weights to be released');
    // Its last run is gone from the engine too: nothing of the page is kept.
    expect((engine as unknown as { lastRuns: Map<string, unknown> }).lastRuns.size).toBe(0);
  });
});

/** A fake engine that, like EngineHost, makes a fresh token per attach and a fresh trainId per training. */
class UniqueFakeEngine extends FakeEngine {
  override async attachWeights(bytes: Uint8Array, file: string): Promise<WeightsHandle> {
    await super.attachWeights(bytes, file);
    return { token: randomUUID(), file, byteLength: bytes.byteLength };
  }
  override async startTraining(req: TrainRequest): Promise<TrainStarted> {
    const started = await super.startTraining(req);
    return { ...started, trainId: randomUUID() };
  }
  /** The docId the engine was given for the last training started (what its events carry). */
  lastTrainingDocId(): string {
    const last = this.calls.filter((c) => c.method === 'startTraining').at(-1)!;
    return (last.args[0] as TrainRequest).docId;
  }
}

describe('browser mode: training runs and the launch token', () => {
  const engine = new UniqueFakeEngine();
  let server: WebServer;
  beforeAll(async () => {
    server = await startWebServer({ port: 0, rendererDir: dir, engine });
  });
  afterAll(async () => {
    await server?.close();
  });

  const train = (c: TestClient) => c.engine.startTraining!({ docId: 'doc-1', document: tinyDocument(), data: { kind: 'mnist' } });

  it("a second client cannot control the first one's training, run on its weights or see its events", async () => {
    const a = client(server.url);
    const b = client(server.url);
    const { trainId } = await train(a);
    const engineDocId = engine.lastTrainingDocId();
    expect((await failure(b.engine.controlTraining!(trainId, 'stop'))).code).toBe('not-found');
    expect((await failure(b.engine.run({ docId: 'doc-1', document: tinyDocument(), inputs: tinyInput(1), trainId }))).code).toBe('not-found');
    expect(engine.calls.filter((c) => c.method === 'controlTraining')).toEqual([]);
    await a.engine.controlTraining!(trainId, 'pause');
    expect(engine.calls.filter((c) => c.method === 'controlTraining').map((c) => c.args)).toEqual([[trainId, 'pause']]);

    const progress: EngineEvent = { type: 'train-state', trainId, docId: engineDocId, state: 'paused' };
    engine.emit(progress);
    engine.emit({ type: 'worker-restarted', reason: 'test' });
    await eventually(() => b.events.some((e) => e.type === 'worker-restarted'), 5000, 'the restart event at B');
    await eventually(() => a.events.some((e) => e.type === 'worker-restarted'), 5000, 'the restart event at A');
    expect(a.events.filter((e) => e.type === 'train-state')).toEqual([{ ...progress, docId: 'doc-1' }]);
    expect(b.events.filter((e) => e.type === 'train-state')).toEqual([]);
  });

  it('stops the training runs and releases the weights of a client that disconnects', async () => {
    const a = client(server.url);
    const { trainId } = await train(a);
    const { token } = await a.engine.attachWeights!(Uint8Array.of(1), 'm.weights.bin');
    engine.calls.length = 0;
    a.close();
    await eventually(() => engine.calls.some((c) => c.method === 'controlTraining') && engine.calls.some((c) => c.method === 'releaseWeights'), 5000, 'the cleanup');
    expect(engine.calls.filter((c) => c.method === 'controlTraining').map((c) => c.args)).toEqual([[trainId, 'stop']]);
    expect(engine.calls.filter((c) => c.method === 'releaseWeights').map((c) => c.args)).toEqual([[token]]);
  });

  const upgrade = (url: string, origin: string) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { origin });
      ws.once('open', () => (ws.close(), resolve(101)));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.once('error', reject);
    });

  it('prints a page URL with an unguessable launch token, and refuses sockets without it (401) even from the right Origin and Host', async () => {
    const token = tokenOf(server.url);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
    const origin = `http://127.0.0.1:${server.port}`;
    expect(await upgrade(`ws://127.0.0.1:${server.port}/ws`, origin)).toBe(401);
    expect(await upgrade(`ws://127.0.0.1:${server.port}/ws?token=`, origin)).toBe(401);
    expect(await upgrade(`ws://127.0.0.1:${server.port}/ws?token=${token!.slice(0, -1)}x`, origin)).toBe(401);
    expect(await upgrade(`ws://localhost:${server.port}/ws?token=${'A'.repeat(token!.length)}`, `http://localhost:${server.port}`)).toBe(401);
    expect(await upgrade(socketUrlOf(server.url), origin)).toBe(101);
  });
});
