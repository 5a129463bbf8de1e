import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useUiStore } from '../store/ui-store';
import type { DataPreview, EngineClient, EngineEvent, TrainOutcome, TrainProgress, TrainRequest, EpochReport, WeightsHandle } from '../../../engine/src/core/api';
import type { ModelDocument } from '../../../engine/src/core/document/schema';
import { lenet5 } from '../../../engine/src/core/presets/lenet';
import { analyze } from '../../../engine/src/core/graph/analyze';
import { inlineWeightKey } from '../../../engine/src/core/weights/resolve';
import { float32ToBase64Fast } from '../../../engine/src/core/onnx/importer/base64';
import { RunRecordSchema } from '../../../engine/src/core/document/schema';
import { useDocumentStore } from '../store/document-store';
import { setParam, setPositions } from '../model/edits';
import { FLUSH_MS, connectTraining, flushTraining, trainCurves, useTrainStore } from './train-store';

const DOC_ID = 'doc-7';

/** An engine whose training the test drives by emitting events. */
function fakeEngine(options: { reject?: { code: string; message: string } } = {}) {
  const listeners = new Set<(e: EngineEvent) => void>();
  const starts: TrainRequest[] = [];
  const controls: [string, string][] = [];
  const preview: DataPreview = {
    summary: { name: 'mnist', count: 1000, sampleShape: [1, 32, 32], skipped: 0, classes: Array.from({ length: 10 }, (_, i) => ({ name: String(i), count: 100, samples: [i] })) },
    samples: Array.from({ length: 10 }, (_, i) => ({ index: i, label: i, channels: 1, height: 32, width: 32, data: new Uint8Array(1024) })),
    skipped: [],
  };
  const engine: EngineClient = {
    run: async () => {
      throw new Error('not in these tests');
    },
    cancel: async () => undefined,
    fetchTensor: async () => ({ shape: [], data: new Float32Array() }),
    exportOnnx: async () => new Uint8Array(),
    exportPyTorch: async () => ({ code: '' }),
    importOnnx: async () => lenet5(),
    previewData: async () => preview,
    startTraining: async (req) => {
      starts.push(req);
      if (options.reject) throw options.reject;
      return { trainId: `t${starts.length}`, data: preview };
    },
    controlTraining: async (trainId, action) => {
      controls.push([trainId, action]);
    },
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const emit = (e: EngineEvent) => listeners.forEach((l) => l(e));
  return { engine, emit, starts, controls, preview };
}

/** `doc` with every weight the design has set to `value` (what a trained copy looks like). */
function withWeights(doc: ModelDocument, value: number): ModelDocument {
  const byOwner = new Map<string, Record<string, { shape: number[]; base64: string }>>();
  for (const p of analyze(doc).primitives.nodes) {
    for (const w of p.weights) {
      const own = byOwner.get(p.owner) ?? {};
      own[inlineWeightKey(p, w.name)] = { shape: w.shape, base64: float32ToBase64Fast(new Float32Array(w.shape.reduce((a, b) => a * b, 1)).fill(value)) };
      byOwner.set(p.owner, own);
    }
  }
  return { ...doc, nodes: doc.nodes.map((n) => (byOwner.has(n.id) ? { ...n, weights: byOwner.get(n.id) } : n)) };
}

const progress = (globalStep: number, loss: number): TrainProgress => ({
  epoch: 1, epochs: 1, step: globalStep, stepsPerEpoch: 10, globalStep, totalSteps: 10, loss, smoothLoss: loss, accuracy: 0.1 * globalStep, lr: 1e-3, samplesPerSec: 500, elapsedMs: 100 * globalStep, etaMs: 100 * (10 - globalStep),
});

const report = (epoch: number): EpochReport => ({
  epoch, lr: 1e-3, train: { loss: 0.5, accuracy: 0.85 }, test: { loss: 0.4, accuracy: 0.9 },
  confusion: Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 9 : 0))), misclassified: [{ index: 3, label: 3, predicted: 8 }], timeMs: 1000,
});

