import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../core/document/schema';
import { analyze } from '../core/graph/analyze';
import { getPreset } from '../core/presets';
import { float32ToBase64 } from '../core/util/base64';
import { inlineWeightKey } from '../core/weights/resolve';
import { prepareInputs } from './execute';
import { NodeOutputCache, type CachedOutput } from './node-output-cache';
import { OrtBackend } from './ort/ort-backend';
import type { Backend, BackendRunOptions } from './backend';
import { checkpoints, editBoundary, FEED_SEEDED_FROM_START_PARAMS, newRunMemory, planPartialRun, runReusing, trackVolatileWeights } from './partial-run';
import { relativeToLargest } from './testing/compare';

/** A chain input → a → b → c → d, keyed "<id>@<version>". */
function chain(versions: Record<string, number> = {}) {
  const order = ['input', 'a', 'b', 'c', 'd'];
  const output = new Map(order.map((id) => [id, `${id}@${versions[id] ?? 0}`]));
  const preds = new Map(order.map((id, i) => [id, i ? [order[i - 1]] : []]));
  return { order, output, preds };
}

/** A cache that holds summaries of `summaries` and tensors of `tensors` (by key). */
function fakeCache(summaries: string[], tensors: string[]) {
  return { has: (key: string, part: keyof CachedOutput) => (part === 'summary' ? summaries : tensors).includes(key) };
}

const inputs = new Set(['input']);

describe('planPartialRun', () => {
  it('runs everything the first time, nothing when every output is kept (the same document again, an undo)', () => {
    const keys = chain();
    expect(planPartialRun({ keys, cache: fakeCache([], []), wanted: new Set(['d']), inputs, keep: [] })).toEqual({ run: ['input', 'a', 'b', 'c', 'd'], fed: [], keep: ['d'] });
    const all = [...keys.output.values()];
    expect(planPartialRun({ keys, cache: fakeCache(all, ['d@0']), wanted: new Set(['d']), inputs, keep: ['b'] })).toEqual({ run: [], fed: [], keep: [] });
  });

  it('an edit of c runs c and what follows, from the kept output of b', () => {
    const keys = chain({ c: 1, d: 1 });
    const plan = planPartialRun({ keys, cache: fakeCache(['input@0', 'a@0', 'b@0', 'c@0', 'd@0'], ['b@0']), wanted: new Set(['d']), inputs, keep: ['b'] });
    expect(plan).toEqual({ run: ['c', 'd'], fed: ['b'], keep: ['d'] });
  });

  it('without b’s full output, runs from the input, the input included: the whole graph (and keeps b’s output for the next edit)', () => {
    const keys = chain({ c: 1, d: 1 });
    const plan = planPartialRun({ keys, cache: fakeCache(['input@0', 'a@0', 'b@0'], []), wanted: new Set(), inputs, keep: ['b'] });
    expect(plan).toEqual({ run: ['input', 'a', 'b', 'c', 'd'], fed: [], keep: ['b'] });
  });

  it('never starts where the backend may not (canFeed): then from the node before', () => {
    const keys = chain({ c: 1, d: 1 });
    const cache = fakeCache(['input@0', 'a@0', 'b@0'], ['a@0', 'b@0']);
    const plan = planPartialRun({ keys, cache, wanted: new Set(), inputs, keep: [], canFeed: (from) => from !== 'b' });
    expect(plan).toEqual({ run: ['b', 'c', 'd'], fed: ['a'], keep: [] });
  });
});

describe('checkpoints', () => {
  const costs = (macs: Record<string, number>) => (id: string) => ({ macs: macs[id] ?? 0, values: 100 });

  it('in a chain: the nodes nearest to each fifth of the work, never an input or the output', () => {
    const keys = { order: ['input', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], preds: new Map<string, string[]>() };
    keys.order.forEach((id, i) => keys.preds.set(id, i ? [keys.order[i - 1]] : []));
    const macs = Object.fromEntries(keys.order.map((id) => [id, id === 'input' ? 0 : 10]));
    // Cumulative shares after a…h: 1/8 … 8/8; targets 1/5 … 4/5.
    expect(checkpoints(keys, costs(macs), inputs)).toEqual(['b', 'c', 'e', 'f']);
    expect(checkpoints(keys, costs(macs), inputs, () => true, 1)).toEqual(['d']);
  });

  it('never a node an edge jumps over (inside a skip connection), nor one a run may not start at, nor a large map', () => {
    // input → a → b → c → add(a, c) → d: b and c lie inside the skip from a to add.
    const preds = new Map<string, string[]>([['input', []], ['a', ['input']], ['b', ['a']], ['c', ['b']], ['add', ['a', 'c']], ['d', ['add']], ['e', ['d']]]);
    const keys = { order: ['input', 'a', 'b', 'c', 'add', 'd', 'e'], preds };
    const macs = { a: 10, b: 10, c: 10, add: 1, d: 10, e: 10 };
    expect(checkpoints(keys, costs(macs), inputs, () => true, 5)).toEqual(['a', 'add', 'd']);
    expect(checkpoints(keys, costs(macs), inputs, (from) => from !== 'add', 5)).toEqual(['a', 'd']);
    expect(checkpoints(keys, (id) => ({ macs: macs[id as keyof typeof macs] ?? 0, values: id === 'd' ? 2 ** 23 : 100 }), inputs, () => true, 5)).toEqual(['a', 'add']);
  });
});

