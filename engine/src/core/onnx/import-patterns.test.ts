/**
 * ONNX import of the modern CNN operations — ReLU6 and general Clip, SiLU, hard sigmoid and hard
 * swish, Mish, GELU, Multiply, channel scale (squeeze-and-excitation), global pooling written as
 * ReduceMean/ReduceMax, the channel shuffle and channel slices — each checked against onnxruntime running the
 * hand-written file (the imported document runs in our reference backend); our own export of every
 * new op comes back as the same nodes; and a file's unsupported operations are listed all at once.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelDocument, ModelNode } from '../document/schema';
import { MODEL_FORMAT, MODEL_VERSION } from '../document/schema';
import { analyze } from '../graph/analyze';
import { ops } from '../ops';
import { ReferenceBackend } from '../../runtime/reference/backend';
import { exportOnnx } from './export';
import { importOnnx, OnnxImportError } from './import';
import { encode, floatTensor, int64Tensor, node, randomValues, type TinyModel } from './importer/testing';

const W = (name: string, dims: number[], seed: number, lo = -1, hi = 1) => floatTensor(name, dims, randomValues(dims.reduce((a, b) => a * b, 1), seed, lo, hi));
const scalar = (name: string, v: number) => floatTensor(name, [], [v]);

/** Imports the file, runs it in the reference backend and onnxruntime on the same input (values in [−4, 4]), and returns the document. */
async function expectSameAsOnnxruntime(m: TinyModel, tolerance = 1e-5): Promise<ModelDocument> {
  const bytes = encode(m);
  const doc = importOnnx(bytes);
  const analysis = analyze(doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const input = randomValues(m.input[0] * m.input[1] * m.input[2], 7, -4, 4);
  const session = await ort.InferenceSession.create(bytes);
  const want = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, ...m.input]) }))[session.outputNames[0]].data as Float32Array;
  await session.release();
  const run = await new ReferenceBackend().run(doc, analysis, { [doc.nodes[0].id]: input }, { previews: false, tensors: 'outputs' });
  const got = Object.values(run.tensors)[0].data;
  expect(got.length).toBe(want.length);
  let maxAbs = 0;
  for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
  expect(maxAbs).toBeLessThanOrEqual(tolerance);
  return doc;
}

const activations = (doc: ModelDocument) => doc.nodes.filter((n) => n.type === 'Activation').map((n) => n.params);
const types = (doc: ModelDocument) => doc.nodes.map((n) => n.type);

function importError(m: TinyModel): OnnxImportError {
  try {
    importOnnx(encode(m));
  } catch (e) {
    if (e instanceof OnnxImportError) return e;
    throw e;
  }
  throw new Error('the model was imported');
}

