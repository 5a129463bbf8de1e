import { describe, expect, it } from 'vitest';
import { createRouter } from './router';
import { CALL_NAMES, CALL_SCHEMAS, type CallName } from './contract';
import { FakeEngine, FakeFiles, tinyDocument } from './testing/fakes';

type Frame = { id: string };
const MAIN: Frame = { id: 'main' };
const IFRAME: Frame = { id: 'iframe' };

function setup() {
  const engine = new FakeEngine();
  const files = new FakeFiles();
  const states: unknown[] = [];
  const clipboard = { writeText: (t: string) => void states.push(t) };
  const router = createRouter<Frame>({ engine, files, shell: { setDocumentState: (s) => states.push(s) }, clipboard, senderIsTrusted: (f) => f === MAIN });
  return { engine, files, states, router };
}

const doc = tinyDocument();
const TOKEN = '0f8fad5b-d9cb-469f-a165-70867728950e';
/** One valid argument list per call, and the engine/file method it must reach. */
const VALID: { [K in CallName]: { args: unknown[]; reaches: [target: 'engine' | 'files' | 'shell', method: string] } } = {
  'engine.run': { args: [{ docId: 'd1', document: doc, inputs: { kind: 'tensor', shape: [1, 4, 4], data: new Float32Array(16).fill(1) } }], reaches: ['engine', 'run'] },
  'engine.cancel': { args: ['d1'], reaches: ['engine', 'cancel'] },
  'engine.fetchTensor': { args: ['d1', 'flat'], reaches: ['engine', 'fetchTensor'] },
  'engine.exportOnnx': { args: [doc, 42], reaches: ['engine', 'exportOnnx'] },
  'engine.exportPyTorch': { args: [doc], reaches: ['engine', 'exportPyTorch'] },
  'engine.importOnnx': { args: [Uint8Array.of(1, 2, 3), 'net', [3, 224, 224]], reaches: ['engine', 'importOnnx'] },
  'engine.importOnnxModel': { args: [Uint8Array.of(1, 2, 3), 'net', [1, 28, 28]], reaches: ['engine', 'importOnnxModel'] },
  'engine.attachWeights': { args: [Uint8Array.of(0, 0, 128, 63), 'net.weights.bin'], reaches: ['engine', 'attachWeights'] },
  'engine.readWeights': { args: [TOKEN], reaches: ['engine', 'readWeights'] },
  'engine.inlineWeights': { args: [doc, TOKEN], reaches: ['engine', 'inlineWeights'] },
  'engine.releaseWeights': { args: [TOKEN], reaches: ['engine', 'releaseWeights'] },
  'engine.previewData': { args: [{ kind: 'mnist' }, { channels: 1, height: 28, width: 28 }], reaches: ['engine', 'previewData'] },
  'engine.dataSamples': { args: [{ kind: 'mnist' }, { channels: 1, height: 28, width: 28 }, [3, 1415]], reaches: ['engine', 'dataSamples'] },
  'engine.startTraining': { args: [{ docId: 'd1', document: doc, data: { kind: 'mnist' } }], reaches: ['engine', 'startTraining'] },
  'engine.controlTraining': { args: [TOKEN, 'pause'], reaches: ['engine', 'controlTraining'] },
  'files.open': { args: [], reaches: ['files', 'open'] },
  'files.openBinary': { args: [[{ name: 'ONNX model', extensions: ['onnx'] }]], reaches: ['files', 'openBinary'] },
  'files.save': { args: ['{}', undefined, 'model.cnn.json', TOKEN], reaches: ['files', 'save'] },
  'files.exportBinary': { args: [Uint8Array.of(1), 'model.onnx', [{ name: 'ONNX', extensions: ['onnx'] }]], reaches: ['files', 'exportBinary'] },
  'files.recent': { args: [], reaches: ['files', 'recent'] },
  'files.writeRecovery': { args: ['{}'], reaches: ['files', 'writeRecovery'] },
  'files.readRecovery': { args: [], reaches: ['files', 'readRecovery'] },
  'files.clearRecovery': { args: [], reaches: ['files', 'clearRecovery'] },
  'files.chooseDataFolder': { args: [], reaches: ['files', 'chooseDataFolder'] },
  'shell.setDocumentState': { args: [{ title: 'tiny', dirty: true }], reaches: ['shell', 'setDocumentState'] },
  'shell.copyText': { args: ['| Layer | Output |'], reaches: ['shell', 'copyText'] },
};