function outcome(document: ModelDocument | undefined, extra: Partial<TrainOutcome> = {}): TrainOutcome {
  return { status: 'done', epochs: document ? 1 : 0, steps: 10, train: { loss: 0.5, accuracy: 0.85 }, test: { loss: 0.4, accuracy: 0.9 }, timeMs: 1234, firstStepMs: 50, bestEpoch: 1, history: document ? [report(1)] : [], ...(document ? { document } : {}), ...extra };
}

/** The trained copy of `snapshot` as the engine sends it: weights, labels and the training record. */
function trainedCopy(snapshot: ModelDocument, value = 0.25): ModelDocument {
  return {
    ...withWeights(snapshot, value),
    labels: Array.from({ length: 10 }, (_, i) => String(i)),
    training: { dataset: 'mnist', trainSamples: 800, testSamples: 200, epochs: 1, steps: 10, batch: 64, optimizer: 'adam', lr: 1e-3, schedule: 'constant', seed: 0, train: { loss: 0.5, accuracy: 0.85 }, test: { loss: 0.4, accuracy: 0.9 }, timeMs: 1234, finishedAt: '2026-01-01T00:00:00.000Z' },
  };
}

const docs = () => useDocumentStore.getState();
const train = () => useTrainStore.getState();
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

const weightOf = (doc: ModelDocument, id: string) => doc.nodes.find((n) => n.id === id)?.weights;

