/**
 * Browser mode's bounds on what clients can make the server hold (issue 22, item 6): frame size,
 * connections, calls in flight per connection, bytes of calls in flight, and documents so large
 * that decoding them would block the server's thread.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { errorOf } from '../engine/src/runtime/testing/host';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { EngineClient, RunRequest } from '../engine/src/core/api';
import type { ModelDocument } from '../engine/src/core/document/schema';
import * as webServer from './web-server';
import { startWebServer, type WebServer } from './web-server';
import { MAX_PAYLOAD_BYTES } from './contract';
import { ReadBudget } from './web-limits';
import { decodeMessage, encodeMessage } from './wire';
import { FakeEngine, tinyDocument } from './testing/fakes';
import { connectClient, eventually, socketUrlOf, type TestClient } from './testing/web-clients';

let dir: string;
const servers: WebServer[] = [];
const clients: TestClient[] = [];
const serve = async (engine: EngineClient, limits: Record<string, number>) => {
  const s = await startWebServer({ port: 0, rendererDir: dir, engine, limits } as Parameters<typeof startWebServer>[0]);
  servers.push(s);
  return s;
};
const client = (url: string) => {
  const c = connectClient(url);
  clients.push(c);
  return c;
};
const failure = errorOf;
const run = (docId = 'd', document: ModelDocument = tinyDocument()): RunRequest => ({ docId, document, inputs: { kind: 'tensor', shape: [1, 4, 4], data: new Float32Array(16) } });

/** An engine whose runs wait until released. */
class GatedEngine extends FakeEngine {
  private gates: (() => void)[] = [];
  override async run(req: RunRequest) {
    await new Promise<void>((r) => this.gates.push(r));
    return super.run(req);
  }
  get waiting() {
    return this.gates.length;
  }
  release() {
    for (const g of this.gates.splice(0)) g();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-web-limits-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rawSocket = (server: WebServer) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(socketUrlOf(server.url), { origin: `http://127.0.0.1:${server.port}` });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });

