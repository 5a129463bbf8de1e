import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import { exportOnnx } from '../../core/onnx/export';
import { getPreset } from '../../core/presets';
import { float32ToBase64 } from '../../core/util/base64';
import { inlineWeightKey } from '../../core/weights/resolve';
import type { BackendRunResult } from '../backend';
import { prepareInputs } from '../execute';
import { NodeOutputCache } from '../node-output-cache';
import { newRunMemory, runReusing } from '../partial-run';
import { relativeToLargest } from '../testing/compare';
import { OrtBackend, SPIN_WITHIN_RUNS, type OrtBackendOptions } from './ort-backend';
import { SessionThread, type RunnableSession, type SessionMaker } from './session-thread';

const OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', extra: { session: SPIN_WITHIN_RUNS } };

describe('SessionThread: onnxruntime sessions created and run on a thread of their own', () => {
  const thread = new SessionThread();
  afterAll(() => thread.shutdown());

  it('runs a model as a session on this thread does, bit for bit, and lends its buffer back for the next model', async () => {
    const doc = getPreset('lenet5');
    const bytes = exportOnnx(doc, analyze(doc), { batch: 1 });
    const local = await ort.InferenceSession.create(bytes, OPTIONS);
    const sizes: number[] = [];
    const encode = (buffer: (size: number) => Uint8Array) => {
      const out = buffer(bytes.length);
      sizes.push(out.buffer.byteLength);
      out.set(bytes);
      return out;
    };
    const remote = await thread.create(encode, OPTIONS);
    const again = await thread.create(encode, OPTIONS);
    // The second model was encoded into the buffer the first one went over in, given back.
    expect(sizes[1]).toBe(sizes[0]);
    try {
      for (const salt of [1, 2]) {
        const input = new ort.Tensor('float32', Float32Array.from({ length: 32 * 32 }, (_, i) => Math.sin(i * 0.1 + salt)), [1, 1, 32, 32]);
        const feeds = { [local.inputNames[0]]: input };
        const fetches = [...local.outputNames];
        const want = await local.run(feeds, fetches);
        for (const session of [remote, again]) {
          const got = await session.run(feeds, fetches);
          for (const name of fetches) {
            expect(got[name].dims).toEqual(want[name].dims);
            expect(got[name].data).toEqual(want[name].data);
          }
        }
        // The caller's feed is the caller's: copied over, not moved.
        expect(input.data.length).toBe(32 * 32);
      }
    } finally {
      await local.release();
      await again.release();
    }
    await remote.release();
    await expect(remote.run({}, [])).rejects.toThrow(/released/);
  });

  it('reports a model onnxruntime refuses as an error, and serves the next one', async () => {
    await expect(thread.create((buffer) => buffer(16).fill(7), OPTIONS)).rejects.toThrow();
    const doc = getPreset('lenet5');
    const bytes = exportOnnx(doc, analyze(doc), { batch: 1 });
    const session = await thread.create((buffer) => {
      const out = buffer(bytes.length);
      out.set(bytes);
      return out;
    }, OPTIONS);
    await session.release();
  });

  it('after shutdown, the thread is gone and a new one starts on the next create', async () => {
    const own = new SessionThread();
    const doc = getPreset('lenet5');
    const bytes = exportOnnx(doc, analyze(doc), { batch: 1 });
    const encode = (buffer: (size: number) => Uint8Array) => {
      const out = buffer(bytes.length);
      out.set(bytes);
      return out;
    };
    const first = await own.create(encode, OPTIONS);
    await own.shutdown();
    // Its sessions went with it.
    await expect(first.run({}, [])).rejects.toThrow();
    const second = await own.create(encode, OPTIONS);
    await second.release();
    await own.shutdown();
  });
});

