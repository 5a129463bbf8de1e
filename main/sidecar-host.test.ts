/**
 * The desktop host path for sidecar documents, end to end under Node: the router, the file service
 * and a real EngineHost sharing one WeightsStore (as main.ts wires them). The renderer's side is
 * played by router calls: it only ever sees the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRouter } from './router';
import { FileService } from './file-service';
import { EngineHost } from '../engine/src/runtime/engine-host';
import { serializeDocument } from '../engine/src/core/document/load';
import { lenetSidecarPair } from '../engine/src/runtime/testing/sidecar-docs';
import type { RunResult, SidecarState } from '../engine/src/core/api';
import type { ModelDocument } from '../engine/src/core/document/schema';

const pair = lenetSidecarPair('lenet.weights.bin');

describe('desktop host: a sidecar document through the router', () => {
  let dir: string;
  const picks: string[] = [];
  const engine = new EngineHost({ backend: 'reference', isolation: 'thread' });
  let files: FileService;
  let router: ReturnType<typeof createRouter<string>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cnn-sidecar-host-'));
    await mkdir(path.join(dir, 'a'));
    await mkdir(path.join(dir, 'b'));
    await writeFile(path.join(dir, 'a', 'lenet.cnn.json'), serializeDocument(pair.withSidecar));
    await writeFile(path.join(dir, 'a', 'lenet.weights.bin'), pair.sidecar);
    files = new FileService({ dataDir: path.join(dir, 'data'), dialogs: { showOpen: async () => picks.shift() ?? null, showSave: async () => picks.shift() ?? null }, weights: engine.weights });
    router = createRouter<string>({ engine, files, senderIsTrusted: (s) => s === 'main' });
    await engine.start();
  });
  afterAll(async () => {
    await engine.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async <T>(name: string, ...args: unknown[]): Promise<T> => {
    const reply = await router.handle(name, args, 'main');
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error);
    return reply.value as T;
  };

  it('open → run (by token) → save elsewhere → reopen from there: the outputs of the inline model all along', async () => {
    const inline = await call<RunResult>('engine.run', { docId: 'inline', document: pair.inline, inputs: pair.input, previews: false });
    const expected = Array.from(Object.values(inline.tensors)[0]!.data);

    picks.push(path.join(dir, 'a', 'lenet.cnn.json'));
    const opened = await call<{ text: string; weights: SidecarState }>('files.open');
    expect(opened.weights.state).toBe('loaded');
    expect(JSON.stringify(opened)).not.toContain(path.join(dir, 'a', 'lenet.weights.bin')); // no sidecar path, no bytes
    const token = (opened.weights as { token: string }).token;
    const run = await call<RunResult>('engine.run', { docId: 'd', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: token });
    expect(Array.from(Object.values(run.tensors)[0]!.data)).toEqual(expected);

    picks.push(path.join(dir, 'b', 'copy.cnn.json'));
    await call('files.save', opened.text, undefined, 'copy.cnn.json', token);
    expect((await readFile(path.join(dir, 'b', 'lenet.weights.bin'))).equals(Buffer.from(pair.sidecar))).toBe(true);
    await call('engine.releaseWeights', token);
    expect(engine.weights.size).toBe(0);

    const again = await call<{ weights: SidecarState }>('files.open', path.join(dir, 'b', 'copy.cnn.json')); // in the recent list now
    const token2 = (again.weights as { token: string }).token;
    const rerun = await call<RunResult>('engine.run', { docId: 'd', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: token2 });
    expect(Array.from(Object.values(rerun.tensors)[0]!.data)).toEqual(expected);
  });

  it('Export JSON: engine.inlineWeights (by token) gives the inline document; after release it says the weights are no longer held', async () => {
    picks.push(path.join(dir, 'a', 'lenet.cnn.json'));
    const opened = await call<{ text: string; weights: SidecarState }>('files.open');
    const token = (opened.weights as { token: string }).token;
    const inlined = await call<ModelDocument>('engine.inlineWeights', JSON.parse(opened.text), token);
    expect(inlined).toEqual(pair.inline);
    await call('engine.releaseWeights', token);
    await expect(call('engine.inlineWeights', JSON.parse(opened.text), token)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringMatching(/no longer held/) });
  });

  it('the renderer cannot make the host read a path it names as weights', async () => {
    const reply = await router.handle('engine.run', [{ docId: 'x', document: pair.withSidecar, inputs: pair.input, weightsToken: path.join(dir, 'a', 'lenet.weights.bin') }], 'main');
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
