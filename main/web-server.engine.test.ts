/**
 * Browser mode with the real engine: the renderer's WebSocket client → web server → router →
 * EngineHost → worker thread (reference backend) and back, typed arrays included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { EngineHost } from '../engine/src/runtime/engine-host';
import { startWebServer, type WebServer } from './web-server';
import { createWsEngine, createWsTransport, type WebSocketLike } from '../renderer/src/host/ws-client';
import { tinyDocument } from './testing/fakes';
import { socketUrlOf } from './testing/web-clients';

let dir: string;
let server: WebServer;
let engine: EngineHost;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-web-engine-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
  engine = new EngineHost({ backend: 'reference' });
  await engine.start();
  server = await startWebServer({ port: 0, rendererDir: dir, engine });
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('browser mode with the real EngineHost', () => {
  it('runs a document over the WebSocket and returns tensors as Float32Array', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    const transport = createWsTransport(socketUrlOf(server.url), (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike);
    const client = createWsEngine(transport);
    const data = Float32Array.from({ length: 16 }, (_, i) => i - 8);
    const result = await client.run({ docId: 'doc', document: tinyDocument(), inputs: { kind: 'tensor', shape: [1, 4, 4], data }, tensors: 'all' });
    expect(result.docId).toBe('doc');
    expect(result.nodes.flat?.shape).toEqual([16]);
    const out = result.tensors.flat!;
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.data)).toEqual(Array.from(data)); // Flatten is the identity on values
    expect(result.nodes.flat!.stats.min).toBe(-8);
    const exported = await client.exportOnnx(tinyDocument());
    expect(exported).toBeInstanceOf(Uint8Array);
    expect(exported.length).toBeGreaterThan(10);
    transport.close();
  });
});