describe('ONNX import of modern activations gives onnxruntime’s result', () => {
  it('Clip(0, 6) is ReLU6; Clip(−1, 0.5), Clip with only a max and the opset-9 attribute form are clips', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [2, 5, 5],
      nodes: [node('Clip', ['x', 'zero', 'six'], ['a']), node('Clip', ['a', 'lo', 'hi'], ['b']), node('Clip', ['b', '', 'cap'], ['y'])],
      initializers: [scalar('zero', 0), scalar('six', 6), scalar('lo', -1), scalar('hi', 0.5), scalar('cap', 0.25)],
      output: 'y',
    });
    expect(activations(doc)).toEqual([{ fn: 'relu6' }, { fn: 'clip', min: -1, max: 0.5 }, { fn: 'clip', max: 0.25 }]);
    const old = await expectSameAsOnnxruntime({ opset: 9, input: [1, 4, 4], nodes: [node('Clip', ['x'], ['y'], { min: { f: -0.5 }, max: { f: 2 } })], initializers: [], output: 'y' });
    expect(activations(old)).toEqual([{ fn: 'clip', min: -0.5, max: 2 }]);
  });

  it('x·Sigmoid(x) is SiLU and x·HardSigmoid(x) hard swish (either operand order); HardSwish; HardSigmoid alone', async () => {
    const doc = await expectSameAsOnnxruntime({
      opset: 14, // HardSwish
      input: [2, 5, 5],
      nodes: [
        node('Sigmoid', ['x'], ['s']),
        node('Mul', ['x', 's'], ['a']),
        node('HardSigmoid', ['a'], ['h'], { alpha: { f: 1 / 6 } }),
        node('Mul', ['h', 'a'], ['b']),
        node('HardSwish', ['b'], ['c']),
        node('HardSigmoid', ['c'], ['y'], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } }),
      ],
      initializers: [],
      output: 'y',
    });
    expect(activations(doc)).toEqual([{ fn: 'silu' }, { fn: 'hardswish' }, { fn: 'hardswish' }, { fn: 'hardsigmoid' }]);
  });

  it('x·Tanh(Softplus(x)) is Mish', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [2, 5, 5],
      nodes: [node('Softplus', ['x'], ['sp']), node('Tanh', ['sp'], ['t']), node('Mul', ['t', 'x'], ['y'])],
      initializers: [],
      output: 'y',
    });
    expect(activations(doc)).toEqual([{ fn: 'mish' }]);
  });

  it('GELU: torch’s Div(√2) → Erf → Add 1 → Mul x → Mul ½, the Mul(1/√2) … Mul ½ → Mul x form, and the Gelu operator (opset 20)', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [2, 5, 5],
      nodes: [
        node('Div', ['x', 'sqrt2'], ['d']),
        node('Erf', ['d'], ['e']),
        node('Add', ['e', 'one'], ['p']),
        node('Mul', ['x', 'p'], ['m']),
        node('Mul', ['m', 'half'], ['g1']),
        node('Mul', ['g1', 'inv_sqrt2'], ['d2']),
        node('Erf', ['d2'], ['e2']),
        node('Add', ['one', 'e2'], ['p2']),
        node('Mul', ['half', 'p2'], ['h2']),
        node('Mul', ['h2', 'g1'], ['y']),
      ],
      initializers: [scalar('sqrt2', Math.SQRT2), scalar('one', 1), scalar('half', 0.5), scalar('inv_sqrt2', Math.SQRT1_2)],
      output: 'y',
    });
    expect(activations(doc)).toEqual([{ fn: 'gelu' }, { fn: 'gelu' }]);
    const op = await expectSameAsOnnxruntime({ opset: 20, input: [2, 4, 4], nodes: [node('Gelu', ['x'], ['y'])], initializers: [], output: 'y' });
    expect(activations(op)).toEqual([{ fn: 'gelu' }]);
  });
});

