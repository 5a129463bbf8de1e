import { describe, expect, it } from 'vitest';
import { createBrowserFiles, RECOVERY_DEBOUNCE_MS } from './browser-files';
import { serializeDocument } from '../../../engine/src/core/document/load';
import { tinyDocument } from '../../../main/testing/fakes';
import { HostError, MAX_OPEN_BYTES } from '../../../main/contract';

const MODEL = serializeDocument(tinyDocument());

/** A file handle as Chromium's File System Access API gives it, backed by memory. */
function handle(name: string, text: string, opts: { failWrite?: boolean } = {}) {
  const h = {
    name,
    text,
    writes: 0,
    async getFile() {
      return new File([h.text], name, { type: 'application/json' });
    },
    async createWritable() {
      let pending = '';
      return {
        async write(data: Blob | string) {
          if (opts.failWrite) throw new DOMException('The disk is full', 'QuotaExceededError');
          pending += typeof data === 'string' ? data : await data.text();
        },
        async close() {
          h.text = pending; // committed only on close, like Chromium's swap file
          h.writes++;
        },
      };
    },
  };
  return h;
}

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

function manualTimer() {
  const q: { fn: () => void; ms: number; live: boolean }[] = [];
  return {
    q,
    schedule: (fn: () => void, ms: number) => {
      const t = { fn, ms, live: true };
      q.push(t);
      return () => void (t.live = false);
    },
    fire: () => q.splice(0).forEach((t) => t.live && t.fn()),
  };
}

const abort = () => Promise.reject(new DOMException('The user aborted a request.', 'AbortError'));

