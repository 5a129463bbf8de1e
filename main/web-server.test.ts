import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startWebServer, resolveInside, type WebServer } from './web-server';
import { cspWeaknesses } from './csp';
import { encodeMessage, decodeMessage } from './wire';
import { FakeEngine, tinyDocument } from './testing/fakes';
import { createWsEngine, createWsTransport, type WebSocketLike } from '../renderer/src/host/ws-client';
import { HostError } from './contract';
import { socketUrlOf } from './testing/web-clients';

let dir: string;
let server: WebServer;
const engine = new FakeEngine();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-web-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>CNN Studio</title>');
  await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(path.dirname(dir), `secret-${path.basename(dir)}.txt`), 'secret');
  server = await startWebServer({ port: 0, rendererDir: dir, engine });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(path.join(path.dirname(dir), `secret-${path.basename(dir)}.txt`), { force: true });
});

function get(urlPath: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: urlPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const openSocket = (origin: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(socketUrlOf(server.url), { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });

describe('browser-mode web server', () => {
  it('listens on 127.0.0.1 and reports its URL (with the launch token)', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{43}$`));
  });

  it('serves index.html with a strict CSP header', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('CNN Studio');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(cspWeaknesses(csp)).toEqual([]);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder', async () => {
    const name = `secret-${path.basename(dir)}.txt`;
    for (const p of [`/../${name}`, `/%2e%2e/${name}`, `/assets/..%2f..%2f${name}`, '/%00']) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.body).not.toContain('secret');
    }
    expect(resolveInside('/srv/app', '/../etc/passwd')).toBeNull();
    expect(resolveInside('/srv/app', '/a/b.js')).toBe(path.resolve('/srv/app/a/b.js'));
  });

  it('refuses requests for another Host (DNS rebinding)', async () => {
    expect((await get('/', { Host: 'evil.example:80' })).status).toBe(421);
  });

  it('refuses WebSocket connections from another origin', async () => {
    await expect(openSocket('http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(openSocket(`http://127.0.0.1:${server.port + 1}`)).rejects.toThrow('HTTP 403');
    const ok = await openSocket(`http://127.0.0.1:${server.port}`);
    ok.close();
  });

  it('round-trips a call through the codec, typed arrays included', async () => {
    const ws = await openSocket(`http://127.0.0.1:${server.port}`);
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(decodeMessage(data as Buffer))));
    ws.send(encodeMessage({ kind: 'call', id: 5, name: 'engine.fetchTensor', args: ['d1', 'flat'] }));
    expect(await reply).toEqual({ kind: 'reply', id: 5, reply: { ok: true, value: { shape: [2], data: Float32Array.of(1, 2) } } });
    ws.close();
  });

  it('serves the renderer host client end to end: run, typed errors, events', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    const transport = createWsTransport(socketUrlOf(server.url), (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike);
    const client = createWsEngine(transport);
    const result = await client.run({ docId: 'd1', document: tinyDocument(), inputs: { kind: 'tensor', shape: [1, 4, 4], data: new Float32Array(16).fill(3) } });
    expect(result.tensors.flat!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(result.tensors.flat!.data)).toEqual(new Array(16).fill(6));
    expect(result.nodes.flat!.preview!.data).toEqual(Uint8Array.of(0, 128, 255));

    const err = await client.importOnnx(new Uint8Array(0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(err).toMatchObject({ code: 'bad-input', message: 'Empty ONNX file.' });
    const invalid = await client.cancel('').catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'invalid-payload' });

    const events: unknown[] = [];
    const seen = new Promise<void>((resolve) => client.onEvent((e) => (events.push(e), resolve())));
    await client.cancel('d1'); // the socket is open once a call has completed
    engine.emit({ type: 'worker-restarted', reason: 'test' });
    await seen;
    expect(events).toEqual([{ type: 'worker-restarted', reason: 'test' }]);
    transport.close();
  });

  it('rejects calls in flight with connection-lost when the server goes away', async () => {
    let reached!: () => void;
    const runReached = new Promise<void>((r) => (reached = r));
    const hanging = { run: () => (reached(), new Promise(() => undefined)), onEvent: () => () => undefined };
    const other = await startWebServer({ port: 0, rendererDir: dir, engine: hanging as never });
    const transport = createWsTransport(socketUrlOf(other.url), (url) => new WebSocket(url, { origin: `http://127.0.0.1:${other.port}` }) as unknown as WebSocketLike);
    const pending = transport.call('engine.run', { docId: 'd', document: tinyDocument(), inputs: { kind: 'tensor', shape: [1], data: Float32Array.of(1) } });
    await runReached; // the call is in flight on the server
    await other.close();
    await expect(pending).rejects.toMatchObject({ code: 'connection-lost' });
  });
});