/** A SessionMaker on this thread whose sessions can be held back or made to fail (for the backend's tests). */
class TestMaker implements SessionMaker {
  created = 0;
  /** Sessions made and not released. */
  live = 0;
  failRuns = false;
  /** While set, a create waits for it. */
  gate: Promise<void> | undefined;
  started: (() => void) | undefined;
  async create(encode: (buffer: (size: number) => Uint8Array) => Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<RunnableSession> {
    const model = encode((size) => new Uint8Array(size));
    this.started?.();
    await this.gate;
    const session = await ort.InferenceSession.create(model, options);
    this.created++;
    this.live++;
    return {
      run: (feeds, fetches) => (this.failRuns ? Promise.reject(new Error('the thread exited')) : (session.run(feeds, fetches) as Promise<Record<string, ort.Tensor>>)),
      release: () => {
        this.live--;
        return session.release();
      },
    };
  }
  async shutdown(): Promise<void> {}
}

/** LeNet-5 after a seed edit (its seeded weights fed), with conv1's kernel edited by `kernelEdit`. */
function lenetScenario(seed = 5) {
  let doc: ModelDocument = { ...getPreset('lenet5'), seed };
  const analysis = analyze(doc);
  const data = prepareInputs(doc, analysis, { kind: 'image', width: 28, height: 28, rgba: Uint8Array.from({ length: 28 * 28 * 4 }, (_, i) => (i * 13) % 256) });
  const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
  const prim = analysis.primitives.nodes.find((p) => p.owner === conv.id && p.type === 'Conv2D')!;
  const spec = prim.weights.find((w) => w.name === 'kernel')!;
  const last = doc.nodes.find((n) => !doc.edges.some((e) => e.source === n.id))!.id;
  return {
    last,
    get doc() {
      return doc;
    },
    seed(s: number) {
      doc = { ...doc, seed: s };
    },
    kernelEdit(salt: number) {
      const values = Float32Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.3 + salt) * 0.2);
      doc = { ...doc, nodes: doc.nodes.map((n) => (n.id === conv.id ? { ...n, weights: { [inlineWeightKey(prim, 'kernel')]: { shape: [...spec.shape], base64: float32ToBase64(values) } } } : n)) };
    },
    data,
    runner(backend: OrtBackend) {
      const reuse = { cache: new NodeOutputCache(), memory: newRunMemory() };
      return async (): Promise<BackendRunResult> => (await runReusing(doc, analysis, data, backend, { previews: true, tensors: [last] }, reuse)).result;
    },
    /** Runs until a bake has something to take: a seed edit (every seeded weight fed from then on), then two kernel edits (the seeded weights the same twice). */
    async untilStable(run: () => Promise<BackendRunResult>) {
      await run();
      this.seed(6);
      await run();
      for (const salt of [1, 2]) {
        this.kernelEdit(salt);
        await run();
      }
    },
  };
}

/** Holds the backend's next bake back at its maker until `open()`; resolves once the bake has started. */
async function holdBake(maker: TestMaker, backend: OrtBackend): Promise<{ open: () => void; settled: Promise<void> }> {
  let open!: () => void;
  maker.gate = new Promise((r) => (open = r));
  const started = new Promise<void>((r) => (maker.started = r));
  const settled = backend.settle();
  await started;
  return { open, settled };
}

const QUIET: OrtBackendOptions = { upgradeDelayMs: 600_000, bakeDelayMs: 600_000 };

/** The scenario's output on a backend of its own (a fresh compilation), and how far `got` is from it, relative to its largest value. */
async function offFresh(s: ReturnType<typeof lenetScenario>, got: BackendRunResult): Promise<number> {
  const fresh = new OrtBackend(QUIET);
  try {
    const want = (await fresh.run(s.doc, analyze(s.doc), s.data, { previews: false, tensors: [s.last] })).tensors[s.last].data;
    return relativeToLargest(got.tensors[s.last].data, want);
  } finally {
    await fresh.dispose();
  }
}

