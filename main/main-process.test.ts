/**
 * The bundled main process (main.ts via esbuild, exactly as shipped) run under plain Node with a
 * stand-in `electron` module: startup wiring, IPC through the router to the real EngineHost and
 * worker, window title, close confirmation, second launch with a file, quit stopping the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import Module, { createRequire } from 'node:module';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFakeElectron, type FakeElectron } from './testing/fake-electron';
import { CALL_NAMES, IPC_APP_COMMAND, ipcChannel } from './channels';
import { serializeDocument } from '../engine/src/core/document/load';
import { tinyDocument } from './testing/fakes';
import { lenetSidecarPair } from '../engine/src/runtime/testing/sidecar-docs';

const ROOT = path.resolve(__dirname, '..');
// Inside the repo so the bundle resolves onnxruntime-node from node_modules like the real app.
const outDir = path.join(ROOT, 'dist', `.main-process-test-${process.pid}`);
let userData: string;
let fake: FakeElectron;
const originalLoad = (Module as unknown as { _load: Function })._load;
const mainFrameEvent = () => ({ senderFrame: fake.windows[0]!.webContents.mainFrame });
/** A contract call through the IPC handler main.ts registered, from the editor's frame. */
const call = (name: Parameters<typeof ipcChannel>[0], args: unknown[]) => fake.ipcHandlers.get(ipcChannel(name))!(mainFrameEvent(), args) as Promise<{ ok: boolean; value?: any; error?: unknown }>;

beforeAll(async () => {
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', logLevel: 'error' as const, define: { 'import.meta.url': '__importMetaUrl' }, banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' } };
  await build({ ...common, entryPoints: [path.join(ROOT, 'main/main.ts')], outfile: path.join(outDir, 'main', 'main.cjs'), external: ['electron', 'onnxruntime-node'] });
  await build({ ...common, entryPoints: [path.join(ROOT, 'engine/src/runtime/worker.ts')], outfile: path.join(outDir, 'engine', 'worker.cjs'), external: ['onnxruntime-node'] });
  userData = await mkdtemp(path.join(tmpdir(), 'cnn-userdata-'));
  fake = createFakeElectron(userData);
  (Module as unknown as { _load: Function })._load = function (request: string, ...rest: unknown[]) {
    if (request === 'electron') return fake.module;
    return originalLoad.call(this, request, ...rest);
  };
  createRequire(import.meta.url)(path.join(outDir, 'main', 'main.cjs'));
  fake.app.ready();
  await fake.app.readyPromise;
  await new Promise((r) => setImmediate(r));
}, 60_000);

afterAll(async () => {
  (Module as unknown as { _load: Function })._load = originalLoad;
  // quit: the main process stops the engine worker
  const quit = { preventDefault: () => undefined };
  fake?.app.emit('will-quit', quit);
  for (let i = 0; i < 10_000 && fake && fake.app.quitCalls === 0; i++) await new Promise((r) => setImmediate(r)); // engine.stop() then app.quit()
  await rm(outDir, { recursive: true, force: true });
  await rm(userData, { recursive: true, force: true });
});

