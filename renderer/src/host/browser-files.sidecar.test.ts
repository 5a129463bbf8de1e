/** Browser mode and weights sidecars: picked with the model, handed to the server once, saved with it. */
import { describe, expect, it } from 'vitest';
import { createBrowserFiles } from './browser-files';
import { serializeDocument } from '../../../engine/src/core/document/load';
import { lenetSidecarPair } from '../../../engine/src/runtime/testing/sidecar-docs';

const pair = lenetSidecarPair('lenet.weights.bin');
const MODEL = serializeDocument(pair.withSidecar);

/** A File System Access handle backed by memory (bytes or text). */
function handle(name: string, data: Uint8Array | string) {
  const h = {
    name,
    data: data as Uint8Array | string,
    writes: 0,
    async getFile() {
      return new File([h.data as BlobPart], name);
    },
    async createWritable() {
      const parts: (Blob | BufferSource | string)[] = [];
      return {
        async write(d: Blob | BufferSource | string) {
          parts.push(d);
        },
        async close() {
          const blob = new Blob(parts as BlobPart[]);
          h.data = typeof parts[0] === 'string' ? await blob.text() : new Uint8Array(await blob.arrayBuffer());
          h.writes++;
        },
      };
    },
  };
  return h;
}

/** The host's weights calls, recording what crossed to the server. */
function fakeWeights() {
  const held = new Map<string, Uint8Array>();
  const log: string[] = [];
  return {
    held,
    log,
    async attach(bytes: Uint8Array, file: string) {
      const token = `tok-${held.size + 1}`;
      held.set(token, bytes);
      log.push(`attach ${file} ${bytes.byteLength}`);
      return { token, file, byteLength: bytes.byteLength };
    },
    async read(token: string) {
      log.push(`read ${token}`);
      return held.get(token)!;
    },
  };
}

const storage = () => ({ getItem: () => null, setItem: () => undefined, removeItem: () => undefined });

describe('browser-mode files with a weights sidecar', () => {
  it('Open with the model and its weights file picked together hands the sidecar to the host once; saving back leaves it', async () => {
    const json = handle('lenet.cnn.json', MODEL);
    const bin = handle('lenet.weights.bin', pair.sidecar);
    const weights = fakeWeights();
    const asked: unknown[] = [];
    const files = createBrowserFiles({ window: { showOpenFilePicker: async (o: unknown) => (asked.push(o), [bin, json]) } as never, storage: storage(), weights });
    const opened = await files.open();
    expect(asked).toEqual([{ types: [expect.objectContaining({ accept: { 'application/json': ['.json'], 'application/octet-stream': ['.bin'] } })], multiple: true }]);
    expect(opened).toEqual({ path: 'lenet.cnn.json', text: MODEL, weights: { state: 'loaded', token: 'tok-1', file: 'lenet.weights.bin', byteLength: pair.sidecar.byteLength } });
    expect(Buffer.from(weights.held.get('tok-1')!).equals(Buffer.from(pair.sidecar))).toBe(true);

    expect(await files.save(MODEL, 'lenet.cnn.json', undefined, 'tok-1')).toEqual({ path: 'lenet.cnn.json' });
    expect(bin.writes).toBe(0);
    expect(weights.log).toEqual([`attach lenet.weights.bin ${pair.sidecar.byteLength}`]); // never read back

    // Reopening through the recent list reads the weights file picked with it again.
    expect((await files.open('lenet.cnn.json'))?.weights).toMatchObject({ state: 'loaded', token: 'tok-2' });
  });

  it('a model opened without its weights file, or with a short one, opens with a message saying what to do', async () => {
    const weights = fakeWeights();
    let files = createBrowserFiles({ window: { showOpenFilePicker: async () => [handle('lenet.cnn.json', MODEL)] } as never, storage: storage(), weights });
    expect((await files.open())?.weights).toEqual({
      state: 'missing',
      file: 'lenet.weights.bin',
      message: 'lenet.weights.bin was not opened with lenet.cnn.json. The browser can only read files you pick: choose Open again and select lenet.cnn.json and lenet.weights.bin together.',
    });
    files = createBrowserFiles({ window: { showOpenFilePicker: async () => [handle('lenet.cnn.json', MODEL), handle('lenet.weights.bin', pair.sidecar.slice(0, 1000))] } as never, storage: storage(), weights });
    expect((await files.open())?.weights).toMatchObject({ state: 'missing', message: expect.stringMatching(/^lenet\.weights\.bin is 1000 bytes but the model needs 240\.9 KiB/) });
    expect(weights.log).toEqual([]); // nothing went to the server
  });

  it('saving an imported model (weights held only by the host) saves its weights file too', async () => {
    const weights = fakeWeights();
    const { token } = await weights.attach(pair.sidecar, 'lenet.weights.bin');
    const targets = [handle('imported.cnn.json', ''), handle('lenet.weights.bin', new Uint8Array())];
    const suggested: unknown[] = [];
    const files = createBrowserFiles({ window: { showSaveFilePicker: async (o: { suggestedName?: string }) => (suggested.push(o.suggestedName), targets.shift()!) } as never, storage: storage(), weights });
    const jsonTarget = targets[0]!;
    const binTarget = targets[1]!;
    expect(await files.save(MODEL, undefined, 'imported.cnn.json', token)).toEqual({ path: 'imported.cnn.json' });
    expect(suggested).toEqual(['imported.cnn.json', 'lenet.weights.bin']);
    expect(jsonTarget.data).toBe(MODEL);
    expect(Buffer.from(binTarget.data as Uint8Array).equals(Buffer.from(pair.sidecar))).toBe(true);
    // Saved again to the same model: the weights file is already beside it.
    expect(await files.save(MODEL, 'imported.cnn.json', undefined, token)).toEqual({ path: 'imported.cnn.json' });
    expect(binTarget.writes).toBe(1);
  });

  it('saving a model whose weights were never loaded warns that they are not with it', async () => {
    const files = createBrowserFiles({ window: { showSaveFilePicker: async () => handle('x.cnn.json', '') } as never, storage: storage(), weights: fakeWeights() });
    expect(await files.save(MODEL)).toEqual({ path: 'x.cnn.json', warning: 'x.cnn.json was saved without its weights: lenet.weights.bin was not loaded. Keep lenet.weights.bin next to it.' });
  });
});