describe('ONNX import of products, global pooling by reduction and channel shuffles gives onnxruntime’s result', () => {
  it('Mul of two maps of one shape is Multiply; squeeze-and-excitation’s Mul(gate, map) is a channel scale', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [4, 6, 6],
      nodes: [
        node('Conv', ['x', 'w1'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
        node('Conv', ['x', 'w2'], ['b'], { kernel_shape: [1, 1] }),
        node('Mul', ['a', 'b'], ['ab']),
        node('GlobalAveragePool', ['ab'], ['sq']),
        node('Conv', ['sq', 'w3', 'b3'], ['fc1'], { kernel_shape: [1, 1] }),
        node('Relu', ['fc1'], ['r']),
        node('Conv', ['r', 'w4', 'b4'], ['fc2'], { kernel_shape: [1, 1] }),
        node('HardSigmoid', ['fc2'], ['gate'], { alpha: { f: 1 / 6 } }),
        node('Mul', ['gate', 'ab'], ['scaled']),
        node('Sigmoid', ['sq'], ['gate2']),
        node('Mul', ['scaled', 'gate2'], ['y']),
      ],
      initializers: [W('w1', [3, 4, 3, 3], 1), W('w2', [3, 4, 1, 1], 2), W('w3', [2, 3, 1, 1], 3), W('b3', [2], 4), W('w4', [3, 2, 1, 1], 5), W('b4', [3], 6)],
      output: 'y',
    });
    expect(types(doc)).toEqual(['Input', 'Conv2D', 'Conv2D', 'Multiply', 'GlobalPool', 'Conv2D', 'Activation', 'Conv2D', 'Activation', 'ChannelScale', 'Activation', 'ChannelScale']);
    // The map is always the channel scale's first input, the gate its second.
    const scale = doc.nodes.find((n) => n.type === 'ChannelScale')!;
    const into = doc.edges.filter((e) => e.target === scale.id).sort((p, q) => p.targetPort! - q.targetPort!);
    expect(into.map((e) => doc.nodes.find((n) => n.id === e.source)!.type)).toEqual(['Multiply', 'Activation']);
  });

  it('squeeze-and-excitation with Dense layers: the [N, C] gate viewed as N×C×1×1 by Unsqueeze or Reshape is a channel scale’s gate', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [3, 5, 5],
      nodes: [
        node('GlobalAveragePool', ['x'], ['sq']),
        node('Flatten', ['sq'], ['v']),
        node('Gemm', ['v', 'w1', 'b1'], ['h'], { transB: 1 }),
        node('Relu', ['h'], ['hr']),
        node('Gemm', ['hr', 'w2', 'b2'], ['e'], { transB: 1 }),
        node('Sigmoid', ['e'], ['g']),
        node('Unsqueeze', ['g', 'axes'], ['gate']),
        node('Mul', ['x', 'gate'], ['s']),
        node('Reshape', ['g', 'as_map'], ['gate2']),
        node('Mul', ['gate2', 's'], ['y']),
      ],
      initializers: [W('w1', [2, 3], 1), W('b1', [2], 2), W('w2', [3, 2], 3), W('b2', [3], 4), int64Tensor('axes', [2, 3]), int64Tensor('as_map', [1, -1, 1, 1])],
      output: 'y',
    });
    expect(types(doc)).toEqual(['Input', 'GlobalPool', 'Dense', 'Activation', 'Dense', 'Activation', 'ChannelScale', 'ChannelScale']);
    const e = importError({ input: [3, 5, 5], nodes: [node('GlobalAveragePool', ['x'], ['sq']), node('Flatten', ['sq'], ['v']), node('Unsqueeze', ['v', 'axes'], ['y'], {}, 'view')], initializers: [int64Tensor('axes', [2, 3])], output: 'y' });
    expect(e.message).toBe('Unsqueeze node "view": viewing a vector of 3 as N×3×1×1 is read only as the C×1×1 gate of a channel scale (a Mul with a C×H×W map), as squeeze-and-excitation after Dense layers writes it.');
  });

  it('ReduceMean over [2, 3] is a global average pool (keepdims 0: flattened, read straight by Gemm); ReduceMax over [−1, −2]; axes as an input (opset 18)', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [3, 5, 4],
      nodes: [
        node('ReduceMax', ['x'], ['m'], { axes: [-1, -2] }),
        node('Mul', ['x', 'm'], ['s']),
        node('ReduceMean', ['s'], ['v'], { axes: [2, 3], keepdims: 0 }),
        node('Gemm', ['v', 'fc', 'fb'], ['y'], { transB: 1 }),
      ],
      initializers: [W('fc', [4, 3], 1), W('fb', [4], 2)],
      output: 'y',
    });
    expect(types(doc)).toEqual(['Input', 'GlobalPool', 'ChannelScale', 'GlobalPool', 'Dense']);
    const flat = await expectSameAsOnnxruntime({ opset: 18, input: [3, 4, 4], nodes: [node('ReduceMean', ['x', 'axes'], ['y'], { keepdims: 0 })], initializers: [int64Tensor('axes', [2, 3])], output: 'y' });
    expect(types(flat)).toEqual(['Input', 'GlobalPool', 'Flatten']);
  });

  it('Reshape to (1, g, C/g, H, W) → Transpose (0, 2, 1, 3, 4) → Reshape (1, −1, H, W) is a channel shuffle of g groups', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [6, 3, 4],
      nodes: [
        node('Reshape', ['x', 's1'], ['r1']),
        node('Transpose', ['r1'], ['t1'], { perm: [0, 2, 1, 3, 4] }),
        node('Reshape', ['t1', 's2'], ['a']),
        node('Reshape', ['a', 's3'], ['r2']),
        node('Transpose', ['r2'], ['t2'], { perm: [0, 2, 1, 3, 4] }),
        node('Reshape', ['t2', 's4'], ['y']),
      ],
      initializers: [int64Tensor('s1', [1, 2, 3, 3, 4]), int64Tensor('s2', [1, -1, 3, 4]), int64Tensor('s3', [0, 3, -1, 3, 4]), int64Tensor('s4', [0, 6, 3, 4])],
      output: 'y',
    });
    expect(doc.nodes.slice(1).map((n) => [n.type, n.params])).toEqual([
      ['ChannelShuffle', { groups: 2 }],
      ['ChannelShuffle', { groups: 3 }],
    ]);
  });

  it('torch’s chunk — Slices of the channel axis, ends computed from the shape — is a channel slice; a Slice keeping every channel is none', async () => {
    const doc = await expectSameAsOnnxruntime({
      input: [6, 3, 4],
      nodes: [
        node('Shape', ['x'], ['shape']),
        node('Gather', ['shape', 'one'], ['c'], { axis: 0 }),
        node('Div', ['c', 'two'], ['half']),
        node('Unsqueeze', ['half', 'axes0'], ['half1']),
        node('Slice', ['x', 'zero', 'half1', 'axis1'], ['a']),
        node('Slice', ['x', 'half1', 'big', 'axis1'], ['b']),
        node('Slice', ['b', 'zero', 'big', 'axis1'], ['b2']),
        node('Relu', ['b2'], ['r']),
        node('Concat', ['a', 'r'], ['y'], { axis: 1 }),
      ],
      initializers: [int64Tensor('one', [1], []), int64Tensor('two', [2], []), int64Tensor('axes0', [0]), int64Tensor('zero', [0]), int64Tensor('axis1', [1]), int64Tensor('big', [2 ** 53 - 1])],
      output: 'y',
    });
    expect(doc.nodes.slice(1).map((n) => [n.type, n.params])).toEqual([
      ['ChannelSlice', { start: 0, end: 3 }],
      ['ChannelSlice', { start: 3, end: 6 }],
      ['Activation', { fn: 'relu' }],
      ['Concat', {}],
    ]);
  });
});