describe('editBoundary', () => {
  it('is the nodes feeding the first changed node; nothing on a first run or when the input changed', () => {
    const before = new Set(chain().output.values());
    expect(editBoundary(chain({ c: 1, d: 1 }), before, inputs)).toEqual(['b']);
    expect(editBoundary(chain({ c: 1, d: 1 }), new Set(), inputs)).toEqual([]);
    expect(editBoundary(chain({ input: 1, a: 1, b: 1, c: 1, d: 1 }), before, inputs)).toEqual([]);
    // Right after the input: the input is always at hand.
    expect(editBoundary(chain({ a: 1, b: 1, c: 1, d: 1 }), before, inputs)).toEqual([]);
  });

  it('walks further up where a run may not start', () => {
    const before = new Set(chain().output.values());
    expect(editBoundary(chain({ c: 1, d: 1 }), before, inputs, (from) => from !== 'b')).toEqual(['a']);
  });
});

describe('weights fed to the compiled graph (RunMemory.volatile)', () => {
  const ids = (p: string, given = false) => ({ kernel: given ? `given:${p}` : `seeded:42:${p}:kernel`, bias: `seeded:42:${p}:bias` });

  it('are the ones that changed between two runs; in a large network every seeded one from the first run', () => {
    const small = newRunMemory();
    trackVolatileWeights(small, new Map([['a', ids('a')], ['b', ids('b', true)]]));
    expect([...small.volatile]).toEqual([]);
    trackVolatileWeights(small, new Map([['a', ids('a')], ['b', { ...ids('b', true), kernel: 'given:b2' }]]));
    expect([...small.volatile]).toEqual(['b']);
    const large = newRunMemory();
    trackVolatileWeights(large, new Map([['a', ids('a')], ['b', { kernel: 'given:b', bias: 'given:b' }]]), true);
    expect([...large.volatile]).toEqual(['a']);
  });

  it('ResNet-152 (60 M parameters) and ResNet-50 (26 M) run their first graph on fed seeded weights; LeNet-5 (62 K) on constants', async () => {
    const asked: BackendRunOptions[] = [];
    const recorder: Backend = {
      name: 'recorder',
      run: async (_d, _a, _i, options) => {
        asked.push(options);
        return { nodes: {}, tensors: {} };
      },
      dispose: async () => {},
    };
    for (const preset of ['resnet152', 'resnet50', 'lenet5']) {
      const doc = getPreset(preset);
      const analysis = analyze(doc);
      const input = analysis.primitives.nodes.find((p) => p.type === 'Input')!;
      await runReusing(doc, analysis, { [input.owner]: new Float32Array(input.shape.reduce((a, b) => a * b, 1)) }, recorder, { previews: true, tensors: [] }, { cache: new NodeOutputCache(), memory: newRunMemory() });
      expect(analysis.totals.params > FEED_SEEDED_FROM_START_PARAMS).toBe(preset !== 'lenet5');
    }
    expect(asked[0].weightInputs?.size).toBeGreaterThan(150);
    expect(asked[1].weightInputs?.size).toBeGreaterThan(100);
    expect(asked[2].weightInputs).toBeUndefined();
  });
});

