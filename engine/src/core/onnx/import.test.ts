/**
 * ONNX import: every mapped operator checked against onnxruntime running the original file (the
 * imported document runs in our reference backend); module recognition; weights inline or in a
 * sidecar; and the round trip document → our ONNX export → import.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { ops } from '../ops';
import { resolvePads } from '../ops/common';
import { usesProjection } from '../ops/residual-unit';
import { randomValidDocument } from '../export/random-graphs';
import { getPreset } from '../presets';
import { pair } from '../shape';
import { resolveWeights } from '../weights/resolve';
import { ReferenceBackend } from '../../runtime/reference/backend';
import { exportOnnx } from './export';
import { importOnnx, importOnnxWithSidecar, OnnxImportError } from './import';
import { encode, floatTensor, int64Tensor, node, randomValues, tinyValidModel, type TinyModel } from './importer/testing';

async function onnxruntimeOutput(bytes: Uint8Array, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, ...dims]) });
  return out[session.outputNames[0]].data as Float32Array;
}

async function engineOutput(doc: ModelDocument, input: Float32Array, sidecar?: Uint8Array): Promise<Float32Array> {
  const analysis = analyze(doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const inputId = doc.nodes.find((n) => n.type === 'Input')!.id;
  const backend = new ReferenceBackend();
  // The reference backend reads inline weights; a sidecar is inlined for it here.
  const runDoc = sidecar ? inlineSidecar(doc, sidecar) : doc;
  const r = await backend.run(runDoc, analysis, { [inputId]: input }, { previews: false, tensors: 'outputs' });
  return Object.values(r.tensors)[0].data;
}

function inlineSidecar(doc: ModelDocument, sidecar: Uint8Array): ModelDocument {
  const analysis = analyze(doc);
  const nodes = doc.nodes.map((n) => ({ ...n, weights: n.weights && { ...n.weights } }));
  for (const prim of analysis.primitives.nodes) {
    const values = resolveWeights(doc, prim, sidecar);
    const owner = nodes.find((n) => n.id === prim.owner)!;
    for (const [name, data] of Object.entries(values)) {
      const key = prim.id === prim.owner ? name : `${prim.id.slice(prim.owner.length + 1)}.${name}`;
      if (owner.weights?.[key]) owner.weights[key] = { shape: owner.weights[key].shape, data: Array.from(data) };
    }
  }
  return { ...doc, nodes, weightsFile: undefined };
}

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function expectSameAsOnnxruntime(m: TinyModel, tolerance = 1e-5): Promise<ModelDocument> {
  const bytes = encode(m);
  const doc = importOnnx(bytes);
  const input = randomValues(m.input[0] * m.input[1] * m.input[2], 7);
  const want = await onnxruntimeOutput(bytes, input, m.input);
  expect(maxAbsDiff(await engineOutput(doc, input), want)).toBeLessThanOrEqual(tolerance);
  return doc;
}

const W = (name: string, dims: number[], seed: number) => floatTensor(name, dims, randomValues(dims.reduce((a, b) => a * b, 1), seed));

describe('ONNX import — each operator gives onnxruntime’s result on the original file', () => {
  it('Conv (bias, groups, dilation, asymmetric pads) → Relu → GlobalAveragePool → Flatten → Gemm', async () => {
    const doc = await expectSameAsOnnxruntime(tinyValidModel());
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'Activation', 'GlobalPool', 'Dense']);
  });

  it('grouped, dilated and strided convolutions with explicit, SAME_UPPER and SAME_LOWER padding', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [4, 9, 8],
      nodes: [
        node('Conv', ['x', 'w1'], ['a'], { kernel_shape: [3, 3], group: 2, dilations: [2, 2], pads: [0, 1, 2, 1] }),
        node('Conv', ['a', 'w2', 'b2'], ['b'], { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' }),
        node('Conv', ['b', 'w3'], ['y'], { kernel_shape: [2, 3], auto_pad: 'SAME_LOWER' }),
      ],
      initializers: [W('w1', [6, 2, 3, 3], 1), W('w2', [4, 6, 2, 2], 2), W('b2', [4], 3), W('w3', [3, 4, 2, 3], 4)],
      output: 'y',
    });
    expect(doc.nodes[1].params).toMatchObject({ groups: 2, dilation: 2, padding: [0, 1, 2, 1] });
    expect(doc.nodes[2].params).toMatchObject({ padding: 'same', stride: 2 });
  });

  it('MaxPool (ceil) and AveragePool with and without count_include_pad, LRN, LeakyRelu, Sigmoid, Tanh, BatchNormalization', async () => {
    await expectSameAsOnnxruntime({
      input: [3, 11, 11],
      nodes: [
        node('MaxPool', ['x'], ['a'], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
        node('AveragePool', ['a'], ['b'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }),
        node('AveragePool', ['b'], ['c'], { kernel_shape: [2, 2], pads: [1, 1, 1, 1] }),
        node('LRN', ['c'], ['d'], { size: 3, alpha: { f: 0.01 }, beta: { f: 0.7 }, bias: { f: 2 } }),
        node('BatchNormalization', ['d', 's', 'bb', 'mean', 'var'], ['e'], { epsilon: { f: 1e-3 } }),
        node('LeakyRelu', ['e'], ['f'], { alpha: { f: 0.2 } }),
        node('Sigmoid', ['f'], ['g']),
        node('Tanh', ['g'], ['y']),
      ],
      initializers: [W('s', [3], 1), W('bb', [3], 2), W('mean', [3], 3), floatTensor('var', [3], randomValues(3, 4, 0.5, 1.5))],
      output: 'y',
    });
  });

  it('GlobalMaxPool → Reshape through the Shape/Gather/Unsqueeze/Concat chain torch emits → MatMul + Add → Softmax', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [3, 5, 5],
      nodes: [
        node('Relu', ['x'], ['r']),
        node('GlobalMaxPool', ['r'], ['g']),
        node('Shape', ['g'], ['shape']),
        node('Gather', ['shape', 'zero'], ['n'], { axis: 0 }),
        node('Unsqueeze', ['n', 'axes0'], ['n1']),
        node('Concat', ['n1', 'minus1'], ['target'], { axis: 0 }),
        node('Reshape', ['g', 'target'], ['flat']),
        node('MatMul', ['flat', 'm'], ['mm']),
        node('Add', ['mm', 'bias'], ['logits']),
        node('Softmax', ['logits'], ['y'], { axis: 1 }),
      ],
      initializers: [int64Tensor('zero', [0], []), int64Tensor('axes0', [0]), int64Tensor('minus1', [-1]), W('m', [3, 5], 1), W('bias', [5], 2)],
      output: 'y',
    });
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'Activation', 'GlobalPool', 'Dense', 'Softmax']);
    expect(doc.nodes[3].params).toEqual({ units: 5, bias: true });
  });

  it('Gemm with transB = 0, alpha and beta; Flatten of a full map; Dropout; Identity; Clip(0, ∞) as ReLU', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [2, 3, 3],
      nodes: [
        node('Clip', ['x', 'zero'], ['c']),
        node('Flatten', ['c'], ['f']),
        node('Dropout', ['f'], ['d']),
        node('Identity', ['d'], ['i']),
        node('Gemm', ['i', 'w', 'b'], ['y'], { alpha: { f: 0.5 }, beta: { f: 2 } }),
      ],
      initializers: [floatTensor('zero', [], [0]), W('w', [18, 4], 1), W('b', [4], 2)],
      output: 'y',
    });
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'Activation', 'Flatten', 'Dropout', 'Dense']);
  });

  it('Pad (zeros), Concat of branches, Add and Sum of branches, min pooling written as Neg → MaxPool → Neg', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [2, 6, 6],
      nodes: [
        node('Pad', ['x', 'pads'], ['p']),
        node('Conv', ['p', 'w1'], ['a'], { kernel_shape: [3, 3] }),
        node('Conv', ['p', 'w2'], ['b'], { kernel_shape: [3, 3] }),
        node('Concat', ['a', 'b'], ['cat'], { axis: 1 }),
        node('Add', ['cat', 'cat'], ['sum2']),
        node('Sum', ['sum2', 'cat', 'cat'], ['sum3']),
        node('Neg', ['sum3'], ['neg']),
        node('MaxPool', ['neg'], ['negmax'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('Neg', ['negmax'], ['y']),
      ],
      initializers: [int64Tensor('pads', [0, 0, 1, 0, 0, 0, 1, 2]), W('w1', [2, 2, 3, 3], 1), W('w2', [3, 2, 3, 3], 2)],
      output: 'y',
    });
    expect(doc.nodes.find((n) => n.type === 'ZeroPad2D')!.params).toEqual({ padding: [1, 0, 1, 2] });
    expect(doc.nodes.find((n) => n.type === 'Pool2D')!.params).toMatchObject({ mode: 'min' });
  });

  it('opset 9 forms: Dropout ratio and Pad pads as attributes, Softmax over a flattened vector', async () => {
    const doc = await expectSameAsOnnxruntime({
      opset: 9,
      input: [1, 4, 4],
      nodes: [
        node('Pad', ['x'], ['p'], { pads: [0, 0, 1, 1, 0, 0, 1, 1] }),
        node('Dropout', ['p'], ['d'], { ratio: { f: 0.3 } }),
        node('Flatten', ['d'], ['f']),
        node('Softmax', ['f'], ['y']),
      ],
      initializers: [],
      output: 'y',
    });
    expect(doc.nodes.find((n) => n.type === 'Dropout')!.params).toEqual({ rate: 0.3 });
  });
});

describe('ONNX import — refusals name the operator and the node', () => {
  const convInput = (extra: TinyModel['nodes'], inits: TinyModel['initializers'] = []): TinyModel => ({
    input: [1, 4, 4],
    nodes: extra,
    initializers: inits,
    output: extra[extra.length - 1].output![0],
  });
  it.each([
    ['an unknown operator', convInput([node('Resize', ['x'], ['y'], {}, 'decoder/up')]), /^Resize node "decoder\/up": operator "Resize" is not supported by CNN Studio's importer\. Supported: Conv, /],
    ['Erf outside the GELU pattern', convInput([node('Erf', ['x'], ['y'], {}, 'gelu/erf')]), /^Erf node "gelu\/erf": Erf is imported only as part of GELU/],
    ['a constant added to a feature map', convInput([node('Add', ['x', 'k'], ['y'])], [floatTensor('k', [1], [1])]), /^Add node "y": adding a constant to a feature map/],
    ['a reshape that is not a flatten', convInput([node('Reshape', ['x', 's'], ['y'])], [int64Tensor('s', [1, 2, 8])]), /^Reshape node "y": reshaping 1×4×4 to \[1, 2, 8\] is not supported/],
    ['dilated pooling', convInput([node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], dilations: [2, 2] })]), /dilated pooling/],
  ])('%s', (_what, m, message) => {
    let error: unknown;
    try {
      importOnnx(encode(m));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    expect((error as OnnxImportError).code).toBe('unsupported-op');
    expect((error as Error).message).toMatch(message);
  });
});

/** The document's structure without ids or layout: in topological order, each node's type, params (padding resolved) and input positions. Dropout (written to ONNX as Identity) is left out. */
function structure(doc: ModelDocument): string[] {
  const a = analyze(doc);
  const dropped = new Set(doc.nodes.filter((n) => n.type === 'Dropout').map((n) => n.id));
  const realSource = (id: string): string => (dropped.has(id) ? realSource(doc.edges.find((e) => e.target === id)!.source) : id);
  const order = a.order.filter((id) => !dropped.has(id));
  const index = new Map(order.map((id, i) => [id, i]));
  return order.map((id) => {
    const n = doc.nodes.find((x) => x.id === id)!;
    const p: any = ops.get(n.type)!.params.parse(n.params);
    const x = a.nodes[id].inputShapes[0];
    if ((n.type === 'Conv2D' || n.type === 'Pool2D') && x) {
      p.padding = resolvePads(p.padding, x[1], x[2], p.kernel, p.stride, p.dilation ?? 1);
      for (const k of ['kernel', 'stride', 'dilation']) if (p[k] !== undefined) p[k] = pair(p[k]);
      if (n.type === 'Pool2D' && p.mode !== 'avg') delete p.countIncludePad;
    }
    if (n.type === 'ResidualUnit') p.projection = usesProjection(p, x!); // what the unit does, however it is said
    const inputs = doc.edges
      .filter((e) => e.target === id)
      .sort((u, v) => (u.targetPort ?? 0) - (v.targetPort ?? 0))
      .map((e) => index.get(realSource(e.source)));
    return JSON.stringify([n.type, p, inputs]);
  });
}