describe('our own ONNX export of every new activation and op imports as the same nodes', () => {
  it('round trip', () => {
    const fns = [{ fn: 'relu6' }, { fn: 'silu' }, { fn: 'hardswish' }, { fn: 'hardsigmoid' }, { fn: 'gelu' }, { fn: 'mish' }, { fn: 'clip', min: -1, max: 2 }, { fn: 'clip', max: 3 }];
    const nodes: ModelNode[] = [{ id: 'in', type: 'Input', params: { channels: 4, height: 5, width: 5 } }];
    const edges: ModelDocument['edges'] = [];
    const link = (source: string, target: string, targetPort?: number) => edges.push({ id: `e${edges.length}`, source, target, ...(targetPort === undefined ? {} : { targetPort }) });
    let last = 'in';
    fns.forEach((params, i) => {
      nodes.push({ id: `act${i}`, type: 'Activation', params });
      link(last, `act${i}`);
      last = `act${i}`;
    });
    nodes.push(
      { id: 'shuffle', type: 'ChannelShuffle', params: { groups: 2 } },
      { id: 'twice', type: 'Multiply', params: {} },
      { id: 'pool', type: 'GlobalPool', params: { mode: 'avg' } },
      { id: 'gate', type: 'Activation', params: { fn: 'sigmoid' } },
      { id: 'scale', type: 'ChannelScale', params: {} },
      { id: 'part', type: 'ChannelSlice', params: { start: 1, end: 3 } },
      { id: 'squeeze', type: 'GlobalPool', params: { mode: 'max' } },
      { id: 'excite', type: 'Dense', params: { units: 2 } },
      { id: 'dense_gate', type: 'Activation', params: { fn: 'hardsigmoid' } },
      { id: 'scale2', type: 'ChannelScale', params: {} },
    );
    link(last, 'shuffle');
    link('shuffle', 'twice', 0);
    link(last, 'twice', 1);
    link('twice', 'pool');
    link('pool', 'gate');
    link('twice', 'scale', 0);
    link('gate', 'scale', 1);
    link('scale', 'part');
    link('part', 'squeeze');
    link('squeeze', 'excite');
    link('excite', 'dense_gate');
    link('part', 'scale2', 0);
    link('dense_gate', 'scale2', 1);
    const doc: ModelDocument = { format: MODEL_FORMAT, version: MODEL_VERSION, name: 'every new op', nodes, edges };
    const back = importOnnx(exportOnnx(doc, analyze(doc)));
    const structure = (d: ModelDocument) => analyze(d).order.map((id) => d.nodes.find((n) => n.id === id)!).map((n) => [n.type, ops.get(n.type)!.params.parse(n.params)]);
    expect(structure(back)).toEqual(structure(doc));
  });
});