describe('host router', () => {
  it('the contract lists a schema for every call name', () => {
    expect(Object.keys(CALL_SCHEMAS).sort()).toEqual([...CALL_NAMES].sort());
  });

  it.each(CALL_NAMES)('%s reaches its engine / file / shell method with the validated arguments', async (name) => {
    const { engine, files, states, router } = setup();
    const { args, reaches } = VALID[name];
    const reply = await router.handle(name, args, MAIN);
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const [target, method] = reaches;
    if (target === 'shell') {
      expect(states).toEqual(args);
      return;
    }
    const calls = (target === 'engine' ? engine : files).calls;
    expect(calls.map((c) => c.method)).toEqual([method]);
    expect(calls[0]!.args.slice(0, args.length)).toEqual(args);
  });

  it('returns results (typed arrays intact) in an ok reply', async () => {
    const { router } = setup();
    const reply = await router.handle('engine.run', VALID['engine.run'].args, MAIN);
    if (!reply.ok) throw new Error(reply.error.message);
    const value = reply.value as { tensors: { flat: { data: Float32Array } } };
    expect(Array.from(value.tensors.flat.data)).toEqual(new Array(16).fill(2));
  });

  it('refuses every call from a frame that is not the main frame, before touching anything', async () => {
    const { engine, files, router } = setup();
    for (const name of CALL_NAMES) {
      const reply = await router.handle(name, VALID[name].args, IFRAME);
      expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden-sender' }) });
    }
    expect(engine.calls).toEqual([]);
    expect(files.calls).toEqual([]);
  });

  it('the seeds likely next are a few valid seeds, or the run is refused before the engine sees it', async () => {
    const { engine, router } = setup();
    const run = (nextSeeds: unknown) => router.handle('engine.run', [{ ...(VALID['engine.run'].args[0] as object), nextSeeds }], MAIN);
    for (const bad of [[-1], [2 ** 31], [1.5], ['7'], new Array(9).fill(1)]) expect(await run(bad)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(engine.calls).toEqual([]);
    expect(await run([43, 0, 2 ** 31 - 1])).toMatchObject({ ok: true });
    expect((engine.calls[0].args[0] as { nextSeeds: number[] }).nextSeeds).toEqual([43, 0, 2 ** 31 - 1]);
  });

  it('weights tokens are opaque ids: a path (or anything else) in their place is refused before the engine sees it', async () => {
    const { engine, files, router } = setup();
    for (const bad of ['/etc/passwd', '../model.weights.bin', 'x'.repeat(36), '']) {
      expect(await router.handle('engine.readWeights', [bad], MAIN)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(await router.handle('files.save', ['{}', undefined, undefined, bad], MAIN)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      const run = { ...(VALID['engine.run'].args[0] as object), weightsToken: bad };
      expect(await router.handle('engine.run', [run], MAIN)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
    expect(await router.handle('engine.exportOnnx', [doc, undefined, TOKEN], MAIN)).toMatchObject({ ok: true });
    expect(engine.calls.map((c) => [c.method, c.args[2]])).toEqual([['exportOnnx', TOKEN]]);
    expect(files.calls).toEqual([]);
  });

  it('training data: MNIST anywhere; an image folder only where the host lets the user choose it, and only one they chose', async () => {
    const folder = { docId: 'd1', document: doc, data: { kind: 'folder', path: '/home/me/digits' } };
    const { engine, router } = setup();
    expect(await router.handle('engine.startTraining', [folder], MAIN)).toMatchObject({ ok: false, error: { code: 'unsupported', message: expect.stringContaining('cnn-studio train') } });
    expect(await router.handle('engine.previewData', [folder.data, { channels: 1, height: 28, width: 28 }], MAIN)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    const chosen = new Set(['/home/me/digits']);
    const desktop = createRouter<Frame>({ engine, files: new FakeFiles(), dataFolderAllowed: (p) => chosen.has(p), senderIsTrusted: (f) => f === MAIN });
    expect(await desktop.handle('engine.startTraining', [{ ...folder, data: { kind: 'folder', path: '/etc' } }], MAIN)).toMatchObject({ ok: false, error: { code: 'path-not-allowed' } });
    expect(engine.calls).toEqual([]);
    expect(await desktop.handle('engine.startTraining', [folder], MAIN)).toMatchObject({ ok: true });
    expect(engine.calls.map((c) => c.method)).toEqual(['startTraining']);
    // Settings are checked at the choke point too.
    expect(await desktop.handle('engine.startTraining', [{ ...folder, config: { epochs: -1 } }], MAIN)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await desktop.handle('engine.controlTraining', ['not-a-run', 'stop'], MAIN)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('engine.inlineWeights needs a document and a weights token: a missing or malformed one never reaches the engine', async () => {
    const { engine, router } = setup();
    for (const args of [[doc], [doc, '/models/net.weights.bin'], [doc, undefined], [{ nodes: 'x' }, TOKEN], [doc, TOKEN, 'extra']]) {
      expect(await router.handle('engine.inlineWeights', args, MAIN)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
    expect(engine.calls).toEqual([]);
    const withFile = { ...doc, weightsFile: 'net.weights.bin' };
    const r = await router.handle('engine.inlineWeights', [withFile, TOKEN], MAIN);
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && 'weightsFile' in (r.value as object)).toBe(false);
    expect(engine.calls.map((c) => [c.method, c.args[1]])).toEqual([['inlineWeights', TOKEN]]);
  });

  it('an engine without the weights calls answers them with "unsupported"', async () => {
    const engine = new FakeEngine();
    const bare = { run: engine.run, cancel: engine.cancel, fetchTensor: engine.fetchTensor, exportOnnx: engine.exportOnnx, exportPyTorch: engine.exportPyTorch, importOnnx: engine.importOnnx, onEvent: engine.onEvent };
    const router = createRouter<Frame>({ engine: bare, files: new FakeFiles(), senderIsTrusted: () => true });
    for (const name of ['engine.importOnnxModel', 'engine.attachWeights', 'engine.readWeights', 'engine.inlineWeights', 'engine.releaseWeights'] as const) {
      expect(await router.handle(name, VALID[name].args, MAIN)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    }
  });

  it('treats a throwing trust predicate as untrusted', async () => {
    const router = createRouter({ engine: new FakeEngine(), files: new FakeFiles(), senderIsTrusted: () => { throw new Error('no frame'); } });
    expect(await router.handle('files.recent', [], null)).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('rejects unknown calls, including prototype names', async () => {
    const { router } = setup();
    for (const name of ['engine.eval', 'constructor', '__proto__', 'toString', 42]) {
      expect(await router.handle(name, [], MAIN)).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    }
  });

  it.each([
    ['engine.run', [{ docId: 'd', document: { format: 'nope' }, inputs: { kind: 'tensor', shape: [1], data: Float32Array.of(1) } }]],
    ['engine.run', [{ docId: 'd', document: doc, inputs: { kind: 'tensor', shape: [2, 2], data: Float32Array.of(1) } }]],
    ['engine.run', [{ docId: 'd', document: doc, inputs: { kind: 'image', width: 2, height: 2, rgba: new Uint8Array(3) } }]],
    ['engine.run', [{ docId: 'd', document: doc, inputs: { kind: 'tensor', shape: [1], data: [1] } }]],
    ['engine.cancel', []],
    ['engine.cancel', [7]],
    ['engine.fetchTensor', ['d']],
    ['engine.exportOnnx', [doc, -1]],
    ['engine.importOnnx', ['not bytes']],
    ['files.open', [{ path: '/etc/passwd' }]],
    ['files.save', [42]],
    ['files.exportBinary', [Uint8Array.of(1), 'x.onnx', [{ name: 'x', extensions: ['../../etc'] }]]],
    ['files.recent', ['extra']],
    ['shell.setDocumentState', [{ title: 'x' }]],
    ['shell.copyText', [42]],
    ['files.openBinary', [[{ name: 'x', extensions: ['../x'] }]]],
    ['engine.cancel', 'd1'],
  ] as [CallName, unknown][])('rejects invalid arguments for %s (%#) without calling through', async (name, args) => {
    const { engine, files, states, router } = setup();
    const reply = await router.handle(name, args, MAIN);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    if (!reply.ok) expect(reply.error.message).toContain(name);
    expect([...engine.calls, ...files.calls, ...states]).toEqual([]);
  });

  it('ONNX import: the input shape is optional, and must be three whole numbers in the Input node’s range', async () => {
    const { engine, router } = setup();
    const bytes = Uint8Array.of(1, 2, 3);
    expect(await router.handle('engine.importOnnx', [bytes, 'net'], MAIN)).toMatchObject({ ok: true });
    expect(await router.handle('engine.importOnnx', [bytes, undefined, [3, 32, 32]], MAIN)).toMatchObject({ ok: true });
    expect(engine.calls.map((c) => c.args.slice(1))).toEqual([['net', undefined], [undefined, [3, 32, 32]]]);
    engine.calls.length = 0;
    for (const bad of [[3, 32], [3, 32, 32, 1], [0, 32, 32], [3, -1, 32], [3, 32.5, 32], ['3', 32, 32], [3, 65_537, 32], [70_000, 32, 32], '3x32x32', null]) {
      for (const name of ['engine.importOnnx', 'engine.importOnnxModel'] as const) {
        const reply = await router.handle(name, [bytes, 'net', bad], MAIN);
        expect(reply, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'invalid-payload', message: expect.stringMatching(new RegExp(`^Invalid arguments for ${name}: 2`)) } });
      }
    }
    expect(engine.calls).toEqual([]);
  });

  it('passes the engine’s request for an input shape through with its code', async () => {
    const engine = Object.assign(new FakeEngine(), {
      importOnnx: async () => {
        throw { code: 'needs-input-shape', message: 'Graph input "x" leaves its height and width open (N×3×H×W) …' };
      },
    });
    const router = createRouter({ engine, files: new FakeFiles(), senderIsTrusted: () => true });
    expect(await router.handle('engine.importOnnx', [Uint8Array.of(1)], null)).toEqual({ ok: false, error: { code: 'needs-input-shape', message: 'Graph input "x" leaves its height and width open (N×3×H×W) …' } });
  });

  it('passes typed engine errors through and wraps stray ones as internal', async () => {
    const { router } = setup();
    expect(await router.handle('engine.importOnnx', [new Uint8Array(0)], MAIN)).toEqual({ ok: false, error: { code: 'bad-input', message: 'Empty ONNX file.' } });
    const broken = createRouter({
      engine: new FakeEngine(),
      files: Object.assign(new FakeFiles(), { recent: async () => { throw new TypeError('boom'); } }),
      senderIsTrusted: () => true,
    });
    expect(await broken.handle('files.recent', [], null)).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('puts copied text on the injected system clipboard', async () => {
    const written: string[] = [];
    const router = createRouter({ engine: new FakeEngine(), files: new FakeFiles(), clipboard: { writeText: (t) => void written.push(t) }, senderIsTrusted: () => true });
    expect(await router.handle('shell.copyText', ['| a | b |\n'], null)).toEqual({ ok: true, value: null });
    expect(written).toEqual(['| a | b |\n']);
  });

  it('answers openBinary with unsupported when the file service predates it', async () => {
    const files = new FakeFiles();
    const legacy = { open: files.open.bind(files), save: files.save.bind(files), exportBinary: files.exportBinary.bind(files), recent: files.recent.bind(files), writeRecovery: files.writeRecovery.bind(files), readRecovery: files.readRecovery.bind(files), clearRecovery: files.clearRecovery.bind(files) };
    const router = createRouter({ engine: new FakeEngine(), files: legacy, senderIsTrusted: () => true });
    expect(await router.handle('files.openBinary', [[{ name: 'ONNX', extensions: ['onnx'] }]], null)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });

  it('answers setDocumentState with unsupported when there is no shell (browser mode)', async () => {
    const router = createRouter({ engine: new FakeEngine(), files: new FakeFiles(), senderIsTrusted: () => true });
    expect(await router.handle('shell.setDocumentState', [{ title: 't', dirty: false }], null)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await router.handle('shell.copyText', ['x'], null)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});