describe('ONNX round trip: document → our ONNX export → import', () => {
  it.each(['lenet5', 'googlenet', 'resnet18', 'resnet50', 'preact-resnet18'])('%s comes back identical up to ids and layout, with the same weights', (name) => {
    const doc = getPreset(name);
    const analysis = analyze(doc);
    const back = importOnnx(exportOnnx(doc, analysis), { name });
    expect(structure(back)).toEqual(structure(doc));
    // Same weights, primitive by primitive (the seeded ones became inline).
    const b = analyze(back);
    expect(b.totals.params).toBe(analysis.totals.params);
    const prims = analysis.primitives.nodes.filter((p) => p.type !== 'Dropout');
    const backPrims = b.primitives.nodes.filter((p) => p.type !== 'Dropout');
    expect(backPrims.map((p) => p.type)).toEqual(prims.map((p) => p.type));
    prims.forEach((p, i) => {
      if (p.weights.length === 0) return;
      const want = resolveWeights(doc, p);
      const got = resolveWeights(back, backPrims[i]);
      for (const k of Object.keys(want)) expect(sameBytes(got[k], want[k]), `${p.id}.${k}`).toBe(true);
    });
  }, 60_000);

  it('30 seeded random valid graphs come back identical up to ids and layout, with the same weights', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const doc = randomValidDocument(seed);
      const analysis = analyze(doc);
      const back = importOnnx(exportOnnx(doc, analysis));
      expect(structure(back), `seed ${seed}`).toEqual(structure(doc));
      const b = analyze(back);
      expect(b.totals.params, `seed ${seed}`).toBe(analysis.totals.params);
      analysis.primitives.nodes.forEach((p, i) => {
        const q = b.primitives.nodes[i];
        expect(q.type, `seed ${seed}: ${p.id}`).toBe(p.type);
        const want = resolveWeights(doc, p);
        const got = resolveWeights(back, q);
        for (const k of Object.keys(want)) expect(sameBytes(got[k], want[k]), `seed ${seed}: ${p.id}.${k}`).toBe(true);
      });
    }
  }, 60_000);

  it('recognises modules: GoogLeNet has 9 inception nodes, ResNet-50 16 bottleneck units, pre-activation ResNet-18 8 pre-activation units', () => {
    const count = (name: string, type: string) => importOnnx(exportOnnx(getPreset(name), analyze(getPreset(name)))).nodes.filter((n) => n.type === type);
    expect(count('googlenet', 'Inception')).toHaveLength(9);
    const units = count('resnet50', 'ResidualUnit');
    expect(units).toHaveLength(16);
    expect(units.every((u) => u.params.block === 'bottleneck')).toBe(true);
    const pre = count('preact-resnet18', 'ResidualUnit');
    expect(pre).toHaveLength(8);
    expect(pre.every((u) => u.params.preActivation === true)).toBe(true);
  }, 60_000);

  it('the same model with collapsing off stays primitive and computes the same', async () => {
    const doc = getPreset('resnet18');
    const small = { ...doc, nodes: doc.nodes.map((n) => (n.type === 'Input' ? { ...n, params: { ...n.params, height: 32, width: 32 } } : n)) };
    const bytes = exportOnnx(small, analyze(small));
    const flat = importOnnx(bytes, { collapseModules: false });
    expect(flat.nodes.some((n) => n.type === 'ResidualUnit')).toBe(false);
    const input = randomValues(3 * 32 * 32, 9);
    const want = await onnxruntimeOutput(bytes, input, [3, 32, 32]);
    expect(maxAbsDiff(await engineOutput(flat, input), want)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(await engineOutput(importOnnx(bytes), input), want)).toBeLessThanOrEqual(1e-5);
  }, 60_000);
});