describe('train store', () => {
  let f: ReturnType<typeof fakeEngine>;
  let disconnect: () => void;

  const connect = (engine = fakeEngine()) => {
    disconnect?.();
    f = engine;
    disconnect = connectTraining({ engine: f.engine, engineDocId: () => DOC_ID });
  };

  beforeEach(() => {
    docs().load(lenet5());
    useTrainStore.setState({ run: undefined, preview: undefined, data: { kind: 'mnist' }, tick: 0 });
    connect();
  });
  afterEach(() => {
    disconnect();
    vi.useRealTimers();
  });

  /** Start a run and wait until startTraining answered. */
  const startRun = async () => {
    await train().start();
    expect(train().run?.status).toBe('running');
    return train().run!.trainId!;
  };

  it('start → progress → epoch → done: the trained weights land in the document as ONE undo step "Train", with a run record', async () => {
    const before = docs().doc;
    const trainId = await startRun();
    expect(f.starts[0]).toMatchObject({ docId: DOC_ID, document: before, data: { kind: 'mnist' } });
    expect(f.starts[0].config).toMatchObject({ epochs: 5, batch: 64, lr: 1e-3 });

    for (let s = 1; s <= 10; s++) f.emit({ type: 'train-progress', trainId, docId: DOC_ID, progress: progress(s, 2.3 - 0.1 * s) });
    f.emit({ type: 'train-epoch', trainId, docId: DOC_ID, report: report(1) });
    expect(trainCurves().steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(trainCurves().epochStep).toEqual([10]);
    expect(trainCurves().epochAccuracy).toEqual([0.9]);
    expect(train().run?.epochs).toHaveLength(1);
    expect(train().run?.progress?.globalStep).toBe(10);

    const pastBefore = docs().past.length;
    f.emit({ type: 'train-done', trainId, docId: DOC_ID, outcome: outcome(trainedCopy(before)) });
    const after = docs().doc;
    expect(train().run?.status).toBe('done');
    expect(docs().past.length).toBe(pastBefore + 1);
    expect(docs().past.at(-1)?.label).toBe('Train');
    for (const id of ['c1_conv_5_5', 'c3_conv_5_5', 'c5_conv_5_5', 'f6_dense', 'output_dense']) expect(Object.keys(weightOf(after, id) ?? {}).sort()).toEqual(['bias', 'kernel']);
    expect(after.labels).toHaveLength(10);
    expect(after.training?.dataset).toBe('mnist');
    expect(after.runs).toHaveLength(1);
    const record = after.runs![0];
    expect(RunRecordSchema.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({ status: 'done', params: 61706, dataset: { name: 'mnist', classes: 10, trainSamples: 800, testSamples: 200 }, stepsPerEpoch: 10, final: { test: { accuracy: 0.9 } } });
    expect(record.curve.step).toHaveLength(10);
    expect(record.epochs).toHaveLength(1);
    expect(train().run?.result?.applied).toBe(5);

    // One undo takes back weights, labels, training and the record together.
    docs().undo();
    expect(docs().doc).toBe(before);
    expect(docs().doc.runs).toBeUndefined();
  });

  it('progress reaches React at most every FLUSH_MS, not per event (the run’s first point at once)', async () => {
    const trainId = await startRun();
    vi.useFakeTimers();
    let updates = 0;
    const unsub = useTrainStore.subscribe(() => updates++);
    f.emit({ type: 'train-progress', trainId, docId: DOC_ID, progress: progress(1, 1) });
    expect(updates).toBe(1);
    expect(train().run?.progress?.globalStep).toBe(1);
    for (let s = 2; s <= 50; s++) f.emit({ type: 'train-progress', trainId, docId: DOC_ID, progress: progress(s, 1) });
    f.emit({ type: 'train-filters', trainId, docId: DOC_ID, step: 50, nodeId: 'c1_conv_5_5', shape: [6, 1, 5, 5], data: new Float32Array(150) });
    expect(updates).toBe(1);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(updates).toBe(2);
    expect(train().run?.progress?.globalStep).toBe(50);
    expect(train().run?.filters?.shape).toEqual([6, 1, 5, 5]);
    expect(trainCurves().steps).toHaveLength(50);
    unsub();
  });

  it('a report carrying several steps puts each on the curve', async () => {
    const trainId = await startRun();
    const steps = [3, 4, 5].map((s) => ({ globalStep: s, smoothLoss: 2 - s / 10, accuracy: s / 10 }));
    f.emit({ type: 'train-progress', trainId, docId: DOC_ID, progress: { ...progress(5, 1), steps } });
    expect(trainCurves().steps).toEqual([3, 4, 5]);
    expect(trainCurves().loss).toEqual([1.7, 1.6, 1.5]);
  });

  it('asked before a structure edit during the run: Cancel drops the edit; "Stop training and edit" stops the run and applies it', async () => {
    await startRun();
    const before = docs().doc;
    docs().edit('Edit', (d) => setParam(d, 'c1_conv_5_5', 'filters', 8));
    useUiStore.getState().confirm!.resolve(false);
    await Promise.resolve();
    await Promise.resolve();
    expect(docs().doc).toBe(before);
    expect(train().run?.status).toBe('running');
    docs().edit('Edit', (d) => setParam(d, 'c1_conv_5_5', 'filters', 8));
    useUiStore.getState().confirm!.resolve(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(train().run?.status).toBe('stopping');
    expect(docs().doc.nodes.find((n) => n.id === 'c1_conv_5_5')!.params.filters).toBe(8);
  });

  it('a structure edit during the run asks first (a move does not); keeping the old copy applies it; the done run updates only the nodes that still fit', async () => {
    const snapshot = docs().doc;
    const trainId = await startRun();
    docs().edit('Move', (d) => setPositions(d, new Map([['c1_conv_5_5', { x: 999, y: 5 }]])));
    expect(train().run?.structureChanged).toBe(false);
    expect(useUiStore.getState().confirm).toBeUndefined();
    // C1 gets 8 filters: C1 changed, and C3 (same params) now takes 8 channels instead of 6. Asked first:
    const before = docs().doc;
    expect(docs().edit('Edit', (d) => setParam(d, 'c1_conv_5_5', 'filters', 8))).toBe(false);
    expect(docs().doc).toBe(before);
    const asked = useUiStore.getState().confirm!;
    expect(asked).toMatchObject({ title: 'This network is training', confirmLabel: 'Stop training and edit', altLabel: 'Keep training the old copy' });
    asked.resolve('alt');
    await Promise.resolve();
    await Promise.resolve();
    expect(docs().doc).not.toBe(before);
    expect(train().run?.structureChanged).toBe(true);
    expect(train().run?.keepOld).toBe(true);
    expect(train().run?.status).toBe('running');
    // Undo back to the trained structure: no longer changed; redo: changed again.
    docs().undo();
    expect(train().run?.structureChanged).toBe(false);
    docs().redo();
    expect(train().run?.structureChanged).toBe(true);

    f.emit({ type: 'train-epoch', trainId, docId: DOC_ID, report: report(1) });
    f.emit({ type: 'train-done', trainId, docId: DOC_ID, outcome: outcome(trainedCopy(snapshot)) });
    const doc = docs().doc;
    expect(weightOf(doc, 'c1_conv_5_5')).toBeUndefined();
    expect(weightOf(doc, 'c3_conv_5_5')).toBeUndefined();
    for (const id of ['c5_conv_5_5', 'f6_dense', 'output_dense']) expect(weightOf(doc, id)?.kernel).toBeDefined();
    expect(doc.nodes.find((n) => n.id === 'c1_conv_5_5')?.position).toEqual({ x: 999, y: 5 });
    const skipped = train().run!.result!.skipped;
    expect(skipped.map((s) => [s.id, s.reason])).toEqual([
      ['c1_conv_5_5', 'its settings changed'],
      ['c3_conv_5_5', 'its input changed shape'],
    ]);
    expect(train().run!.result!.text).toMatch(/Not updated.*C1 conv 5×5 \(its settings changed\)/);
    // The record keeps the design as it was trained.
    expect(doc.runs![0].design.nodes.find((n) => n.id === 'c1_conv_5_5')?.params).toEqual({ filters: 6, kernel: 5 });
  });

  it('a failed run keeps the previous weights, records "failed" and says why', async () => {
    docs().load(trainedCopy(lenet5(), 0.75));
    const before = docs().doc;
    const trainId = await startRun();
    f.emit({ type: 'train-progress', trainId, docId: DOC_ID, progress: progress(1, 2.3) });
    f.emit({ type: 'train-failed', trainId, docId: DOC_ID, error: { code: 'invalid-graph', message: 'The loss became NaN at step 3 (epoch 1) — the learning rate 10 is probably too high; lower it (e.g. ÷10) and train again.' } });
    const doc = docs().doc;
    expect(train().run?.status).toBe('failed');
    expect(train().run?.error).toMatch(/learning rate 10 is probably too high.*The model keeps its previous weights\./);
    for (const n of before.nodes) expect(weightOf(doc, n.id)).toBe(n.weights);
    expect(doc.labels).toBe(before.labels);
    expect(doc.runs?.map((r) => r.status)).toEqual(['failed']);
    expect(docs().past.at(-1)?.label).toBe('Train');
  });

  it('a run the engine refuses to start shows why and records nothing', async () => {
    connect(fakeEngine({ reject: { code: 'invalid-graph', message: 'the last layer gives 1000 outputs but the data has 10 classes — set Dense units to 10' } }));
    await train().start();
    expect(train().run?.status).toBe('failed');
    expect(train().run?.error).toMatch(/set Dense units to 10/);
    expect(docs().doc.runs).toBeUndefined();
    expect(docs().past).toHaveLength(0);
  });

  it('stopped before an epoch finished: no weight change, but a "stopped" record', async () => {
    const before = docs().doc;
    const trainId = await startRun();
    f.emit({ type: 'train-progress', trainId, docId: DOC_ID, progress: progress(2, 2.2) });
    await train().stop();
    expect(f.controls).toEqual([[trainId, 'stop']]);
    expect(train().run?.status).toBe('stopping');
    f.emit({ type: 'train-done', trainId, docId: DOC_ID, outcome: outcome(undefined, { status: 'stopped' }) });
    expect(train().run?.status).toBe('stopped');
    for (const n of before.nodes) expect(weightOf(docs().doc, n.id)).toBe(n.weights);
    expect(docs().doc.runs?.map((r) => r.status)).toEqual(['stopped']);
    expect(docs().doc.runs?.[0].curve.step).toEqual([2]);
  });

  it('pause and resume go to the engine; train-state events set the status', async () => {
    const trainId = await startRun();
    await train().pause();
    expect(train().run?.status).toBe('paused');
    await train().resume();
    expect(f.controls).toEqual([[trainId, 'pause'], [trainId, 'resume']]);
    f.emit({ type: 'train-state', trainId, docId: DOC_ID, state: 'paused' });
    expect(train().run?.status).toBe('paused');
  });

  it('ignores events of another trainId or another document', async () => {
    const before = docs().doc;
    const trainId = await startRun();
    f.emit({ type: 'train-progress', trainId: 'someone-else', docId: DOC_ID, progress: progress(1, 1) });
    f.emit({ type: 'train-progress', trainId, docId: 'doc-99', progress: progress(1, 1) });
    f.emit({ type: 'train-epoch', trainId: 'someone-else', docId: DOC_ID, report: report(1) });
    f.emit({ type: 'train-done', trainId: 'someone-else', docId: DOC_ID, outcome: outcome(trainedCopy(before)) });
    f.emit({ type: 'train-failed', trainId, docId: 'doc-99', error: { code: 'internal', message: 'x' } });
    flushTraining();
    expect(trainCurves().steps).toEqual([]);
    expect(train().run?.epochs).toEqual([]);
    expect(train().run?.status).toBe('running');
    expect(docs().doc).toBe(before);
  });

  it('events that arrive before startTraining answers are kept for the run', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const base = fakeEngine();
    const engine: EngineClient = { ...base.engine, startTraining: async (req) => (await gate, base.engine.startTraining!(req)) };
    connect({ ...base, engine });
    const started = train().start();
    expect(train().run?.status).toBe('starting');
    f.emit({ type: 'train-progress', trainId: 't1', docId: DOC_ID, progress: progress(1, 2) });
    f.emit({ type: 'train-progress', trainId: 'other', docId: DOC_ID, progress: progress(1, 2) });
    release();
    await started;
    expect(trainCurves().steps).toEqual([1]);
  });

  it('a new weights file from the run: the document store holds its handle; undo and redo swap the handle with the document', async () => {
    const before = docs().doc;
    const trainId = await startRun();
    const handle: WeightsHandle = { token: 'tok-new', file: 'LeNet-5.weights.bin', byteLength: 4 };
    const trained: ModelDocument = { ...trainedCopy(before), weightsFile: handle.file };
    trained.nodes = trained.nodes.map((n) => (n.id === 'f6_dense' ? { ...n, weights: { ...n.weights, kernel: { shape: [84, 120], sidecar: { offset: 0, length: 84 * 120 * 4 } } } } : n));
    f.emit({ type: 'train-epoch', trainId, docId: DOC_ID, report: report(1) });
    f.emit({ type: 'train-done', trainId, docId: DOC_ID, outcome: outcome(trained, { weights: handle }) });
    expect(docs().doc.weightsFile).toBe(handle.file);
    expect(docs().weights).toEqual({ state: 'loaded', ...handle });
    docs().undo();
    expect(docs().weights).toBeUndefined();
    expect(docs().doc.weightsFile).toBeUndefined();
    docs().redo();
    expect(docs().weights).toEqual({ state: 'loaded', ...handle });
  });

  it('opening another document during a run stops it', async () => {
    const trainId = await startRun();
    docs().load(lenet5());
    await flush();
    expect(f.controls).toEqual([[trainId, 'stop']]);
    expect(train().run?.status).toBe('stopped');
    expect(train().run?.error).toMatch(/another document was opened/);
    f.emit({ type: 'train-done', trainId, docId: DOC_ID, outcome: outcome(trainedCopy(lenet5())) });
    expect(docs().doc.runs).toBeUndefined();
  });

  it('loads the data preview for the Input, once per data and Input', async () => {
    const spy = vi.spyOn(f.engine, 'previewData');
    await train().loadPreview();
    await train().loadPreview();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]).toEqual([{ kind: 'mnist' }, { channels: 1, height: 32, width: 32 }]);
    expect(train().preview).toMatchObject({ status: 'ready' });
    docs().edit('Edit', (d) => setParam(d, 'input', 'height', 28));
    await train().loadPreview();
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('settings that do not validate do not start a run', async () => {
    train().setSettings({ ...train().settings, lr: Number.NaN });
    await train().start();
    expect(f.starts).toHaveLength(0);
    expect(train().run?.error).toMatch(/Check the settings: lr/);
    train().setSettings({ ...train().settings, lr: 1e-3 });
  });
});
