import { describe, expect, it } from 'vitest';
import type { EngineClient, EngineEvent, InputPayload, RunRequest, RunResult } from '../../../engine/src/core/api';
import { lenet5 } from '../../../engine/src/core/presets/lenet';
import { LiveRunController, changesComputation, type LiveRunInputs } from './live-run-controller';

/** A fake engine whose runs the test resolves or rejects by hand. */
function fakeEngine() {
  const calls: { req: RunRequest; resolve(r: RunResult): void; reject(e: unknown): void }[] = [];
  const listeners = new Set<(e: EngineEvent) => void>();
  const cancels: string[] = [];
  const engine: EngineClient = {
    run: (req) => new Promise((resolve, reject) => calls.push({ req, resolve, reject })),
    cancel: async (docId) => {
      cancels.push(docId);
    },
    fetchTensor: async () => ({ shape: [], data: new Float32Array() }),
    exportOnnx: async () => new Uint8Array(),
    exportPyTorch: async () => ({ code: '' }),
    importOnnx: async () => lenet5(),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const emit = (e: EngineEvent) => listeners.forEach((l) => l(e));
  return { engine, calls, cancels, emit, listeners };
}

const result = (runId: number, docId = 'doc'): RunResult => ({ runId, docId, timeMs: 5, nodes: {}, tensors: {}, skipped: [], diagnostics: [] });
const image: InputPayload = { kind: 'image', width: 1, height: 1, rgba: new Uint8Array(4) };
const flush = () => new Promise<void>((r) => queueMicrotask(r)).then(() => undefined);

/** A controller whose first run (LeNet-5, auto-run) has come back as run 1. */
async function afterFirstRun() {
  const f = fakeEngine();
  const c = new LiveRunController(f.engine, 'doc');
  const doc = lenet5();
  c.setInputs({ document: doc, input: image, autoRun: true });
  await flush();
  f.calls[0].resolve(result(1));
  await flush();
  return { f, c, doc };
}

describe('LiveRunController', () => {
  it('runs an edit at once when idle; while a run is in flight only the newest edit waits, and runs when it ends', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc', { now: () => 0 });
    let doc = lenet5();
    const withFilters = (n: number) => (doc = { ...doc, nodes: doc.nodes.map((node, j) => (j === 1 ? { ...node, params: { ...node.params, filters: n } } : node)) });
    c.setInputs({ document: doc, input: image, autoRun: true });
    await flush();
    // No timer: the engine is idle, so the first edit runs at once.
    expect(f.calls).toHaveLength(1);
    expect(c.getSnapshot().status.kind).toBe('queued');
    f.emit({ type: 'run-state', docId: 'doc', runId: 1, state: 'running' });
    expect(c.getSnapshot().status.kind).toBe('running');
    // Typing "6", "64", "640" while the first run is busy: nothing is sent until it ends…
    for (const n of [6, 64, 640]) c.setInputs({ document: withFilters(n), input: image, autoRun: true });
    await flush();
    expect(f.calls).toHaveLength(1);
    expect(c.getSnapshot().stale).toBe(true);
    f.calls[0].resolve(result(1));
    await flush();
    // …then only the newest runs.
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1].req.document).toBe(doc);
    expect(c.getSnapshot().result?.runId).toBe(1);
    f.calls[1].resolve(result(2));
    await flush();
    expect(f.calls).toHaveLength(2);
    expect(c.getSnapshot().status).toMatchObject({ kind: 'done', workerMs: 5 });
    expect(c.getSnapshot().result?.runId).toBe(2);
  });

  it("an edit's run is requested before work its listeners schedule (React renders in a microtask)", async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const order: string[] = [];
    const run = f.engine.run;
    f.engine.run = (req) => {
      order.push('run');
      return run(req);
    };
    // A listener like React's store subscription: it schedules its render for later in the task.
    c.subscribe(() => queueMicrotask(() => order.push('render')));
    c.setInputs({ document: lenet5(), input: image, autoRun: true });
    await flush();
    await flush();
    expect(order[0]).toBe('run');
    expect(order).toContain('render');
  });

  it('edits made in one task (one event handler) make one run', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const doc = lenet5();
    c.setInputs({ document: doc, input: image, autoRun: true });
    c.setInputs({ document: { ...doc, seed: 5 }, input: image, autoRun: true });
    c.setInputs({ document: { ...doc, seed: 6 }, input: image, autoRun: true });
    expect(f.calls).toHaveLength(0);
    await flush();
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0].req.document.seed).toBe(6);
  });

  it('a failed run still starts the edit that waited for it', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const doc = lenet5();
    c.setInputs({ document: doc, input: image, autoRun: true });
    await flush();
    c.setInputs({ document: { ...doc, seed: 8 }, input: image, autoRun: true });
    f.calls[0].reject({ code: 'bad-input', message: 'no' });
    await flush();
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1].req.document.seed).toBe(8);
  });

  it('training: runs on the live weights (trainId); refresh() reruns when idle, and only once after the run in flight', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const doc = lenet5();
    c.setInputs({ document: doc, input: image, autoRun: true, trainId: 'run-1' });
    await flush();
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0].req.trainId).toBe('run-1');
    // Three training updates while the run is in flight: one more run, after it.
    c.refresh();
    c.refresh();
    c.refresh();
    expect(f.calls).toHaveLength(1);
    f.calls[0].resolve(result(1));
    await flush();
    expect(f.calls).toHaveLength(2);
    f.calls[1].resolve(result(2));
    await flush();
    expect(f.calls).toHaveLength(2);
    // Idle: at once (at the end of this task).
    c.refresh();
    await flush();
    expect(f.calls).toHaveLength(3);
    // Without auto-run, training updates run nothing.
    c.setInputs({ document: doc, input: image, autoRun: false, trainId: 'run-1' });
    f.calls[2].resolve(result(3));
    await flush();
    c.refresh();
    expect(f.calls).toHaveLength(3);
  });

  it('training starting runs nothing (it starts from the weights on screen); its refresh() runs on the live weights, and its end runs again', async () => {
    const { f, c, doc } = await afterFirstRun();
    c.setInputs({ document: doc, input: image, autoRun: true, trainId: 'run-1' });
    await flush();
    expect(f.calls).toHaveLength(1);
    expect(c.getSnapshot().stale).toBe(false);
    c.refresh();
    await flush();
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1].req.trainId).toBe('run-1');
    f.calls[1].resolve(result(2));
    await flush();
    c.setInputs({ document: doc, input: image, autoRun: true });
    await flush();
    expect(f.calls).toHaveLength(3);
    expect(f.calls[2].req.trainId).toBeUndefined();
  });

  it('sends an image once: later runs of it name it ({ kind: "same", key }); a new image goes whole under a new key; a host that lost it gets it again at once', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    let doc = lenet5();
    const other: InputPayload = { kind: 'image', width: 1, height: 1, rgba: new Uint8Array([9, 9, 9, 255]) };
    const edit = () => (doc = { ...doc, seed: (doc.seed ?? 0) + 1 });
    const runOnce = async (input: InputPayload, n: number) => {
      c.setInputs({ document: edit(), input, autoRun: true });
      await flush();
      f.calls.at(-1)!.resolve(result(n));
      await flush();
    };
    await runOnce(image, 1);
    expect(f.calls[0].req).toMatchObject({ inputs: image, inputsKey: 'input-1' });
    await runOnce(image, 2);
    expect(f.calls[1].req.inputs).toEqual({ kind: 'same', key: 'input-1' });
    expect(f.calls[1].req.inputsKey).toBeUndefined();
    await runOnce(other, 3);
    expect(f.calls[2].req).toMatchObject({ inputs: other, inputsKey: 'input-2' });
    // The engine restarted and forgot it: the same run goes again, whole, without a failure shown.
    c.setInputs({ document: edit(), input: other, autoRun: true });
    await flush();
    expect(f.calls[3].req.inputs).toEqual({ kind: 'same', key: 'input-2' });
    f.calls[3].reject({ code: 'inputs-gone', message: 'gone' });
    await flush();
    expect(f.calls).toHaveLength(5);
    expect(f.calls[4].req).toMatchObject({ document: doc, inputs: other, inputsKey: 'input-3' });
    expect(c.getSnapshot().status.kind).not.toBe('failed');
  });

  it('sends the document’s sidecar weights token with every run; another token is another computation', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const doc = lenet5();
    c.setInputs({ document: doc, input: image, autoRun: true, weightsToken: 'tok-a' });
    await flush();
    expect(f.calls[0].req.weightsToken).toBe('tok-a');
    expect(changesComputation({ document: doc, input: image, autoRun: true, weightsToken: 'tok-a' }, { document: doc, input: image, autoRun: true, weightsToken: 'tok-b' })).toBe(true);
    expect(changesComputation({ document: doc, input: image, autoRun: true, weightsToken: 'tok-a' }, { document: doc, input: image, autoRun: true, weightsToken: 'tok-a' })).toBe(false);
  });

  it('does not re-run when nodes only move, and runs nothing without an input', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const doc = lenet5();
    c.setInputs({ document: doc, autoRun: true, idleReason: 'This Input takes 192 channels' });
    await flush();
    expect(f.calls).toHaveLength(0);
    expect(c.getSnapshot().status).toEqual({ kind: 'idle', reason: 'This Input takes 192 channels' });
    c.setInputs({ document: doc, input: image, autoRun: true });
    await flush();
    expect(f.calls).toHaveLength(1);
    const moved = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 1, y: 2 } })) };
    c.setInputs({ document: moved, input: image, autoRun: true });
    await flush();
    expect(f.calls).toHaveLength(1);
  });

  it('ignores superseded rejections and stale results; the newest run wins', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const a = lenet5();
    c.setInputs({ document: a, input: image, autoRun: true });
    await flush();
    const b = { ...a, seed: 7 };
    c.setInputs({ document: b, input: image, autoRun: true });
    // Run (Ctrl/Cmd+Enter) does not wait for the run in flight: the host supersedes it.
    c.runNow();
    await flush();
    expect(f.calls).toHaveLength(2);
    f.calls[0].reject({ code: 'superseded', message: 'newer run' });
    await flush();
    expect(c.getSnapshot().status.kind).toBe('queued');
    f.calls[1].resolve(result(2));
    await flush();
    expect(c.getSnapshot().resultDocument).toBe(b);
    // A late reply of an older run never overwrites a newer result.
    f.calls[0].resolve(result(1));
    await flush();
    expect(c.getSnapshot().result?.runId).toBe(2);
  });

  it('after a worker crash keeps the last result, says why, and the next edit runs and succeeds', async () => {
    const { f, c, doc } = await afterFirstRun();
    const edited = { ...doc, seed: 3 };
    c.setInputs({ document: edited, input: image, autoRun: true });
    await flush();
    f.emit({ type: 'worker-restarted', reason: 'exit code 1' });
    f.calls[1].reject({ code: 'worker-crashed', message: 'The engine worker stopped.' });
    await flush();
    const s = c.getSnapshot();
    expect(s.status).toMatchObject({ kind: 'failed', code: 'worker-crashed' });
    expect(s.status.kind === 'failed' && s.status.message).toMatch(/try again/);
    expect(s.notice).toMatch(/restarted/);
    expect(s.result?.runId).toBe(1);
    c.runNow();
    expect(f.calls).toHaveLength(3);
    expect(f.calls[2].req.document).toBe(edited);
    f.calls[2].resolve(result(3));
    await flush();
    expect(c.getSnapshot().status.kind).toBe('done');
    expect(c.getSnapshot().notice).toBeUndefined();
  });

  it('with auto-run off only runNow runs; cancel tells the engine and shows cancelled', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const inputs: LiveRunInputs = { document: lenet5(), input: image, autoRun: false, seed: 9 };
    c.setInputs(inputs);
    await flush();
    expect(f.calls).toHaveLength(0);
    expect(c.getSnapshot().stale).toBe(true);
    c.runNow();
    expect(f.calls[0].req.seed).toBe(9);
    await c.cancel();
    expect(f.cancels).toEqual(['doc']);
    expect(c.getSnapshot().status.kind).toBe('cancelled');
    f.calls[0].reject({ code: 'cancelled', message: 'cancelled' });
    await flush();
    expect(c.getSnapshot().status.kind).toBe('cancelled');
  });

  it('turning auto-run on runs pending changes', async () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    const doc = lenet5();
    c.setInputs({ document: doc, input: image, autoRun: false });
    c.setInputs({ document: doc, input: image, autoRun: true });
    await flush();
    expect(f.calls).toHaveLength(1);
  });

  it('dispose unsubscribes from engine events', () => {
    const f = fakeEngine();
    const c = new LiveRunController(f.engine, 'doc');
    expect(f.listeners.size).toBe(1);
    c.dispose();
    expect(f.listeners.size).toBe(0);
  });
});

describe('changesComputation', () => {
  it('sees param, weight, edge and seed changes but not labels or positions', () => {
    const doc = lenet5();
    const base: LiveRunInputs = { document: doc, input: image, autoRun: true };
    const relabel = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, label: 'x' })) };
    expect(changesComputation(base, { ...base, document: relabel })).toBe(false);
    const weights = { ...doc, nodes: doc.nodes.map((n, i) => (i === 1 ? { ...n, weights: {} } : n)) };
    expect(changesComputation(base, { ...base, document: weights })).toBe(true);
    expect(changesComputation(base, { ...base, document: { ...doc, edges: [...doc.edges] } })).toBe(true);
    expect(changesComputation(base, { ...base, seed: 1 })).toBe(true);
  });
});