describe('browser-mode files', () => {
  it('opens with the file picker, then saves back to the same file', async () => {
    const h = handle('lenet.cnn.json', MODEL);
    const files = createBrowserFiles({ window: { showOpenFilePicker: async () => [h] } as never, storage: memoryStorage(), schedule: manualTimer().schedule });
    expect(await files.open()).toEqual({ path: 'lenet.cnn.json', text: MODEL });
    expect(await files.recent()).toEqual(['lenet.cnn.json']);
    const edited = serializeDocument({ ...tinyDocument(), name: 'edited' });
    expect(await files.save(edited, 'lenet.cnn.json')).toEqual({ path: 'lenet.cnn.json' });
    expect(h.text).toBe(edited);
    expect(await files.open('lenet.cnn.json')).toEqual({ path: 'lenet.cnn.json', text: edited });
  });

  it('without a save picker, Save and Export download a new file and say so (the editor tells the user where it went)', async () => {
    const clicked: string[] = [];
    const anchor = () => ({ href: '', download: '', rel: '', click() { clicked.push(this.download); }, remove() {} });
    const win = { document: { createElement: anchor, body: { appendChild: () => undefined } } };
    const files = createBrowserFiles({ window: win as never, storage: memoryStorage(), schedule: manualTimer().schedule });
    expect(await files.save(MODEL, undefined, 'tiny.cnn.json')).toEqual({ path: 'tiny.cnn.json', downloaded: true });
    expect(await files.exportBinary(new Uint8Array([1, 2]), 'tiny.json', [])).toEqual({ path: 'tiny.json', downloaded: true });
    expect(clicked).toEqual(['tiny.cnn.json', 'tiny.json']);
  });

  it('opens a binary file (ONNX import) through the picker with the given filters, or null when cancelled', async () => {
    const asked: unknown[] = [];
    const onnx = { name: 'net.onnx', getFile: async () => new File([Uint8Array.of(8, 7, 0, 255)], 'net.onnx'), createWritable: async () => { throw new Error('read only'); } };
    const files = createBrowserFiles({ window: { showOpenFilePicker: async (o: unknown) => (asked.push(o), [onnx]) } as never, storage: memoryStorage() });
    const r = await files.openBinary!([{ name: 'ONNX model', extensions: ['onnx'] }]);
    expect(r?.path).toBe('net.onnx');
    expect([...r!.bytes]).toEqual([8, 7, 0, 255]);
    expect(asked).toEqual([{ types: [{ description: 'ONNX model', accept: { 'application/octet-stream': ['.onnx'] } }], multiple: false }]);
    const cancelled = createBrowserFiles({ window: { showOpenFilePicker: abort } as never, storage: memoryStorage() });
    expect(await cancelled.openBinary!([{ name: 'ONNX model', extensions: ['onnx'] }])).toBeNull();
  });

  it('refuses a binary file over the size cap before reading it', async () => {
    const big = { name: 'huge.onnx', size: MAX_OPEN_BYTES + 1, arrayBuffer: async () => { throw new Error('must not be read'); } };
    const files = createBrowserFiles({ window: { showOpenFilePicker: async () => [{ name: 'huge.onnx', getFile: async () => big }] } as never, storage: memoryStorage() });
    const err = (await files.openBinary!([{ name: 'ONNX model', extensions: ['onnx'] }]).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('too-large');
    expect(err.message).toBe('huge.onnx is 512 MB; CNN Studio opens model files up to 512 MB.');
  });

  it('writes a waiting recovery snapshot at once when the page is left', async () => {
    const storage = memoryStorage();
    const timer = manualTimer();
    const listeners = new Map<string, () => void>();
    const win = { addEventListener: (t: string, f: () => void) => void listeners.set(t, f) };
    const files = createBrowserFiles({ window: win as never, storage, schedule: timer.schedule });
    await files.writeRecovery(MODEL);
    expect(storage.m.size).toBe(0);
    listeners.get('pagehide')!();
    expect((await files.readRecovery())?.text).toBe(MODEL);
    expect(timer.q.filter((t) => t.live)).toEqual([]); // the debounce timer was cancelled: written once
    await files.clearRecovery();
    listeners.get('pagehide')!();
    expect(await files.readRecovery()).toBeNull();
  });

  it('returns null when the user cancels a picker', async () => {
    const files = createBrowserFiles({ window: { showOpenFilePicker: abort, showSaveFilePicker: abort } as never, storage: memoryStorage() });
    expect(await files.open()).toBeNull();
    expect(await files.save(MODEL)).toBeNull();
  });

  it('explains a file that is not a model, and never names paths it was not given', async () => {
    const files = createBrowserFiles({ window: { showOpenFilePicker: async () => [handle('notes.json', '{"a":1}')] } as never, storage: memoryStorage() });
    const err = (await files.open().catch((e: unknown) => e)) as HostError;
    expect(err).toBeInstanceOf(HostError);
    expect(err.code).toBe('not-a-model');
    expect(err.message).toMatch(/^notes\.json is not a CNN Studio model\./);
    expect(await files.open('/etc/passwd').catch((e: HostError) => e.code)).toBe('path-not-allowed');
  });

  it('a failed write is reported and leaves the file as it was', async () => {
    const h = handle('m.cnn.json', MODEL, { failWrite: true });
    const files = createBrowserFiles({ window: { showSaveFilePicker: async () => h } as never, storage: memoryStorage() });
    const err = (await files.save(serializeDocument({ ...tinyDocument(), name: 'x' })).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('write-failed');
    expect(err.message).toMatch(/The original file is unchanged/);
    expect(h.text).toBe(MODEL);
  });

  it('debounces recovery snapshots into localStorage, and clears them', async () => {
    const storage = memoryStorage();
    const timer = manualTimer();
    const files = createBrowserFiles({ window: {} as never, storage, schedule: timer.schedule });
    await files.writeRecovery('one');
    await files.writeRecovery(MODEL);
    expect(storage.m.size).toBe(0);
    expect(timer.q.at(-1)!.ms).toBe(RECOVERY_DEBOUNCE_MS);
    timer.fire();
    expect((await files.readRecovery())?.text).toBe(MODEL);
    await files.writeRecovery('later');
    await files.clearRecovery();
    timer.fire();
    expect(await files.readRecovery()).toBeNull();
  });
});