describe('weights that change without a new session (onnxruntime)', () => {
  const ort = new OrtBackend({ upgradeDelayMs: 600_000 });
  afterAll(() => ort.dispose());

  it('LeNet-5: trained weights that change on every run (a training run followed live), then seed edits, reuse one compiled graph each', async () => {
    let doc: ModelDocument = getPreset('lenet5');
    const analysis = analyze(doc);
    const data = prepareInputs(doc, analysis, { kind: 'image', width: 28, height: 28, rgba: Uint8Array.from({ length: 28 * 28 * 4 }, (_, i) => (i * 13) % 256) });
    const reuse = { cache: new NodeOutputCache(), memory: newRunMemory() };
    const run = () => runReusing(doc, analysis, data, ort, { previews: true, tensors: 'outputs' }, reuse);
    const trainedStep = (step: number) => {
      const weights = new Map<string, Record<string, { shape: number[]; base64: string }>>();
      for (const p of analysis.primitives.nodes) {
        for (const w of p.weights) {
          const values = Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + step) * 0.1);
          weights.set(p.owner, { ...weights.get(p.owner), [inlineWeightKey(p, w.name)]: { shape: [...w.shape], base64: float32ToBase64(values) } });
        }
      }
      doc = { ...doc, nodes: doc.nodes.map((n) => (weights.has(n.id) ? { ...n, weights: weights.get(n.id) } : n)) };
    };
    await run();
    trainedStep(1);
    await run();
    trainedStep(2);
    await run(); // the weights changed twice: from now on they are fed to the graph
    let sessions = ort.sessionsCreated;
    for (const step of [3, 4, 5]) {
      trainedStep(step);
      expect((await run()).plan!).toMatchObject({ run: doc.nodes.map((n) => n.id), fed: [] }); // everything (the unchanged input runs rather than being fed)
    }
    expect(ort.sessionsCreated).toBe(sessions);
    // Back to seeded weights, then seed edits: fed as well in a network this small.
    doc = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, weights: undefined })) };
    await run();
    doc = { ...doc, seed: 1 };
    await run();
    sessions = ort.sessionsCreated;
    for (const seed of [2, 3, 4]) {
      doc = { ...doc, seed };
      await run();
    }
    expect(ort.sessionsCreated).toBe(sessions);
  }, 60_000);
});