describe('unsupported operations', () => {
  it('are all listed at once, one line per reason with the nodes it applies to; what they feed is not reported again', () => {
    const e = importError({
      input: [2, 6, 6],
      nodes: [
        node('Conv', ['x', 'w'], ['c'], { kernel_shape: [3, 3] }, 'features/conv'),
        node('Mul', ['c', 'k'], ['m'], {}, 'features/scale'),
        node('Resize', ['m'], ['up'], {}, 'decoder/up1'),
        node('Relu', ['up'], ['r']),
        node('Resize', ['r'], ['up2'], {}, 'decoder/up2'),
        node('ReduceMean', ['c'], ['mc'], { axes: [1] }, 'head/mean'),
        node('Add', ['up2', 'mc'], ['y']),
      ],
      initializers: [W('w', [3, 2, 3, 3], 1), scalar('k', 2)],
      output: 'y',
    });
    expect(e.code).toBe('unsupported-op');
    expect(e.onnxNode).toBe('features/scale');
    expect(e.problems!.map((p) => [p.opType, p.onnxNode])).toEqual([
      ['Mul', 'features/scale'],
      ['Resize', 'decoder/up1'],
      ['Resize', 'decoder/up2'],
      ['ReduceMean', 'head/mean'],
    ]);
    expect(e.message.split('\n')).toEqual([
      '4 operations in this model cannot be imported:',
      '- Mul node "features/scale": multiplying a feature map by a constant has no CNN Studio layer (a constant scale can be folded into the convolution before it in the source model).',
      '- Resize nodes "decoder/up1", "decoder/up2": operator "Resize" is not supported by CNN Studio\'s importer.',
      '- ReduceMean node "head/mean": a mean over axes [1] of an N×3×4×4 tensor has no CNN Studio layer (only over height and width, axes [2, 3]: global average pooling).',
      expect.stringMatching(/^Supported: Conv, MaxPool, .*, ReduceMean, ReduceMax, .*\.$/),
    ]);
  });

  it('name what to do: Keras’s hard sigmoid, a channel count the gate does not match, Erf outside GELU', () => {
    const one = (nodes: TinyModel['nodes'], initializers: TinyModel['initializers'] = []) => importError({ input: [3, 4, 4], nodes, initializers, output: nodes[nodes.length - 1].output![0] }).message;
    expect(one([node('HardSigmoid', ['x'], ['y'], { alpha: { f: 0.2 } }, 'act')])).toBe(
      'HardSigmoid node "act": a hard sigmoid with alpha 0.2 and beta 0.5 has no CNN Studio layer: CNN Studio\'s hard sigmoid is PyTorch\'s, relu6(x + 3) / 6 (alpha 1/6, beta 0.5; Keras\'s is alpha 0.2) — use PyTorch\'s in the source model.',
    );
    expect(one([node('GlobalAveragePool', ['x'], ['g']), node('Conv', ['g', 'w'], ['c'], { kernel_shape: [1, 1] }), node('Mul', ['x', 'c'], ['y'], {}, 'se/scale')], [W('w', [2, 3, 1, 1], 1)])).toBe(
      'Mul node "se/scale": multiplying 3×4×4 by 2×1×1 has no CNN Studio layer: Multiply needs two inputs of the same shape, Channel scale a C×H×W map and a C×1×1 gate with the same C.',
    );
    expect(one([node('Erf', ['x'], ['y'], {}, 'erf')])).toBe('Erf node "erf": Erf is imported only as part of GELU, ½·x·(1 + erf(x/√2)) — here it is not in that pattern.');
  });
});
