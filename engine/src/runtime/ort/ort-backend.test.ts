import { afterAll, describe, expect, it, vi } from 'vitest';
import * as ort from 'onnxruntime-node';
import { analyze } from '../../core/graph/analyze';
import type { ModelDocument } from '../../core/document/schema';
import { exportOnnx } from '../../core/onnx/export';
import { getPreset } from '../../core/presets';
import { cardPreview, featurePreview, tensorStats } from '../previews';
import { ReferenceBackend } from '../reference/backend';
import { chainDoc, LECTURE_4X4, type LayerSpec } from '../testing/docs';
import { OrtBackend } from './ort-backend';

const backend = new OrtBackend();
afterAll(() => backend.dispose());

function seq(n: number, f = (i: number) => Math.sin(i * 0.731) * 3): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => f(i));
}

async function runChain(input: { channels: number; height: number; width: number }, layers: LayerSpec[], data: Float32Array, previews = false) {
  const doc = chainDoc(input, layers);
  const analysis = analyze(doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return backend.run(doc, analysis, { input: data }, { previews, tensors: 'all' });
}

describe('onnxruntime backend — the lecture pooling vectors (4×4, 2×2 windows, stride 2)', () => {
  const x = Float32Array.from(LECTURE_4X4.flat());
  it.each([
    ['max', [28, 65, 87, 56]],
    ['min', [3, 21, 5, 4]],
    ['avg', [13, 35, 47, 21]],
  ])('%s pooling', async (mode, expected) => {
    const r = await runChain({ channels: 1, height: 4, width: 4 }, [{ id: 'pool', type: 'Pool2D', params: { mode, kernel: 2, stride: 2 } }], x);
    expect(r.tensors.pool.shape).toEqual([1, 2, 2]);
    expect([...r.tensors.pool.data]).toEqual(expected);
  });
});

describe('onnxruntime backend — LRN against the hand formula', () => {
  it('b = a / (bias + alpha/size · Σ neighbour squares)^beta, window clipped at the channel ends', async () => {
    const [C, H, W] = [6, 2, 3];
    const p = { size: 3, alpha: 0.3, beta: 0.75, bias: 2 };
    const a = seq(C * H * W);
    const r = await runChain({ channels: C, height: H, width: W }, [{ id: 'lrn', type: 'LRN', params: p }], a);
    const got = r.tensors.lrn.data;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < H * W; i++) {
        let sum = 0;
        for (let k = Math.max(0, c - 1); k <= Math.min(C - 1, c + 1); k++) sum += a[k * H * W + i] ** 2;
        const expected = a[c * H * W + i] / (p.bias + (p.alpha / p.size) * sum) ** p.beta;
        expect(got[c * H * W + i]).toBeCloseTo(expected, 5);
      }
    }
  });
});