describe('fed weights that stopped changing are baked in when idle (onnxruntime)', () => {
  const ort = new OrtBackend({ upgradeDelayMs: 600_000 });
  afterAll(() => ort.dispose());

  it('LeNet-5: kernel edits after a seed edit run on a session with the seeded weights as constants, and give what a fresh compilation gives', async () => {
    let doc: ModelDocument = { ...getPreset('lenet5'), seed: 5 };
    const analysis = analyze(doc);
    const data = prepareInputs(doc, analysis, { kind: 'image', width: 28, height: 28, rgba: Uint8Array.from({ length: 28 * 28 * 4 }, (_, i) => (i * 13) % 256) });
    const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
    const prim = analysis.primitives.nodes.find((p) => p.owner === conv.id && p.type === 'Conv2D')!;
    const spec = prim.weights.find((w) => w.name === 'kernel')!;
    const kernelEdit = (salt: number) => {
      const values = Float32Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.3 + salt) * 0.2);
      doc = { ...doc, nodes: doc.nodes.map((n) => (n.id === conv.id ? { ...n, weights: { [inlineWeightKey(prim, 'kernel')]: { shape: [...spec.shape], base64: float32ToBase64(values) } } } : n)) };
    };
    const reuse = { cache: new NodeOutputCache(), memory: newRunMemory() };
    const run = async () => (await runReusing(doc, analysis, data, ort, { previews: true, tensors: 'outputs' }, reuse)).result;
    const last = doc.nodes.find((n) => !doc.edges.some((e) => e.source === n.id))!.id;
    const againstFresh = async (got: Float32Array) => {
      const fresh = new OrtBackend({ upgradeDelayMs: 600_000 });
      try {
        return relativeToLargest(got, (await fresh.run(doc, analysis, data, { previews: false, tensors: [last] })).tensors[last].data);
      } finally {
        await fresh.dispose();
      }
    };
    await run();
    doc = { ...doc, seed: 6 };
    await run(); // every seeded weight changed: fed from now on
    kernelEdit(1);
    await run();
    kernelEdit(2);
    await run(); // the seeded weights kept their identity for two runs of this graph
    expect(ort.lastTimings.baked).toBe(false);
    await ort.settle();
    const sessions = ort.sessionsCreated;
    for (const salt of [3, 4]) {
      kernelEdit(salt);
      const result = await run();
      expect(ort.lastTimings.baked).toBe(true);
      expect(await againstFresh(result.tensors[last].data)).toBeLessThan(1e-5);
    }
    expect(ort.sessionsCreated).toBe(sessions);
    // Another seed: the baked weights are not this run's — everything is fed again, still right.
    doc = { ...doc, seed: 7 };
    await run();
    kernelEdit(5);
    const result = await run();
    expect(ort.lastTimings.baked).toBe(false);
    expect(await againstFresh(result.tensors[last].data)).toBeLessThan(1e-5);
  }, 60_000);

  it('bakes by itself once the backend has been idle for bakeDelayMs, not before', async () => {
    const own = new OrtBackend({ upgradeDelayMs: 20, bakeDelayMs: 300 });
    try {
      let doc: ModelDocument = { ...getPreset('lenet5'), seed: 5 };
      const analysis = analyze(doc);
      const data = prepareInputs(doc, analysis, { kind: 'image', width: 28, height: 28, rgba: Uint8Array.from({ length: 28 * 28 * 4 }, (_, i) => (i * 7) % 256) });
      const reuse = { cache: new NodeOutputCache(), memory: newRunMemory() };
      const run = () => runReusing(doc, analysis, data, own, { previews: true, tensors: 'outputs' }, reuse);
      const image = (salt: number) => {
        for (const id of Object.keys(data)) data[id] = data[id].map((v, i) => v + (i % 5) * 0.01 * salt);
      };
      await run();
      doc = { ...doc, seed: 6 };
      await run();
      image(1);
      await run(); // seed 6's weights a second time: stable
      await new Promise((r) => setTimeout(r, 100));
      image(2);
      await run();
      expect(own.lastTimings.baked).toBe(false); // 100 ms idle: not yet
      await new Promise((r) => setTimeout(r, 1000));
      image(3);
      await run();
      expect(own.lastTimings.baked).toBe(true);
    } finally {
      await own.dispose();
    }
  }, 60_000);

  it("refills a dropped seed's arrays with a later seed's weights, never one a session still reads: the same results as without", async () => {
    // A weight cache that holds about one seed of LeNet-5 (61 K values), so every new seed drops the
    // one before; sessions start unoptimised and keep their graph (with its weights) for the upgrade;
    // timers far away, so upgrades and bakes happen only at settle(), the same in both backends.
    const options = { upgradeDelayMs: 600_000, bakeDelayMs: 600_000, smallGraphMacs: 0, weightCacheBytes: 300_000 };
    const recycling = new OrtBackend(options);
    const fresh = new OrtBackend({ ...options, spareArrayBytes: 0 });
    try {
      let doc: ModelDocument = { ...getPreset('lenet5'), seed: 1 };
      const analysis = analyze(doc);
      const data = prepareInputs(doc, analysis, { kind: 'image', width: 28, height: 28, rgba: Uint8Array.from({ length: 28 * 28 * 4 }, (_, i) => (i * 11) % 256) });
      const last = doc.nodes.find((n) => !doc.edges.some((e) => e.source === n.id))!.id;
      const newReuse = () => new Map([recycling, fresh].map((b) => [b, { cache: new NodeOutputCache(), memory: newRunMemory() }]));
      let reuse = newReuse();
      const both = async () => {
        const [a, b] = await Promise.all([recycling, fresh].map(async (b) => (await runReusing(doc, analysis, data, b, { previews: true, tensors: 'outputs' }, reuse.get(b)!)).result));
        expect(Buffer.from(a.tensors[last].data.buffer).equals(Buffer.from(b.tensors[last].data.buffer))).toBe(true);
      };
      // Seed 1's session keeps its graph, whose constants are seed 1's arrays, until its upgrade; seed
      // 2 runs a graph with fed weights and drops seed 1's arrays; seed 3 must not be made into them.
      // Then seeds fed, baked, dropped, refilled and come back to.
      for (const step of [1, 2, 3, 'settle', 'forget', 1, 3, 4, 'settle', 1, 5, 2, 2, 6] as const) {
        if (step === 'settle') await Promise.all([recycling.settle(), fresh.settle()]);
        else if (step === 'forget') reuse = newReuse(); // a run memory without seed edits: seed 1's first session again
        else {
          doc = { ...doc, seed: step };
          await both();
        }
      }
      expect(recycling.sparesRefilled).toBeGreaterThan(10);
      expect(fresh.sparesRefilled).toBe(0);
    } finally {
      await Promise.all([recycling.dispose(), fresh.dispose()]);
    }
  }, 60_000);
});

