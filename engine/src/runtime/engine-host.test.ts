import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, InputPayload, RunResult } from '../core/api';
import type { ModelDocument } from '../core/document/schema';
import { EngineHost } from './engine-host';
import { chainDoc, LECTURE_4X4 } from './testing/docs';
import { compareRuns } from './testing/compare';
import { getPreset } from '../core/presets';
import { errorOf, nextEvent } from './testing/host';
import { encodeModel } from '../core/onnx/proto';
import { model, tinyValidModel } from '../core/onnx/importer/testing';

/** Every behaviour holds with the engine in a worker thread and in a child process. */
const ISOLATIONS = ['thread', 'process'] as const;

const lectureInput: InputPayload = { kind: 'tensor', shape: [1, 4, 4], data: Float32Array.from(LECTURE_4X4.flat()) };
const poolDoc = (mode: 'max' | 'min' | 'avg') => chainDoc({ channels: 1, height: 4, width: 4 }, [{ id: 'pool', type: 'Pool2D', params: { mode, kernel: 2, stride: 2 } }]);

/** Reference backend: 30 convolutions of 32×96×96 (≈ 2.5 G multiply-adds) — seconds of work, stoppable between layers. */
const slowDoc = chainDoc({ channels: 32, height: 96, width: 96 }, Array.from({ length: 30 }, () => ({ type: 'Conv2D', params: { filters: 32, kernel: 3, padding: 'same' } })));
const slowInput: InputPayload = { kind: 'tensor', shape: [32, 96, 96], data: new Float32Array(32 * 96 * 96).fill(0.5) };


describe.each(ISOLATIONS)('EngineHost (reference backend) (%s isolation)', (isolation) => {
  const host = new EngineHost({ isolation, backend: 'reference', cancelGraceMs: 60_000 });
  beforeAll(() => host.start());
  afterAll(() => host.stop());

  it('runs the lecture vectors in the worker', async () => {
    const r = await host.run({ docId: 'lecture', document: poolDoc('max'), inputs: lectureInput });
    expect(r.docId).toBe('lecture');
    expect(r.tensors.pool.shape).toEqual([1, 2, 2]);
    expect(Array.from(r.tensors.pool.data)).toEqual([28, 65, 87, 56]);
    expect(r.tensors.pool.data).toBeInstanceOf(Float32Array);
    expect(r.nodes.pool.preview?.data).toBeInstanceOf(Uint8Array);
    expect(r.skipped).toEqual([]);
  });

  it('serves concurrent documents, each with its own result; latest wins within a document', async () => {
    const a1 = errorOf(host.run({ docId: 'A', document: poolDoc('max'), inputs: lectureInput }));
    const a2 = host.run({ docId: 'A', document: poolDoc('min'), inputs: lectureInput });
    const b = host.run({ docId: 'B', document: poolDoc('avg'), inputs: lectureInput });
    expect((await a1).code).toBe('superseded');
    const [ra2, rb] = await Promise.all([a2, b]);
    expect(Array.from(ra2.tensors.pool.data)).toEqual([3, 21, 5, 4]);
    expect(Array.from(rb.tensors.pool.data)).toEqual([13, 35, 47, 21]);
    expect(rb.runId).toBeGreaterThan(ra2.runId);
  });

  it('a newer run supersedes the running one, whose result is never delivered', async () => {
    const delivered: string[] = [];
    const running = nextEvent(host, (e) => e.type === 'run-state' && e.docId === 'S' && e.state === 'running');
    const slow = errorOf(host.run({ docId: 'S', document: slowDoc, inputs: slowInput }).then(() => delivered.push('slow')));
    await running;
    const fast = await host.run({ docId: 'S', document: poolDoc('max'), inputs: lectureInput });
    expect(Array.from(fast.tensors.pool.data)).toEqual([28, 65, 87, 56]);
    expect((await slow).code).toBe('superseded');
    expect(delivered).toEqual([]);
  });

  it('cancel(docId) rejects the queued and running runs of that document only', async () => {
    const running = nextEvent(host, (e) => e.type === 'run-state' && e.docId === 'C' && e.state === 'running');
    const slow = errorOf(host.run({ docId: 'C', document: slowDoc, inputs: slowInput }));
    const other = host.run({ docId: 'D', document: poolDoc('min'), inputs: lectureInput });
    await running;
    await host.cancel('C');
    expect((await slow).code).toBe('cancelled');
    expect(Array.from((await other).tensors.pool.data)).toEqual([3, 21, 5, 4]);
  });

  it('runs the valid part of a graph with errors and reports skipped nodes with diagnostics', async () => {
    const doc = chainDoc({ channels: 1, height: 4, width: 4 }, [
      { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 } },
      { id: 'dense', type: 'Dense', params: { units: 3 } }, // needs a Flatten first
      { id: 'softmax', type: 'Softmax' },
    ]);
    const r = await host.run({ docId: 'E', document: doc, inputs: lectureInput, tensors: 'all' });
    expect(Object.keys(r.nodes).sort()).toEqual(['input', 'pool']);
    expect(r.skipped.sort()).toEqual(['dense', 'softmax']);
    expect(r.diagnostics.map((d) => d.code)).toContain('dense-needs-flatten');
    expect(Array.from(r.tensors.pool.data)).toEqual([28, 65, 87, 56]);
  });

  it('refuses an absurdly large graph before allocating it, and keeps serving', async () => {
    const huge = chainDoc({ channels: 3, height: 8192, width: 8192 }, [{ type: 'Conv2D', params: { filters: 32, kernel: 3, padding: 'same' } }]);
    const err = await errorOf(host.run({ docId: 'H', document: huge, inputs: lectureInput }));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/needs 8\.8 GiB of activations for one image, over the 4\.0 GiB limit/);
    const ok = await host.run({ docId: 'H', document: poolDoc('max'), inputs: lectureInput });
    expect(ok.tensors.pool.shape).toEqual([1, 2, 2]);
  });

  it('rejects a wrong input with a typed error naming what was expected', async () => {
    const err = await errorOf(host.run({ docId: 'I', document: poolDoc('max'), inputs: { kind: 'tensor', shape: [3, 4, 4], data: new Float32Array(48) } }));
    expect(err).toMatchObject({ code: 'bad-input', message: 'Input "input" expects a tensor of shape [1, 4, 4] (C×H×W), but got [3, 4, 4].' });
  });

  it('fetchTensor returns the full tensor of any node of the last run', async () => {
    const doc = chainDoc({ channels: 1, height: 4, width: 4 }, [
      { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 } },
      { id: 'flat', type: 'Flatten' },
    ]);
    const r = await host.run({ docId: 'F', document: doc, inputs: lectureInput, tensors: 'outputs' });
    expect(Object.keys(r.tensors)).toEqual(['flat']);
    const t = await host.fetchTensor('F', 'pool');
    expect(t.shape).toEqual([1, 2, 2]);
    expect(Array.from(t.data)).toEqual([28, 65, 87, 56]);
    expect((await errorOf(host.fetchTensor('F', 'nope'))).code).toBe('bad-input');
    expect((await errorOf(host.fetchTensor('never-ran', 'pool'))).code).toBe('bad-input');
  });
});