describe('onnxruntime backend — agrees with the reference backend', () => {
  const cases: [string, { channels: number; height: number; width: number }, LayerSpec[]][] = [
    ['conv same/2, dilation, groups', { channels: 4, height: 9, width: 7 }, [
      { type: 'Conv2D', params: { filters: 6, kernel: 3, stride: 2, padding: 'same' } },
      { type: 'Conv2D', params: { filters: 6, kernel: 2, dilation: 2, groups: 3, padding: [1, 0, 2, 1] } },
      { type: 'Activation', params: { fn: 'leaky_relu', alpha: 0.1 } },
    ]],
    ['pooling with padding and ceil', { channels: 2, height: 7, width: 8 }, [
      { type: 'Pool2D', params: { mode: 'avg', kernel: 3, stride: 2, padding: 1, countIncludePad: true } },
      { type: 'Pool2D', params: { mode: 'max', kernel: 2, stride: 2, ceil: true } },
    ]],
    ['min pool, avg without pad count, ceil', { channels: 3, height: 7, width: 7 }, [
      { type: 'Pool2D', params: { mode: 'min', kernel: 3, stride: 2, padding: 1 } },
      { type: 'Pool2D', params: { mode: 'avg', kernel: 2, stride: 2, ceil: true } },
    ]],
    ['batch norm, LRN, zero pad, sigmoid, tanh', { channels: 3, height: 5, width: 5 }, [
      { type: 'BatchNorm', weights: { scale: [1, 2, 0.5], bias: [0.1, -0.2, 0.3], mean: [0.5, -1, 0], var: [1, 4, 0.25] } },
      { type: 'LRN', params: { size: 5, alpha: 0.01, beta: 0.5, bias: 1 } },
      { type: 'ZeroPad2D', params: { padding: [1, 2, 0, 1] } },
      { type: 'Activation', params: { fn: 'sigmoid' } },
      { type: 'Activation', params: { fn: 'tanh' } },
    ]],
    ['global pool → dense (C×1×1) → dropout → softmax', { channels: 5, height: 4, width: 4 }, [
      { type: 'GlobalPool', params: { mode: 'max' } },
      { type: 'Dense', params: { units: 7 } },
      { type: 'Dropout' },
      { type: 'Softmax' },
    ]],
    ['flatten → dense without bias', { channels: 2, height: 3, width: 3 }, [
      { type: 'Flatten' },
      { type: 'Dense', params: { units: 4, bias: false } },
    ]],
  ];
  it.each(cases)('%s', async (_name, input, layers) => {
    const doc = chainDoc(input, layers);
    const analysis = analyze(doc);
    expect(analysis.valid).toBe(true);
    const x = seq(input.channels * input.height * input.width);
    const opts = { previews: true, tensors: 'all' as const };
    const fast = await backend.run(doc, analysis, { input: x }, opts);
    const ref = await new ReferenceBackend().run(doc, analysis, { input: x }, opts);
    for (const [id, t] of Object.entries(ref.tensors)) {
      expect(fast.tensors[id].shape).toEqual(t.shape);
      const scale = Math.max(1e-3, ...t.data.map(Math.abs));
      t.data.forEach((v, i) => expect(Math.abs(fast.tensors[id].data[i] - v) / scale).toBeLessThan(1e-5));
    }
    expect(Object.keys(fast.nodes).sort()).toEqual(Object.keys(ref.nodes).sort());
  });

  it('a graph with a skip connection (Add) and Concat', async () => {
    const doc: ModelDocument = {
      format: 'cnn-studio.model',
      version: 1,
      name: 'skip',
      nodes: [
        { id: 'input', type: 'Input', params: { channels: 3, height: 6, width: 6 } },
        { id: 'a', type: 'Conv2D', params: { filters: 3, kernel: 3, padding: 'same' } },
        { id: 'b', type: 'Conv2D', params: { filters: 3, kernel: 1 } },
        { id: 'sum', type: 'Add', params: {} },
        { id: 'sum3', type: 'Add', params: {} },
        { id: 'cat', type: 'Concat', params: {} },
      ],
      edges: [
        { id: 'e1', source: 'input', target: 'a' },
        { id: 'e2', source: 'input', target: 'b' },
        { id: 'e3', source: 'a', target: 'sum' },
        { id: 'e4', source: 'input', target: 'sum' },
        { id: 'e5', source: 'a', target: 'sum3' },
        { id: 'e6', source: 'b', target: 'sum3' },
        { id: 'e7', source: 'input', target: 'sum3' },
        { id: 'e8', source: 'sum', target: 'cat', targetPort: 1 },
        { id: 'e9', source: 'sum3', target: 'cat', targetPort: 0 },
      ],
    };
    const analysis = analyze(doc);
    expect(analysis.valid).toBe(true);
    const x = seq(3 * 36);
    const fast = await backend.run(doc, analysis, { input: x }, { previews: false, tensors: ['cat'] });
    const ref = await new ReferenceBackend().run(doc, analysis, { input: x }, { previews: false, tensors: ['cat'] });
    expect(fast.tensors.cat.shape).toEqual([6, 6, 6]);
    ref.tensors.cat.data.forEach((v, i) => expect(fast.tensors.cat.data[i]).toBeCloseTo(v, 5));
  });
});