describe('ONNX import — weights inline or in a sidecar', () => {
  it('inline by default: base64 float32, nothing external', () => {
    const doc = importOnnx(encode(tinyValidModel()));
    expect(doc.weightsFile).toBeUndefined();
    const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
    expect(conv.weights!.kernel.shape).toEqual([3, 2, 3, 3]);
    expect(typeof conv.weights!.kernel.base64).toBe('string');
  });

  it('with a sidecar: large tensors as ranges of one packed file, named by weightsFile, giving the same outputs', async () => {
    const m = tinyValidModel();
    const bytes = encode(m);
    const { document, sidecar } = importOnnxWithSidecar(bytes, { weightsFile: 'tiny.weights.bin', sidecarMinValues: 10 });
    expect(document.weightsFile).toBe('tiny.weights.bin');
    const conv = document.nodes.find((n) => n.type === 'Conv2D')!;
    expect(conv.weights!.kernel.sidecar).toEqual({ offset: 0, length: 54 * 4 });
    expect(conv.weights!.bias.base64).toBeDefined(); // 3 values: inline
    expect(sidecar!.byteLength).toBe((54 + 12) * 4);
    const input = randomValues(72, 3);
    expect(maxAbsDiff(await engineOutput(document, input, sidecar), await onnxruntimeOutput(bytes, input, m.input))).toBeLessThanOrEqual(1e-5);
  });
});