describe.each(ISOLATIONS)('EngineHost failures: timeout and a killed worker (%s isolation)', (isolation) => {
  const host = new EngineHost({ isolation, backend: 'reference' });
  const events: EngineEvent[] = [];
  beforeAll(async () => {
    host.onEvent((e) => events.push(e));
    await host.start();
  });
  afterAll(() => host.stop());

  it('a request over its timeout is rejected, the worker restarted, and the next request served', async () => {
    const err = await errorOf(host.run({ docId: 'T', document: slowDoc, inputs: slowInput, timeoutMs: 300 }));
    expect(err.code).toBe('timeout');
    expect(events.some((e) => e.type === 'worker-restarted')).toBe(true);
    const r = await host.run({ docId: 'T', document: poolDoc('avg'), inputs: lectureInput });
    expect(Array.from(r.tensors.pool.data)).toEqual([13, 35, 47, 21]);
  });

  it('a worker killed mid-run fails that run with worker-crashed; the next request still succeeds', async () => {
    events.length = 0;
    const running = nextEvent(host, (e) => e.type === 'run-state' && e.docId === 'K' && e.state === 'running');
    const slow = errorOf(host.run({ docId: 'K', document: slowDoc, inputs: slowInput }));
    await running;
    await host.terminateWorkerForTesting();
    const err = await slow;
    expect(err.code).toBe('worker-crashed');
    expect(events).toContainEqual(expect.objectContaining({ type: 'worker-restarted' }));
    const r: RunResult = await host.run({ docId: 'K', document: poolDoc('min'), inputs: lectureInput });
    expect(Array.from(r.tensors.pool.data)).toEqual([3, 21, 5, 4]);
  });

  it('a superseded run stuck in one long layer gets the worker replaced after the grace period', async () => {
    const h = new EngineHost({ isolation, backend: 'reference', cancelGraceMs: 100 });
    await h.start();
    // One 3×3 convolution of 64×256×256 → 64 channels: ≈ 2.4 G multiply-adds with no point to stop in between.
    const oneBigLayer = chainDoc({ channels: 64, height: 256, width: 256 }, [{ type: 'Conv2D', params: { filters: 64, kernel: 3, padding: 'same' } }]);
    const running = nextEvent(h, (e) => e.type === 'run-state' && e.docId === 'G' && e.state === 'running');
    const restarted = nextEvent(h, (e) => e.type === 'worker-restarted');
    const stuck = errorOf(h.run({ docId: 'G', document: oneBigLayer, inputs: { kind: 'tensor', shape: [64, 256, 256], data: new Float32Array(64 * 256 * 256) } }));
    await running;
    // Let the worker get into the convolution (it checks for cancellation before each layer; this one lasts seconds).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const next = h.run({ docId: 'G', document: poolDoc('max'), inputs: lectureInput });
    expect((await stuck).code).toBe('superseded');
    expect(await restarted).toMatchObject({ reason: 'a cancelled run did not stop within 100 ms' });
    expect(Array.from((await next).tensors.pool.data)).toEqual([28, 65, 87, 56]);
    await h.stop();
  });

  it('a worker over its heap limit fails the run with out-of-memory and is replaced', async () => {
    const small = new EngineHost({ isolation, backend: 'reference', resourceLimits: { maxOldGenerationSizeMb: 64 } });
    const restarted = nextEvent(small, (e) => e.type === 'worker-restarted');
    await small.start();
    // 100 000 nodes: cloning and analysing them needs far more than 64 MiB of JavaScript heap.
    const huge = chainDoc({ channels: 1, height: 4, width: 4 }, Array.from({ length: 100_000 }, () => ({ type: 'Activation', params: { fn: 'relu' } })));
    const err = await errorOf(small.run({ docId: 'M', document: huge, inputs: lectureInput }));
    expect(err.code).toBe('out-of-memory');
    expect(await restarted).toMatchObject({ reason: 'the worker ran out of memory' });
    const r = await small.run({ docId: 'M', document: poolDoc('max'), inputs: lectureInput });
    expect(Array.from(r.tensors.pool.data)).toEqual([28, 65, 87, 56]);
    await small.stop();
  }, 60_000);

  it('stop() rejects what is pending and later calls', async () => {
    const h = new EngineHost({ isolation, backend: 'reference' });
    const p = errorOf(h.run({ docId: 'X', document: slowDoc, inputs: slowInput }));
    await h.stop();
    expect((await p).code).toBe('cancelled');
    expect((await errorOf(h.run({ docId: 'X', document: poolDoc('max'), inputs: lectureInput }))).code).toBe('cancelled');
  });
});

