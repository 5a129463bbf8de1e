import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, InputPayload, TrainEvent } from '../core/api';
import { parseDocument, serializeDocument } from '../core/document/load';
import { getPreset } from '../core/presets';
import { EngineHost } from './engine-host';
import { errorOf, nextEvent } from './testing/host';

/** Training runs in the engine process, beside feature-map runs, and reports as it goes. */
describe.each(['process', 'thread'] as const)('EngineHost training (%s isolation)', (isolation) => {
  const host = new EngineHost({ isolation, backend: 'ort' });
  const events: EngineEvent[] = [];
  beforeAll(async () => {
    host.onEvent((e) => void events.push(e));
    await host.start();
  });
  afterAll(() => host.stop());

  const lenet = getPreset('lenet5');
  const digit: InputPayload = { kind: 'tensor', shape: [1, 32, 32], data: new Float32Array(32 * 32).fill(0.2) };
  const ofRun = (trainId: string) => events.filter((e): e is TrainEvent => e.type.startsWith('train-') && (e as TrainEvent).trainId === trainId);

  it('previews the data for a model: classes, counts, samples as the network sees them', async () => {
    const preview = await host.previewData({ kind: 'mnist' }, { channels: 1, height: 32, width: 32 });
    expect(preview.summary.count).toBe(10_000);
    expect(preview.summary.classes.map((c) => c.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(preview.samples.length).toBe(40);
    expect(preview.samples[0]).toMatchObject({ channels: 1, height: 32, width: 32 });
    expect(preview.samples[0].data).toBeInstanceOf(Uint8Array);
  });

  it('hands out samples as they were before preprocessing (what the misclassified gallery shows and re-runs)', async () => {
    const [first, other] = await host.dataSamples({ kind: 'mnist' }, { channels: 1, height: 32, width: 32 }, [0, 5000]);
    expect(first).toMatchObject({ index: 0, label: 0, image: { kind: 'image', width: 28, height: 28 } });
    expect(first.image.rgba.length).toBe(28 * 28 * 4);
    expect(Math.max(...first.image.rgba.filter((_, i) => i % 4 === 0))).toBe(255);
    expect(other.label).toBe(4); // 1001 + 1127 + 991 + 1032 zeros to threes come first
    expect((await errorOf(host.dataSamples({ kind: 'mnist' }, { channels: 1, height: 32, width: 32 }, [10_000]))).code).toBe('bad-input');
  });

  it('trains LeNet-5: progress, filters, epochs, then the trained copy; a feature-map run during training answers on the live weights', async () => {
    const started = await host.startTraining({ docId: 'doc-1', document: lenet, data: { kind: 'mnist' }, config: { epochs: 2, maxStepsPerEpoch: 60, batch: 32 } });
    expect(started.trainId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.data.summary.count).toBe(10_000);
    await nextEvent(host, (e) => e.type === 'train-progress' && e.trainId === started.trainId);
    // Runs keep working while training runs; with trainId they see the current weights.
    const during = await host.run({ docId: 'doc-1', document: lenet, inputs: digit, trainId: started.trainId });
    const untrained = await host.run({ docId: 'doc-2', document: lenet, inputs: digit });
    expect(during.tensors.softmax.data).not.toEqual(untrained.tensors.softmax.data);
    const done = (await nextEvent(host, (e) => (e.type === 'train-done' || e.type === 'train-failed') && e.trainId === started.trainId)) as TrainEvent;
    expect(done.type).toBe('train-done');
    if (done.type !== 'train-done') return;
    const { outcome } = done;
    expect(outcome).toMatchObject({ status: 'done', epochs: 2, steps: 120 });
    expect(outcome.test!.accuracy).toBeGreaterThan(0.5);
    const mine = ofRun(started.trainId);
    expect(mine.filter((e) => e.type === 'train-epoch').length).toBe(2);
    // Progress comes at most 4 times a second, yet together the reports name every step once, in order.
    const reported = mine.flatMap((e) => (e.type === 'train-progress' ? (e.progress.steps ?? []).map((p) => p.globalStep) : []));
    expect(reported).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const filters = mine.filter((e) => e.type === 'train-filters');
    expect(filters.length).toBeGreaterThan(0);
    if (filters[0].type === 'train-filters') expect(filters[0].shape).toEqual([6, 1, 5, 5]);
    // The trained copy is a valid document that runs and now knows its classes.
    const reparsed = parseDocument(serializeDocument(outcome.document!));
    expect(reparsed.ok).toBe(true);
    expect(outcome.document!.labels).toHaveLength(10);
    expect(outcome.document!.training).toMatchObject({ dataset: 'mnist', epochs: 2, steps: 120 });
    const after = await host.run({ docId: 'doc-1', document: outcome.document!, inputs: digit });
    expect(after.tensors.softmax.data).not.toEqual(untrained.tensors.softmax.data);
  }, 120_000);

  it('pauses, resumes and stops between steps; a stop before the first epoch ends leaves nothing to apply', async () => {
    const { trainId } = await host.startTraining({ docId: 'doc-3', document: lenet, data: { kind: 'mnist' }, config: { epochs: 1, batch: 16 } });
    await nextEvent(host, (e) => e.type === 'train-progress' && e.trainId === trainId);
    await host.controlTraining(trainId, 'pause');
    await nextEvent(host, (e) => e.type === 'train-state' && e.trainId === trainId && e.state === 'paused');
    const stepAtPause = lastStep(ofRun(trainId));
    await new Promise((r) => setTimeout(r, 400));
    // At most the step in flight finishes after the pause.
    expect(lastStep(ofRun(trainId)) - stepAtPause).toBeLessThanOrEqual(1);
    await host.controlTraining(trainId, 'resume');
    await nextEvent(host, (e) => e.type === 'train-progress' && e.trainId === trainId && e.progress.globalStep > stepAtPause + 1);
    await host.controlTraining(trainId, 'stop');
    const done = (await nextEvent(host, (e) => e.type === 'train-done' && e.trainId === trainId)) as Extract<TrainEvent, { type: 'train-done' }>;
    expect(done.outcome.status).toBe('stopped');
    expect(done.outcome.document).toBeUndefined();
    expect((await errorOf(host.controlTraining(trainId, 'pause'))).code).toBe('bad-input');
  }, 120_000);

  it('refuses what cannot train, before it starts, saying why', async () => {
    const wide = structuredClone(lenet);
    wide.nodes.find((n) => n.type === 'Dense' && (n.params as { units: number }).units === 10)!.params = { units: 1000 };
    const e = await errorOf(host.startTraining({ docId: 'doc-4', document: wide, data: { kind: 'mnist' } }));
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toContain('set Dense units to 10');
    const missing = await errorOf(host.startTraining({ docId: 'doc-4', document: lenet, data: { kind: 'folder', path: '/nonexistent/cnn-studio-data' } }));
    expect(missing.code).toBe('bad-input');
  }, 60_000);

  // Killing a worker *thread* while onnxruntime runs aborts the whole process (engine-host.ts, retire):
  // a crash is a process-isolation scenario, which is how the app and browser mode ship.
  it.runIf(isolation === 'process')('a crash of the engine process mid-training ends the run with train-failed; the next run works', async () => {
    const { trainId } = await host.startTraining({ docId: 'doc-5', document: lenet, data: { kind: 'mnist' }, config: { epochs: 3 } });
    await nextEvent(host, (e) => e.type === 'train-progress' && e.trainId === trainId);
    const failed = nextEvent(host, (e) => e.type === 'train-failed' && e.trainId === trainId);
    await host.terminateWorkerForTesting();
    const e = (await failed) as Extract<TrainEvent, { type: 'train-failed' }>;
    expect(e.error.code).toBe('worker-crashed');
    expect(e.error.message).toContain('keeps the weights it had');
    const r = await host.run({ docId: 'doc-5', document: lenet, inputs: digit });
    expect(r.tensors.softmax.shape).toEqual([10]);
  }, 120_000);
});

function lastStep(events: TrainEvent[]): number {
  const progress = events.filter((e) => e.type === 'train-progress');
  const last = progress.at(-1);
  return last?.type === 'train-progress' ? last.progress.globalStep : 0;
}