describe('ResNet-50 on onnxruntime: an edit in the last stage', () => {
  const ort = new OrtBackend({ upgradeDelayMs: 600_000 });
  afterAll(() => ort.dispose());

  it('recomputes the last unit and the head only, not the stem; repeated kernel edits reuse one compiled graph', async () => {
    let doc: ModelDocument = getPreset('resnet50');
    const input = doc.nodes.find((n) => n.type === 'Input')!;
    input.params = { ...input.params, height: 96, width: 96 };
    const analysis = analyze(doc);
    const image = { kind: 'image' as const, width: 96, height: 96, rgba: Uint8Array.from({ length: 96 * 96 * 4 }, (_, i) => (i * 37) % 251) };
    const data = prepareInputs(doc, analysis, image);
    const prim = analysis.primitives.nodes.find((p) => p.owner === 'conv5_3' && p.type === 'Conv2D')!;
    const spec = prim.weights.find((w) => w.name === 'kernel')!;
    const kernelEdit = (salt: number) => {
      const values = Float32Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.1 + salt) * 0.05);
      doc = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'conv5_3' ? { ...n, weights: { ...n.weights, [inlineWeightKey(prim, 'kernel')]: { shape: [...spec.shape], base64: float32ToBase64(values) } } } : n)) };
    };
    const reuse = { cache: new NodeOutputCache(), memory: newRunMemory() };
    const run = async () => (await runReusing(doc, analyze(doc), data, ort, { previews: true, tensors: 'outputs' }, reuse)).plan!;

    const first = await run();
    expect(first.run).toHaveLength(doc.nodes.length);
    expect(first.keep.length).toBeGreaterThanOrEqual(3); // the checkpoints
    kernelEdit(1);
    // The first edit there: from the nearest checkpoint (not the stem), keeping conv5_2's output.
    const firstEdit = await run();
    expect(firstEdit.keep).toContain('conv5_2');
    expect(firstEdit.run).not.toContain('conv1');
    expect(firstEdit.run.length).toBeLessThan(doc.nodes.length / 2);
    expect(firstEdit.fed).toHaveLength(1);
    expect(first.keep).toContain(firstEdit.fed[0]);
    const sessions = ort.sessionsCreated;
    for (const salt of [2, 3, 4]) {
      kernelEdit(salt);
      const plan = await run();
      expect(plan.run).toEqual(['conv5_3', 'avgpool', 'fc', 'softmax']);
      expect(plan.fed).toEqual(['conv5_2']);
    }
    // The kernel is fed to the tail's graph as an input: one session for the three edits.
    expect(ort.sessionsCreated - sessions).toBe(1);
  }, 120_000);

  it('seed edits reuse one compiled graph too (the new weights fed), and give what a fresh compilation gives', async () => {
    let doc: ModelDocument = getPreset('resnet50');
    const input = doc.nodes.find((n) => n.type === 'Input')!;
    input.params = { ...input.params, height: 64, width: 64 };
    const analysis = analyze(doc);
    const data = prepareInputs(doc, analysis, { kind: 'image', width: 64, height: 64, rgba: Uint8Array.from({ length: 64 * 64 * 4 }, (_, i) => (i * 37) % 251) });
    const reuse = { cache: new NodeOutputCache(), memory: newRunMemory() };
    const run = async () => (await runReusing(doc, analysis, data, ort, { previews: true, tensors: ['fc'] }, reuse)).result;
    await run();
    doc = { ...doc, seed: 7 };
    await run(); // seeded weights are fed from the first run in a network this large (FEED_SEEDED_FROM_START_PARAMS)
    const sessions = ort.sessionsCreated;
    for (const seed of [8, 9]) {
      doc = { ...doc, seed };
      await run();
    }
    expect(ort.sessionsCreated).toBe(sessions);
    // Seed 9's weights, fed, against seed 9 compiled as constants in a backend of its own.
    const fed = (await run()).tensors.fc.data;
    const fresh = new OrtBackend({ upgradeDelayMs: 600_000 });
    try {
      const compiled = (await fresh.run(doc, analysis, data, { previews: false, tensors: ['fc'] })).tensors.fc.data;
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < compiled.length; i++) {
        diff += (fed[i] - compiled[i]) ** 2;
        norm += compiled[i] ** 2;
      }
      expect(Math.sqrt(diff / norm)).toBeLessThan(1e-5);
    } finally {
      await fresh.dispose();
    }
  }, 120_000);
});