describe.each(ISOLATIONS)('EngineHost with a worker that cannot start (%s isolation)', (isolation) => {
  it('start() and requests reject with worker-crashed instead of hanging', async () => {
    const host = new EngineHost({ isolation, backend: 'reference', workerPath: '/nonexistent/engine-worker.cjs' });
    const started = await errorOf(host.start());
    expect(started.code).toBe('worker-crashed');
    expect(started.message).toMatch(/failed to start/);
    expect((await errorOf(host.run({ docId: 'x', document: poolDoc('max'), inputs: lectureInput }))).code).toBe('worker-crashed');
    await host.stop();
  });
});

describe.each(ISOLATIONS)('EngineHost exports (%s isolation)', (isolation) => {
  const host = new EngineHost({ isolation, backend: 'reference' });
  afterAll(() => host.stop());

  it('exportOnnx returns the ONNX protobuf bytes from the worker', async () => {
    const doc: ModelDocument = chainDoc({ channels: 1, height: 4, width: 4 }, [{ type: 'Pool2D', params: { mode: 'max', kernel: 2 } }]);
    const bytes = await host.exportOnnx(doc);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBeGreaterThan(20);
    expect(new TextDecoder('latin1').decode(bytes)).toContain('MaxPool');
    // …and ONNX import turns them back into a document that computes the same.
    const back = await host.importOnnx(bytes, 'round trip');
    expect(back.name).toBe('round trip');
    const [r1, r2] = await Promise.all([host.run({ docId: 'orig', document: doc, inputs: lectureInput }), host.run({ docId: 'back', document: back, inputs: lectureInput })]);
    expect(Object.values(r2.tensors).map((t) => Array.from(t.data))).toEqual(Object.values(r1.tensors).map((t) => Array.from(t.data)));
  });

  it('importOnnx rejects a file that is not ONNX with bad-input', async () => {
    const err = await errorOf(host.importOnnx(new TextEncoder().encode('not a model at all')));
    expect(err.code).toBe('bad-input');
    expect(err.message).toMatch(/Not an ONNX model/);
  });

  it('importOnnx of a file with a symbolic height and width: needs-input-shape, then imported at the shape given (both import calls)', async () => {
    const m = model(tinyValidModel());
    m.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimParam: 'batch' }, { dimValue: 2 }, { dimParam: 'height' }, { dimParam: 'width' }];
    const bytes = encodeModel(m);
    const err = await errorOf(host.importOnnx(bytes));
    expect(err.code).toBe('needs-input-shape');
    expect(err.message).toMatch(/^Graph input "x" leaves its height and width open \(batch×2×height×width\)/);
    expect((await host.importOnnx(bytes, 'dynamic', [2, 12, 10])).nodes[0].params).toMatchObject({ channels: 2, height: 12, width: 10 });
    expect((await host.importOnnxModel(bytes, 'dynamic', [2, 9, 7])).document.nodes[0].params).toMatchObject({ height: 9, width: 7 });
  });

  it('exportPyTorch returns the generated module source', async () => {
    const { code } = await host.exportPyTorch(poolDoc('max'));
    expect(code).toMatch(/class \w+\(nn\.Module\)/);
    expect(code).toContain('F.max_pool2d(input, 2, stride=2)');
  });
});