describe('onnxruntime backend — statistics and previews', () => {
  it.each([
    ['computed in the graph', { hostTapValues: 0, hostNodeValues: 0 }],
    ['in the graph, tiny maps on the JS side', { hostTapValues: 0 }],
    ['computed on the JS side from full tensors', { hostTapValues: Infinity }],
  ])('match the definitions in previews.ts for maps larger than 64×64 with more than 64 channels (%s)', async (_how, options) => {
    const backend = new OrtBackend(options);
    const doc = chainDoc({ channels: 3, height: 150, width: 100 }, [
      { id: 'conv', type: 'Conv2D', params: { filters: 80, kernel: 3, padding: 'same' } },
      // Statistics given as mean 0, var 1: only scales conv — in the graph, derived from conv's
      // taps (taps.ts, scaleOf).
      { id: 'bn', type: 'BatchNorm', params: { epsilon: 0.3 }, weights: { mean: new Array(80).fill(0), var: new Array(80).fill(1) } },
      // Shifts: taps of its own.
      { id: 'bn_shift', type: 'BatchNorm', weights: { bias: Array.from({ length: 80 }, (_, c) => c / 40 - 1), mean: new Array(80).fill(0), var: new Array(80).fill(1) } },
      // No statistics: calibrated on this input (an InstanceNormalization), taps of its own.
      { id: 'bn_calibrated', type: 'BatchNorm' },
      { id: 'relu', type: 'Activation', params: { fn: 'relu' } },
      { id: 'gap', type: 'GlobalPool' },
      { id: 'fc', type: 'Dense', params: { units: 100 } },
    ]);
    const analysis = analyze(doc);
    const x = seq(3 * 150 * 100);
    const r = await backend.run(doc, analysis, { input: x }, { previews: true, tensors: 'all' });
    expect(r.calibrated).toEqual(['bn_calibrated']);
    for (const id of ['input', 'conv', 'bn', 'bn_shift', 'bn_calibrated', 'relu', 'gap', 'fc']) {
      const t = r.tensors[id];
      const node = r.nodes[id];
      const want = tensorStats(t.data);
      expect(node.shape).toEqual(t.shape);
      // Float32 sums in the graph vs float64 in previews.ts.
      for (const k of ['min', 'max', 'mean', 'std', 'zeros'] as const) expect(Math.abs(node.stats[k] - want[k])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[k])));
      const p = node.preview!;
      const q = featurePreview(t.shape, t.data);
      expect([p.channels, p.height, p.width]).toEqual([q.channels, q.height, q.width]);
      expect(p.data).toBeInstanceOf(Uint8Array);
      expect(p.data.length).toBe(p.channels * p.height * p.width);
      expect(p.ranges.length).toBe(2 * p.channels);
      p.ranges.forEach((v, i) => expect(v).toBeCloseTo(q.ranges[i], 5));
      // Float rounding in a different order may move a value across a rounding boundary: at most 1 step.
      p.data.forEach((v, i) => expect(Math.abs(v - q.data[i])).toBeLessThanOrEqual(1));
      // Its card (in the graph: the mean of the downsampled floats; else from the bytes) against the
      // definition's card of the exact preview: the first channel as it is; the mean a few levels
      // apart — the definition averages bytes, each off by up to half a step of its channel's range,
      // and the mean's own range is narrower than its channels', so those steps weigh more.
      const card = cardPreview(p);
      const wantCard = cardPreview(q);
      expect([card.channels, card.card]).toEqual([wantCard.channels, { channels: q.channels }]);
      card.data.forEach((v, i) => expect(Math.abs(v - wantCard.data[i])).toBeLessThanOrEqual(i < p.height * p.width ? 1 : 4));
      card.ranges.forEach((v, i) => expect(Math.abs(v - wantCard.ranges[i])).toBeLessThan(0.02 * Math.max(1, Math.abs(wantCard.ranges[i]))));
    }
    expect(r.nodes.conv.preview!.channels).toBe(64);
    expect([r.nodes.conv.preview!.height, r.nodes.conv.preview!.width]).toEqual([50, 34]); // 3×3 blocks, the last column 1 wide
    expect(r.nodes.relu.stats.zeros).toBeGreaterThan(0.2);
    expect([r.nodes.fc.preview!.channels, r.nodes.fc.preview!.height, r.nodes.fc.preview!.width]).toEqual([1, 1, 50]);
    await backend.dispose();
  });

  it("keeps an input's summary while the input's bytes stay the same, even in a reused array", async () => {
    const own = new OrtBackend({ hostTapValues: 0, hostNodeValues: 0 });
    const doc = chainDoc({ channels: 2, height: 112, width: 112 }, [{ id: 'relu', type: 'Activation', params: { fn: 'relu' } }]);
    const analysis = analyze(doc);
    const x = seq(2 * 112 * 112);
    const first = await own.run(doc, analysis, { input: x }, { previews: true, tensors: 'none' });
    const again = await own.run(doc, analysis, { input: x }, { previews: true, tensors: 'none' });
    expect(again.nodes.input).toEqual(first.nodes.input);
    // Each result owns its buffers (the worker transfers them).
    expect(again.nodes.input.preview!.data.buffer).not.toBe(first.nodes.input.preview!.data.buffer);
    x[5] = 1000;
    const changed = await own.run(doc, analysis, { input: x }, { previews: true, tensors: 'none' });
    expect(changed.nodes.input.stats).toEqual(tensorStats(x));
    expect(changed.nodes.input.preview).toEqual(featurePreview([2, 112, 112], x));
    expect(changed.nodes.input.stats.max).toBe(1000);
    await own.dispose();
  });

  it('in the graph, a 112×112 map downsampled by 2×2 blocks matches previews.ts', async () => {
    const own = new OrtBackend({ hostTapValues: 0 });
    const doc = chainDoc({ channels: 2, height: 112, width: 112 }, [{ id: 'relu', type: 'Activation', params: { fn: 'relu' } }]);
    const x = seq(2 * 112 * 112);
    const r = await own.run(doc, analyze(doc), { input: x }, { previews: true, tensors: 'all' });
    for (const id of ['input', 'relu']) {
      const q = featurePreview([2, 112, 112], r.tensors[id].data);
      const p = r.nodes[id].preview!;
      expect([p.channels, p.height, p.width]).toEqual([2, 56, 56]);
      p.data.forEach((v, i) => expect(Math.abs(v - q.data[i])).toBeLessThanOrEqual(1));
      expect(r.nodes[id].stats.zeros).toBeCloseTo(tensorStats(r.tensors[id].data).zeros, 6);
    }
    await own.dispose();
  });

  it('in the graph, maps of one channel only: no channel means to fetch, and each card is that channel', async () => {
    const own = new OrtBackend({ hostTapValues: 0 });
    const doc = chainDoc({ channels: 1, height: 112, width: 112 }, [{ id: 'relu', type: 'Activation', params: { fn: 'relu' } }]);
    const r = await own.run(doc, analyze(doc), { input: seq(112 * 112) }, { previews: true, tensors: 'outputs' });
    const p = r.nodes.relu.preview!;
    expect(p.channels).toBe(1);
    expect(Array.from(cardPreview(p).data)).toEqual(Array.from(p.data));
    await own.dispose();
  });

  it('an unchanged graph reuses its session, even after moving nodes and renaming the model', async () => {
    const doc = chainDoc({ channels: 1, height: 8, width: 8 }, [{ type: 'Conv2D', params: { filters: 2, kernel: 3 } }]);
    const x = seq(64);
    const first = await backend.run(doc, analyze(doc), { input: x }, { previews: true, tensors: 'outputs' });
    const moved = { ...doc, name: 'renamed', nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: i * 100, y: 7 } })) };
    const second = await backend.run(moved, analyze(moved), { input: x }, { previews: true, tensors: 'outputs' });
    expect(backend.lastTimings.reusedSession).toBe(true);
    expect(second.tensors.n1.data).toEqual(first.tensors.n1.data);
    const reseeded = await backend.run(doc, analyze(doc), { input: x }, { previews: true, tensors: 'outputs', seed: 7 });
    expect(backend.lastTimings.reusedSession).toBe(false);
    expect(reseeded.tensors.n1.data).not.toEqual(first.tensors.n1.data);
  });

  it('a large graph starts unoptimised and is upgraded when idle, never under a run', async () => {
    const doc = chainDoc({ channels: 3, height: 32, width: 32 }, [
      { id: 'conv', type: 'Conv2D', params: { filters: 16, kernel: 3, padding: 1 } },
      { type: 'BatchNorm' },
      { type: 'Activation' },
      { id: 'gap', type: 'GlobalPool' },
    ]);
    const analysis = analyze(doc);
    const own = new OrtBackend({ smallGraphMacs: 0, upgradeDelayMs: 0 });
    try {
      const x = seq(3 * 32 * 32);
      const first = await own.run(doc, analysis, { input: x }, { previews: true, tensors: 'outputs' });
      expect(own.lastTimings.reusedSession).toBe(false);
      // Back-to-back runs while the zero-delay upgrade timer keeps firing between them.
      for (let i = 0; i < 20; i++) {
        const r = await own.run(doc, analysis, { input: x }, { previews: true, tensors: 'outputs' });
        expect(own.lastTimings.reusedSession).toBe(true);
        r.tensors.gap.data.forEach((v, j) => expect(v).toBeCloseTo(first.tensors.gap.data[j], 5));
        if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Another document compiling while the first one's upgrade may be under way.
      const other = chainDoc({ channels: 3, height: 32, width: 32 }, [{ id: 'conv', type: 'Conv2D', params: { filters: 8, kernel: 5 } }]);
      const both = await Promise.all([
        own.run(other, analyze(other), { input: x }, { previews: true, tensors: 'outputs' }),
        own.run(doc, analysis, { input: x }, { previews: true, tensors: 'outputs' }),
      ]);
      expect(both[0].tensors.conv.shape).toEqual([8, 28, 28]);
      await own.settle();
      const upgraded = await own.run(doc, analysis, { input: x }, { previews: true, tensors: 'outputs' });
      upgraded.tensors.gap.data.forEach((v, j) => expect(v).toBeCloseTo(first.tensors.gap.data[j], 5));
      expect(upgraded.nodes.conv.stats.max).toBeCloseTo(first.nodes.conv.stats.max, 5);
    } finally {
      await own.dispose();
    }
  });

  it('a session that served one run is upgraded only after a longer pause (the next structural edit usually replaces it)', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const until = async (done: () => boolean, ms: number) => {
      for (const t0 = Date.now(); !done() && Date.now() - t0 < ms; ) await sleep(20);
    };
    const doc = (filters: number) => chainDoc({ channels: 3, height: 32, width: 32 }, [{ id: 'conv', type: 'Conv2D', params: { filters, kernel: 3, padding: 1 } }]);
    const own = new OrtBackend({ smallGraphMacs: 0, maxSessions: 4, upgradeDelayMs: 20, oneOffUpgradeDelayMs: 5000 });
    try {
      const x = seq(3 * 32 * 32);
      const once = doc(8);
      await own.run(once, analyze(once), { input: x }, { previews: true, tensors: 'outputs' });
      const created = own.sessionsCreated;
      await sleep(1000); // a timer fires late, never early
      expect(own.sessionsCreated).toBe(created);
      const twice = doc(16);
      for (let i = 0; i < 2; i++) await own.run(twice, analyze(twice), { input: x }, { previews: true, tensors: 'outputs' });
      // Run twice: upgraded after 20 ms of idle (the session run once goes with it).
      await until(() => own.sessionsCreated === created + 3, 4000);
      expect(own.sessionsCreated).toBe(created + 3);
    } finally {
      await own.dispose();
    }
  });

  it('a session pushed out of the cache is released after the run that pushed it out has answered', async () => {
    const own = new OrtBackend({ maxSessions: 1, upgradeDelayMs: 600_000 });
    const released: string[] = [];
    // onnxruntime-node's sessions share one prototype; its typings describe only the factory.
    const sessionPrototype = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
    const spy = vi.spyOn(sessionPrototype, 'release').mockImplementation(async function (this: ort.InferenceSession) {
      released.push(this.outputNames.join(','));
    });
    try {
      const x = seq(64);
      const a = chainDoc({ channels: 1, height: 8, width: 8 }, [{ id: 'a', type: 'Conv2D', params: { filters: 2, kernel: 3 } }]);
      const b = chainDoc({ channels: 1, height: 8, width: 8 }, [{ id: 'b', type: 'Conv2D', params: { filters: 3, kernel: 3 } }]);
      await own.run(a, analyze(a), { input: x }, { previews: true, tensors: 'outputs' });
      const result = await own.run(b, analyze(b), { input: x }, { previews: true, tensors: 'outputs' });
      // The run of b answered before a's session went: releasing it is not on the edit's path.
      expect(result.tensors.b.shape).toEqual([3, 6, 6]);
      expect(released).toEqual([]);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(released).toHaveLength(1);
      expect(released[0]).toContain('a');
    } finally {
      spy.mockRestore();
      await own.dispose();
    }
  });

  it('refuses an input of the wrong size with a clear message', async () => {
    const doc = chainDoc({ channels: 1, height: 4, width: 4 }, [{ type: 'Activation' }]);
    await expect(backend.run(doc, analyze(doc), { input: new Float32Array(5) }, { previews: false, tensors: 'outputs' })).rejects.toThrow(/expects 1×4×4 = 16 values, got 5/);
  });
});