describe('OrtBackend with bakes elsewhere (OrtBackendOptions.bakeOn)', () => {
  it('kernel edits after a seed edit run on a session baked on the thread: the same values as a session baked on this thread', async () => {
    const here = new OrtBackend(QUIET);
    const thread = new SessionThread();
    const elsewhere = new OrtBackend({ ...QUIET, bakeOn: thread });
    try {
      const a = lenetScenario();
      const b = lenetScenario();
      const runA = a.runner(here);
      const runB = b.runner(elsewhere);
      const both = async () => [await runA(), await runB()] as const;
      await both();
      a.seed(6);
      b.seed(6);
      await both(); // every seeded weight changed: fed from now on
      for (const salt of [1, 2]) {
        a.kernelEdit(salt);
        b.kernelEdit(salt);
        await both(); // the seeded weights keep their identity for two runs
      }
      await Promise.all([here.settle(), elsewhere.settle()]);
      for (const salt of [3, 4]) {
        a.kernelEdit(salt);
        b.kernelEdit(salt);
        const [x, y] = await both();
        expect(here.lastTimings.baked).toBe(true);
        expect(elsewhere.lastTimings.baked).toBe(true);
        expect(y.tensors[b.last].data).toEqual(x.tensors[a.last].data);
        for (const id of Object.keys(x.nodes)) expect(y.nodes[id].stats).toEqual(x.nodes[id].stats);
      }
    } finally {
      await here.dispose();
      await elsewhere.dispose(); // shuts the thread down
    }
  }, 60_000);

  it('a run while the bake is being made does not wait for it: it runs fed, and the next one baked', async () => {
    const maker = new TestMaker();
    const backend = new OrtBackend({ upgradeDelayMs: 600_000, bakeDelayMs: 600_000, bakeOn: maker });
    try {
      const s = lenetScenario();
      const run = s.runner(backend);
      await s.untilStable(run); // the seeded weights, the same twice, are what a bake takes
      const { open, settled } = await holdBake(maker, backend);
      // The bake is held back: a kernel edit now must not wait for it.
      s.kernelEdit(3);
      const during = await Promise.race([run(), new Promise<'waited'>((r) => setTimeout(() => r('waited'), 5_000))]);
      expect(during).not.toBe('waited');
      expect(backend.lastTimings.baked).toBe(false);
      expect(await offFresh(s, during as BackendRunResult)).toBeLessThan(1e-5);
      open();
      await settled;
      expect(maker.created).toBe(1);
      s.kernelEdit(4);
      const after = await run();
      expect(backend.lastTimings.baked).toBe(true);
      expect(await offFresh(s, after)).toBeLessThan(1e-5);
    } finally {
      await backend.dispose();
    }
  }, 60_000);

  it('a bake whose weights changed while it was being made is dropped, not used', async () => {
    const maker = new TestMaker();
    const backend = new OrtBackend({ upgradeDelayMs: 600_000, bakeDelayMs: 600_000, bakeOn: maker });
    try {
      const s = lenetScenario();
      const run = s.runner(backend);
      await s.untilStable(run); // the seeded weights, the same twice, are what a bake takes
      const { open, settled } = await holdBake(maker, backend);
      s.seed(7); // other seeded weights than those being baked
      await run();
      open();
      await settled;
      expect(maker.created).toBe(1);
      expect(maker.live).toBe(0); // made, found stale, released
      maker.gate = undefined;
      s.kernelEdit(3);
      const got = await run();
      expect(backend.lastTimings.baked).toBe(false);
      expect(await offFresh(s, got)).toBeLessThan(1e-5);
    } finally {
      await backend.dispose();
    }
  }, 60_000);

  it('a baked session whose thread failed is forgotten: the run is made again on fed weights, and is right', async () => {
    const maker = new TestMaker();
    const backend = new OrtBackend({ upgradeDelayMs: 600_000, bakeDelayMs: 600_000, bakeOn: maker });
    try {
      const s = lenetScenario();
      const run = s.runner(backend);
      await s.untilStable(run); // the seeded weights, the same twice, are what a bake takes
      await backend.settle();
      s.kernelEdit(3);
      await run();
      expect(backend.lastTimings.baked).toBe(true);
      maker.failRuns = true;
      s.kernelEdit(4);
      const again = await run();
      expect(backend.lastTimings.baked).toBe(false);
      expect(maker.live).toBe(1); // forgotten, not released: its thread took it
      expect(await offFresh(s, again)).toBeLessThan(1e-5);
      s.kernelEdit(5);
      await run();
      expect(backend.lastTimings.baked).toBe(false);
    } finally {
      await backend.dispose();
    }
  }, 60_000);
});