describe('main process wiring (bundled main.ts, stand-in electron)', () => {
  it('registers app:// as privileged before ready and serves the renderer through it', async () => {
    expect(fake.privileged).toEqual([expect.objectContaining({ scheme: 'app' })]);
    const handler = fake.protocolHandlers.get('app')!;
    expect(handler).toBeDefined();
    // The test bundle lives in dist/.main-process-test-*/main, so its renderer folder does not exist: 404, not a crash.
    expect((await handler({ url: 'app://cnn-studio/index.html', method: 'GET' })).status).toBe(404);
  });

  it('creates one hardened window loading app:// and a menu', () => {
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.loaded).toEqual(['app://cnn-studio/index.html']);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(win.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(fake.menus.length).toBeGreaterThan(0);
  });

  it('registers an IPC handler for every contract call', () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(CALL_NAMES.map(ipcChannel).sort());
  });

  it('runs a model through IPC → router → EngineHost → worker', async () => {
    const run = fake.ipcHandlers.get(ipcChannel('engine.run'))!;
    const data = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    const reply = (await run(mainFrameEvent(), [{ docId: 'd', document: tinyDocument(), inputs: { kind: 'tensor', shape: [1, 4, 4], data }, tensors: 'all' }])) as {
      ok: boolean;
      value: { tensors: Record<string, { data: Float32Array }> };
    };
    expect(reply.ok).toBe(true);
    expect(Array.from(reply.value.tensors.flat!.data)).toEqual(Array.from(data));
    // …in a utility process (an onnxruntime crash there cannot take the main process down).
    expect(fake.utilityForks).toEqual([path.join(outDir, 'engine', 'worker.cjs')]);
  }, 60_000);

  it('Save As through IPC writes the sidecar weights the editor names by token, beside the chosen file (issue 22, item 4)', async () => {
    const bytes = new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer);
    const attached = await call('engine.attachWeights', [bytes, 'tiny.weights.bin']);
    expect(attached.ok, JSON.stringify(attached.error)).toBe(true);
    const doc = { ...tinyDocument(), weightsFile: 'tiny.weights.bin' };
    const target = path.join(userData, 'saved-as', 'tiny.cnn.json');
    await mkdir(path.dirname(target), { recursive: true });
    fake.saveDialogAnswer = target;
    try {
      const saved = await call('files.save', [serializeDocument(doc), undefined, 'tiny.cnn.json', attached.value.token]);
      expect(saved).toMatchObject({ ok: true, value: { path: target } });
      expect(saved.value.warning).toBeUndefined();
      expect(new Uint8Array(await readFile(path.join(path.dirname(target), 'tiny.weights.bin')))).toEqual(bytes);
    } finally {
      fake.saveDialogAnswer = undefined;
    }
  });

  it('Save through IPC: a model opened with its sidecar is saved in place, its weights file untouched and still the one the engine runs on; Save As elsewhere copies it (issue 22, item 4)', async () => {
    const pair = lenetSidecarPair('lenet.weights.bin');
    const folder = path.join(userData, 'opened');
    await mkdir(folder, { recursive: true });
    const json = path.join(folder, 'lenet.cnn.json');
    const sidecar = path.join(folder, 'lenet.weights.bin');
    await writeFile(json, serializeDocument(pair.withSidecar));
    await writeFile(sidecar, pair.sidecar);
    const sidecarBefore = await stat(sidecar);
    fake.openDialogAnswer = json;
    const opened = await call('files.open', []).finally(() => (fake.openDialogAnswer = undefined));
    expect(opened.ok, JSON.stringify(opened.error)).toBe(true);
    expect(opened.value.weights).toMatchObject({ state: 'loaded', file: 'lenet.weights.bin', byteLength: pair.sidecar.byteLength });
    const token = opened.value.weights.token as string;

    const edited = serializeDocument({ ...pair.withSidecar, name: 'lenet, edited' });
    const saved = await call('files.save', [edited, json, undefined, token]);
    expect(saved).toMatchObject({ ok: true, value: { path: json } });
    expect(saved.value.warning).toBeUndefined();
    expect(await readFile(json, 'utf8')).toBe(edited);
    expect((await readFile(sidecar)).equals(Buffer.from(pair.sidecar))).toBe(true);
    expect((await stat(sidecar)).mtimeMs).toBe(sidecarBefore.mtimeMs);

    // The engine runs the saved document on the held sidecar as on the same weights inline. (Float32
    // rounding only: the second run may reuse the first one's session with the weights fed as inputs,
    // or run at another optimisation level — wrong weights would differ in the first digit.)
    const run = (document: unknown, weightsToken?: string) => call('engine.run', [{ docId: 'lenet', document, inputs: pair.input, tensors: 'outputs', ...(weightsToken ? { weightsToken } : {}) }]);
    const onSidecar = await run({ ...pair.withSidecar, name: 'lenet, edited' }, token);
    const inline = await run(pair.inline);
    expect(onSidecar.ok, JSON.stringify(onSidecar.error)).toBe(true);
    const got = Object.values(onSidecar.value.tensors).flatMap((t: any) => Array.from(t.data as Float32Array));
    const want = Object.values(inline.value.tensors).flatMap((t: any) => Array.from(t.data as Float32Array));
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i]), `output ${i}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i]))));

    const elsewhere = path.join(userData, 'opened-copy', 'lenet.cnn.json');
    await mkdir(path.dirname(elsewhere), { recursive: true });
    fake.saveDialogAnswer = elsewhere;
    const savedAs = await call('files.save', [edited, undefined, 'lenet.cnn.json', token]).finally(() => (fake.saveDialogAnswer = undefined));
    expect(savedAs).toMatchObject({ ok: true, value: { path: elsewhere } });
    expect(savedAs.value.warning).toBeUndefined();
    expect((await readFile(path.join(path.dirname(elsewhere), 'lenet.weights.bin'))).equals(Buffer.from(pair.sidecar))).toBe(true);
  }, 60_000);

  it('recovery through IPC keeps the sidecar’s name; the recovered model saved beside its weights keeps them, saved elsewhere says it is without them; a save clears the snapshot (issue 22, items 4 and 9)', async () => {
    const pair = lenetSidecarPair('lenet.weights.bin');
    const folder = path.join(userData, 'opened'); // where the previous test left lenet.weights.bin
    const unsaved = serializeDocument({ ...pair.withSidecar, name: 'lenet, unsaved' });
    const snapshot = async () => {
      for (let waited = 0; waited < 10_000; waited += 100) {
        const r = await call('files.readRecovery', []);
        if (r.value) return r.value as { text: string; savedAt: number };
        await new Promise((res) => setTimeout(res, 100)); // the snapshot is written a second after the last edit
      }
      throw new Error('no recovery snapshot');
    };

    expect((await call('files.writeRecovery', [unsaved])).ok).toBe(true);
    expect((await snapshot()).text).toBe(unsaved);
    expect((await stat(path.join(userData, 'recovery.cnn-recovery.json'))).mode & 0o777).toBe(0o600);
    // A recovered document holds no weights token (the session that held them is gone): saved next to
    // its weights file it keeps them, with no warning; the save clears the snapshot.
    fake.saveDialogAnswer = path.join(folder, 'recovered.cnn.json');
    const beside = await call('files.save', [unsaved, undefined, 'recovered.cnn.json']).finally(() => (fake.saveDialogAnswer = undefined));
    expect(beside).toMatchObject({ ok: true, value: { path: path.join(folder, 'recovered.cnn.json') } });
    expect(beside.value.warning).toBeUndefined();
    expect((await readFile(path.join(folder, 'lenet.weights.bin'))).equals(Buffer.from(pair.sidecar))).toBe(true);
    expect(await call('files.readRecovery', [])).toEqual({ ok: true, value: null });

    expect((await call('files.writeRecovery', [unsaved])).ok).toBe(true);
    await snapshot();
    const elsewhere = path.join(userData, 'recovered-elsewhere', 'recovered.cnn.json');
    await mkdir(path.dirname(elsewhere), { recursive: true });
    fake.saveDialogAnswer = elsewhere;
    const away = await call('files.save', [unsaved, undefined, 'recovered.cnn.json']).finally(() => (fake.saveDialogAnswer = undefined));
    expect(away).toMatchObject({ ok: true, value: { path: elsewhere, warning: expect.stringMatching(/^recovered\.cnn\.json was saved without its weights: lenet\.weights\.bin was not loaded/) } });
    expect(await readFile(elsewhere, 'utf8')).toBe(unsaved);
    expect(existsSync(path.join(path.dirname(elsewhere), 'lenet.weights.bin'))).toBe(false);
    expect(await call('files.readRecovery', [])).toEqual({ ok: true, value: null });
  }, 60_000);

  it('refuses IPC from another frame', async () => {
    const recent = fake.ipcHandlers.get(ipcChannel('files.recent'))!;
    expect(await recent({ senderFrame: { ...fake.windows[0]!.webContents.mainFrame, frameToken: 'other' } }, [])).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('titles the window from the document state and asks before closing a dirty document', async () => {
    const win = fake.windows[0]!;
    win.webContents.emit('did-finish-load');
    const setState = fake.ipcHandlers.get(ipcChannel('shell.setDocumentState'))!;
    await setState(mainFrameEvent(), [{ title: 'lenet.cnn.json', dirty: true }]);
    expect(win.title).toBe('• lenet.cnn.json — CNN Studio');
    fake.messageBoxAnswer = 2; // Cancel
    win.close();
    expect(win.destroyed).toBe(false);
    expect(fake.dialogs.at(-1)).toMatchObject({ kind: 'message-sync', options: { buttons: ['Save', "Don't Save", 'Cancel'] } });
    fake.messageBoxAnswer = 0; // Save → the editor is asked to save; once clean, the window closes
    win.close();
    expect(win.webContents.sent.at(-1)).toEqual({ channel: IPC_APP_COMMAND, payload: { type: 'save' } });
    expect(win.destroyed).toBe(false);
  });

  it('a second launch with a model file focuses the window and asks the editor to open it', async () => {
    const file = path.join(userData, 'from-os.cnn.json');
    await writeFile(file, serializeDocument(tinyDocument()));
    const win = fake.windows[0]!;
    fake.app.emit('second-instance', {}, ['/opt/cnn-studio/cnn-studio', file], '/');
    expect(win.focused).toBeGreaterThan(0);
    expect(win.webContents.sent.at(-1)).toEqual({ channel: IPC_APP_COMMAND, payload: { type: 'open', path: file } });
    // …and that path is now one the renderer may open
    const open = fake.ipcHandlers.get(ipcChannel('files.open'))!;
    expect(await open(mainFrameEvent(), [file])).toMatchObject({ ok: true, value: { path: file } });
    expect(existsSync(path.join(userData, 'recent-files.json'))).toBe(true);
  });

  it('closes once the save requested by the close dialog reports the document clean', async () => {
    const win = fake.windows[0]!;
    const setState = fake.ipcHandlers.get(ipcChannel('shell.setDocumentState'))!;
    await setState(mainFrameEvent(), [{ title: 'lenet.cnn.json', dirty: false, path: '/x/lenet.cnn.json' }]);
    expect(win.destroyed).toBe(true);
  });
});