describe('onnxruntime backend — the exported file gives the same outputs', () => {
  it.each(['lenet5', 'resnet18', 'googlenet'])('%s (raw onnxruntime session on exportOnnx bytes, after the backend settles)', async (name) => {
    const doc = getPreset(name);
    const input = doc.nodes.find((n) => n.type === 'Input')!;
    // GoogLeNet's final 7×7 average pool needs the full 224×224 input: the one full-size check.
    if (name === 'resnet18') input.params = { ...input.params, height: 64, width: 64 };
    const analysis = analyze(doc);
    const [c, h, w] = [input.params.channels, input.params.height, input.params.width] as number[];
    const x = seq(c * h * w, (i) => Math.cos(i * 0.013));
    const own = new OrtBackend();
    // The file keeps the running statistics; live inference calibrates batch norms without them
    // on the input (core/weights/calibration.ts): compared with those off.
    const options = { previews: false, tensors: 'outputs' as const, calibrateBatchNorm: false };
    try {
      await own.run(doc, analysis, { [input.id]: x }, options);
      await own.settle();
      const ours = await own.run(doc, analysis, { [input.id]: x }, options);
      const session = await ort.InferenceSession.create(exportOnnx(doc, analysis), { intraOpNumThreads: 2 });
      const raw = await session.run({ [input.id]: new ort.Tensor('float32', x, [1, c, h, w]) });
      await session.release();
      const outs = Object.keys(ours.tensors);
      expect(outs.length).toBeGreaterThan(0);
      for (const id of outs) expect(Array.from(raw[id].data as Float32Array)).toEqual(Array.from(ours.tensors[id].data));
    } finally {
      await own.dispose();
    }
  });
});