describe.each(ISOLATIONS)('EngineHost default backend (onnxruntime) agrees with the reference backend (%s isolation)', (isolation) => {
  const ortHost = new EngineHost({ isolation });
  const refHost = new EngineHost({ isolation, backend: 'reference' });
  afterAll(() => Promise.all([ortHost.stop(), refHost.stop()]));

  it('on LeNet-5 with an image input: outputs, stats and previews', async () => {
    const document = getPreset('lenet5');
    const input = document.nodes.find((n) => n.type === 'Input')!.params as { height: number; width: number };
    const rgba = Uint8Array.from({ length: 40 * 30 * 4 }, (_, i) => (i * 37) % 256);
    const req = { docId: 'lenet', document, inputs: { kind: 'image' as const, width: 40, height: 30, rgba }, tensors: 'all' as const };
    const [a, b] = await Promise.all([ortHost.run(req), refHost.run(req)]);
    expect(a.nodes.input.shape).toEqual([1, input.height, input.width]);
    expect(compareRuns(b, a)).toEqual([]);
    // Without previews the backend reports no per-node stats; skipped still comes from what could run.
    const quiet = await ortHost.run({ ...req, previews: false });
    expect(quiet.skipped).toEqual([]);
  });

  it('a timeout while onnxruntime builds a session neither hangs nor takes the process down', async () => {
    // Ending a thread with native onnxruntime work in flight aborts the process: a thread worker is retired gracefully; a process worker is just killed.
    const document = getPreset('resnet50');
    const rgba = new Uint8Array(64 * 64 * 4).fill(100);
    const err = await errorOf(ortHost.run({ docId: 'big', document, inputs: { kind: 'image', width: 64, height: 64, rgba }, timeoutMs: 20 }));
    expect(err.code).toBe('timeout');
    const r = await ortHost.run({ docId: 'small', document: poolDoc('max'), inputs: lectureInput });
    expect(Array.from(r.tensors.pool.data)).toEqual([28, 65, 87, 56]);
  });

  it('stop() while onnxruntime optimises a session in the background does not take the process down', async () => {
    const host = new EngineHost({ isolation });
    const rgba = new Uint8Array(64 * 64 * 4).fill(100);
    await host.run({ docId: 'r50', document: getPreset('resnet50'), inputs: { kind: 'image', width: 64, height: 64, rgba } });
    // The backend starts building a fully optimised session 250 ms after a run (for over a second):
    // stop inside that window. If the worker were terminated now, the process would abort.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await host.stop();
    expect((await errorOf(host.run({ docId: 'r50', document: poolDoc('max'), inputs: lectureInput }))).code).toBe('cancelled');
  });
});