describe('browser-mode limits', () => {
  it('caps frames at what the largest legitimate call needs: a payload of MAX_PAYLOAD_BYTES plus its small header', () => {
    const limits = (webServer as Record<string, unknown>).DEFAULT_WEB_LIMITS as { maxPayloadBytes: number };
    expect(limits.maxPayloadBytes).toBe(MAX_PAYLOAD_BYTES + 64 * 1024);
    // The largest call: attaching a weights file of MAX_PAYLOAD_BYTES bytes with a 255-character name.
    const header = encodeMessage({ kind: 'call', id: Number.MAX_SAFE_INTEGER, name: 'engine.attachWeights', args: [new Uint8Array(0), 'é'.repeat(255)] }).length;
    expect(header + MAX_PAYLOAD_BYTES).toBeLessThanOrEqual(limits.maxPayloadBytes);
  });

  it('closes a connection whose frame is over the cap (1009), and only that one', async () => {
    const server = await serve(new FakeEngine(), { maxPayloadBytes: 4096 });
    const other = client(server.url);
    await other.engine.cancel('d');
    const ws = await rawSocket(server);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.on('error', () => undefined);
    ws.send(encodeMessage({ kind: 'call', id: 1, name: 'engine.importOnnx', args: [new Uint8Array(8192)] }));
    expect(await closed).toBe(1009);
    await expect(other.engine.cancel('d')).resolves.toBeUndefined();
  });

  it('refuses connections beyond maxConnections (503) until one closes', async () => {
    const server = await serve(new FakeEngine(), { maxConnections: 2 });
    const a = await rawSocket(server);
    const b = await rawSocket(server);
    await expect(rawSocket(server)).rejects.toThrow('HTTP 503');
    const gone = new Promise((r) => a.once('close', r));
    a.close();
    await gone;
    await eventually(() => true, 50);
    const c = await rawSocket(server);
    b.close();
    c.close();
  });

  it("answers 'busy' to calls beyond maxCallsInFlight on one connection; other connections are unaffected", async () => {
    const engine = new GatedEngine();
    const server = await serve(engine, { maxCallsInFlight: 3 });
    const a = client(server.url);
    const held = [0, 1, 2].map((i) => a.engine.run(run(`d${i}`)));
    await eventually(() => engine.waiting === 3, 5000, 'three runs in the engine');
    const refused = await failure(a.engine.run(run('d3')));
    expect(refused).toMatchObject({ code: 'busy' });
    expect(refused.message).toMatch(/3 calls/);
    const b = client(server.url);
    await expect(b.engine.cancel('d')).resolves.toBeUndefined();
    engine.release();
    await Promise.all(held);
    await expect(a.engine.cancel('d')).resolves.toBeUndefined();
  });

  it('stops reading from clients while the calls in flight hold more than maxInFlightBytes, and resumes after', async () => {
    const engine = new GatedEngine();
    const server = await serve(engine, { maxInFlightBytes: 64 * 1024 });
    const a = client(server.url);
    const big = { ...run('big'), inputs: { kind: 'tensor' as const, shape: [1, 128, 256], data: new Float32Array(128 * 256) } }; // 128 KiB
    const first = a.engine.run(big);
    await eventually(() => engine.waiting === 1, 5000, 'the big run in the engine');
    const next = a.engine.fetchTensor('d', 'flat');
    await new Promise((r) => setTimeout(r, 300));
    expect(engine.calls.filter((c) => c.method === 'fetchTensor')).toEqual([]); // not read yet
    engine.release();
    await first;
    await expect(next).resolves.toMatchObject({ shape: [2] });
  });

  it('however many clients send large frames at once, serves them a budget at a time instead of holding them all', async () => {
    const engine = new GatedEngine();
    const server = await serve(engine, { maxInFlightBytes: 150 * 1024 });
    const big = (i: number) => ({ ...run(`big${i}`), inputs: { kind: 'tensor' as const, shape: [1, 128, 200], data: new Float32Array(128 * 200) } }); // 100 KiB
    const senders = [0, 1, 2, 3, 4, 5].map(() => client(server.url));
    await Promise.all(senders.map((c) => c.engine.cancel('warm')));
    const runs = senders.map((c, i) => c.engine.run(big(i)));
    await eventually(() => engine.waiting >= 1, 5000, 'a run in the engine');
    await new Promise((r) => setTimeout(r, 300));
    expect(engine.waiting).toBe(1); // over 150 KiB with the second frame: the others wait until the first is answered
    while (engine.waiting > 0) {
      engine.release();
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(runs);
  });

  it('ReadBudget: over budget, reading waits for the calls being served, or only the connection furthest into a frame reads on; all read again under it', () => {
    const log: string[] = [];
    const conn = (name: string) => ({ pause: () => log.push(`pause ${name}`), resume: () => log.push(`resume ${name}`) });
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    const budget = new ReadBudget(100);
    [a, b, c].forEach((x) => budget.add(x));
    budget.received(a, 40);
    budget.received(b, 50);
    expect(log).toEqual([]);
    budget.received(c, 20); // 110 > 100: b leads
    expect(log).toEqual(['pause a', 'pause c']);
    budget.received(b, 30);
    budget.completed(b, 80); // b's message is whole and being served: everyone waits for it
    expect(log.slice(2)).toEqual(['pause b']);
    budget.release(80); // answered: 60 held, under the budget
    expect(log.slice(3)).toEqual(['resume a', 'resume b', 'resume c']);
    budget.received(c, 50); // 110 again, nothing served: c is furthest into its frame
    expect(log.slice(6)).toEqual(['pause a', 'pause b']);
    budget.completed(c, 70);
    budget.release(70);
    expect([a, b, c].some((x) => budget.isPaused(x))).toBe(false);
    expect(budget.bytes).toBe(40);
    budget.remove(a);
    expect(budget.bytes).toBe(0);
  });

  it('refuses a 100 000-node document without decoding it (no long stall of the server thread); a 5 000-node one is served', async () => {
    const server = await serve(new FakeEngine(), {});
    const huge = encodeMessage({ kind: 'call', id: 1, name: 'engine.run', args: [run('d', chain(100_000))] });
    const ws = await rawSocket(server);
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    const reply = new Promise<{ reply: { ok: boolean; error?: { code: string; message: string } } }>((r) => ws.once('message', (d) => r(decodeMessage(d as Buffer) as never)));
    ws.send(huge);
    const { reply: got } = await reply;
    clearInterval(ticker);
    ws.close();
    expect(got.ok).toBe(false);
    expect(got.error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/desktop app|command line/) });
    expect(longest).toBeLessThan(250); // decoding and validating it took ~0.6 s of this thread before
    const a = client(server.url);
    await expect(a.engine.run(run('d', chain(5_000)))).resolves.toMatchObject({ docId: 'd' });
  }, 30_000);
});

/** Input → n−1 ReLUs in a chain. */
function chain(n: number): ModelDocument {
  const nodes: ModelDocument['nodes'] = [{ id: 'in', type: 'Input', params: { channels: 1, height: 4, width: 4 }, position: { x: 0, y: 0 } }];
  const edges: ModelDocument['edges'] = [];
  for (let i = 1; i < n; i++) {
    nodes.push({ id: `n${i}`, type: 'Activation', params: { fn: 'relu' }, position: { x: i, y: 0 } });
    edges.push({ id: `e${i}`, source: i === 1 ? 'in' : `n${i - 1}`, target: `n${i}` });
  }
  return { format: 'cnn-studio.model', version: 1, name: 'chain', nodes, edges };
}
