/**
 * Constant folding against onnxruntime: each folded operator computes what onnxruntime computes
 * for the same node on the same constants (negative and clamped slice bounds, reversed steps,
 * broadcasting, Python's and C's modulo …); torch.onnx.export's chain for F.pad, written by hand,
 * imports as one ZeroPad2D and gives onnxruntime's output; and what cannot be folded is refused
 * naming the node.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../graph/analyze';
import { ReferenceBackend } from '../../../runtime/reference/backend';
import { DataType, encodeModel, type NodeProto, type TensorProto } from '../proto';
import { importOnnx, OnnxImportError } from '../import';
import { Attributes } from './attributes';
import { foldConstant, FoldRefusal } from './constant-fold';
import { encode, floatTensor, int64Tensor, node, randomValues, type TinyModel } from './testing';
import { readTensor } from './tensors';

const OPSET = 14;

/** onnxruntime's output for one node reading only initializers. */
async function onnxruntimeResult(n: NodeProto, inits: TensorProto[], outputType: number): Promise<{ dims: number[]; values: number[] }> {
  const bytes = encodeModel({
    irVersion: 7,
    producerName: 'hand-written test',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name: 'fold', node: [n], initializer: inits, input: [], output: [{ name: n.output![0], type: { tensorType: { elemType: outputType } } }] },
  });
  // Optimisations off: onnxruntime's kernels compute it (not its own constant folding).
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  const out = (await session.run({}))[session.outputNames[0]];
  await session.release();
  return { dims: [...out.dims].map(Number), values: Array.from(out.data as ArrayLike<number | bigint>, Number) };
}

/** Our fold of the same node. */
function folded(n: NodeProto, inits: TensorProto[]): { dims: number[]; values: number[] } {
  const byName = new Map(inits.map((t) => [t.name, readTensor(t)]));
  const t = foldConstant(n.opType!, (n.input ?? []).map((i) => (i ? byName.get(i) : undefined)), new Attributes(n), OPSET);
  return { dims: t.dims, values: Array.from(t.kind === 'int' ? t.int! : t.float!) };
}

const ints = (name: string, values: number[], dims = [values.length]) => int64Tensor(name, values, dims);
const floats = (name: string, values: number[], dims = [values.length]) => floatTensor(name, dims, values);
const iota = (n: number) => Array.from({ length: n }, (_, i) => i);
const INT64_MIN_PLUS_1 = -9223372036854775807; // torch writes this as Slice's "to the start"

describe('constant folding computes what onnxruntime computes', () => {
  const cases: [string, NodeProto, TensorProto[], number][] = [
    ['ConstantOfShape (int64 zeros, as F.pad writes it)', node('ConstantOfShape', ['s'], ['y'], { value: { t: ints('v', [0], [1]) } }), [ints('s', [4])], DataType.INT64],
    ['ConstantOfShape (default float 0, 2-D)', node('ConstantOfShape', ['s'], ['y']), [ints('s', [2, 3])], DataType.FLOAT],
    ['ConstantOfShape (float 1.5)', node('ConstantOfShape', ['s'], ['y'], { value: { t: floats('v', [1.5]) } }), [ints('s', [3])], DataType.FLOAT],
    ['Slice reversed with torch’s bounds', node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y']), [ints('x', iota(8), [4, 2]), ints('st', [-1]), ints('en', [INT64_MIN_PLUS_1]), ints('ax', [0]), ints('sp', [-1])], DataType.INT64],
    ['Slice with clamped ends, two axes and step 2', node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y']), [ints('x', iota(24), [4, 6]), ints('st', [1, -5]), ints('en', [100, 6]), ints('ax', [0, -1]), ints('sp', [1, 2])], DataType.INT64],
    ['Slice reversed with a step of −2 from past the end', node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y']), [floats('x', iota(7)), ints('st', [10]), ints('en', [-10]), ints('ax', [0]), ints('sp', [-2])], DataType.FLOAT],
    ['Slice without axes and steps', node('Slice', ['x', 'st', 'en'], ['y']), [ints('x', iota(12), [3, 4]), ints('st', [1, 1]), ints('en', [3, -1])], DataType.INT64],
    ['Transpose (1, 0), as F.pad writes it', node('Transpose', ['x'], ['y'], { perm: [1, 0] }), [ints('x', iota(8), [4, 2])], DataType.INT64],
    ['Transpose 3-D, perm (2, 0, 1)', node('Transpose', ['x'], ['y'], { perm: [2, 0, 1] }), [floats('x', iota(24), [2, 3, 4])], DataType.FLOAT],
    ['Transpose without perm (reversed axes)', node('Transpose', ['x'], ['y']), [ints('x', iota(6), [1, 2, 3])], DataType.INT64],
    ['Concat of 1-D ints', node('Concat', ['a', 'b'], ['y'], { axis: 0 }), [ints('a', [1, 2, 0, 1]), ints('b', [0, 0, 0, 0])], DataType.INT64],
    ['Concat of 2-D along axis −1', node('Concat', ['a', 'b'], ['y'], { axis: -1 }), [floats('a', iota(4), [2, 2]), floats('b', iota(6), [2, 3])], DataType.FLOAT],
    ['Reshape with −1 (F.pad’s pairs)', node('Reshape', ['x', 's'], ['y']), [ints('x', iota(8)), ints('s', [-1, 2])], DataType.INT64],
    ['Reshape with 0 (copy a dimension)', node('Reshape', ['x', 's'], ['y']), [floats('x', iota(12), [3, 4]), ints('s', [0, 2, -1])], DataType.FLOAT],
    ['Cast float → int64 truncates toward zero', node('Cast', ['x'], ['y'], { to: DataType.INT64 }), [floats('x', [1.7, -1.7, 2.5, -0.2])], DataType.INT64],
    ['Cast int64 → float', node('Cast', ['x'], ['y'], { to: DataType.FLOAT }), [ints('x', [3, -4])], DataType.FLOAT],
    ['Gather on axis 1 with a 2-D index', node('Gather', ['x', 'i'], ['y'], { axis: 1 }), [floats('x', iota(12), [3, 4]), ints('i', [3, 0, -1, 1], [2, 2])], DataType.FLOAT],
    ['Gather a scalar index from a shape', node('Gather', ['x', 'i'], ['y'], { axis: 0 }), [ints('x', [1, 3, 7, 9]), ints('i', [-2], [])], DataType.INT64],
    ['Mod (Python’s sign rule)', node('Mod', ['a', 'b'], ['y']), [ints('a', [9, -9, 9, -9, 7]), ints('b', [2, 2, -2, -2, 7])], DataType.INT64],
    ['Mod with fmod = 1 (C’s sign rule)', node('Mod', ['a', 'b'], ['y'], { fmod: 1 }), [floats('a', [9, -9, 9, -7.5]), floats('b', [2, 2, -2, 2])], DataType.FLOAT],
    ['Div of integers truncates', node('Div', ['a', 'b'], ['y']), [ints('a', [7, -7, 8]), ints('b', [2, 2, -3])], DataType.INT64],
    ['Sub broadcasting a scalar over 2-D', node('Sub', ['a', 'b'], ['y']), [ints('a', [8], []), ints('b', iota(6), [2, 3])], DataType.INT64],
    ['Mul broadcasting a row over a column', node('Mul', ['a', 'b'], ['y']), [floats('a', [1, 2, 3], [3, 1]), floats('b', [10, 100], [1, 2])], DataType.FLOAT],
    ['Unsqueeze a scalar', node('Unsqueeze', ['x', 'ax'], ['y']), [ints('x', [5], []), ints('ax', [0])], DataType.INT64],
    ['Squeeze axis 0', node('Squeeze', ['x', 'ax'], ['y']), [ints('x', [5, 6], [1, 2]), ints('ax', [0])], DataType.INT64],
  ];

  it.each(cases)('%s', async (_what, n, inits, outputType) => {
    const want = await onnxruntimeResult(n, inits, outputType);
    const got = folded(n, inits);
    expect(got.dims).toEqual(want.dims);
    if (outputType === DataType.FLOAT) got.values.forEach((v, i) => expect(v).toBeCloseTo(want.values[i], 6));
    else expect(got.values).toEqual(want.values);
  });

  it('refuses what it cannot compute, saying why', () => {
    const refusal = (n: NodeProto, inits: TensorProto[]) => {
      try {
        folded(n, inits);
      } catch (e) {
        expect(e).toBeInstanceOf(FoldRefusal);
        return (e as Error).message;
      }
      throw new Error('folded');
    };
    expect(refusal(node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y']), [ints('x', iota(4)), ints('st', [0]), ints('en', [4]), ints('ax', [0]), ints('sp', [0])])).toBe('a step of 0 is not allowed.');
    expect(refusal(node('ConstantOfShape', ['s'], ['y']), [ints('s', [4096, 4096])])).toBe('the result would hold 16,777,216 values, more than a constant of shape arithmetic (limit 1,048,576).');
    expect(refusal(node('Transpose', ['x'], ['y'], { perm: [0, 0] }), [ints('x', iota(4), [2, 2])])).toBe('perm [0, 0] is not a permutation of the 2 axes.');
    expect(refusal(node('Reshape', ['x', 's'], ['y']), [ints('x', iota(6)), ints('s', [4, -1])])).toBe('a constant of shape [6] cannot be reshaped to [4, -1].');
    expect(refusal(node('Div', ['a', 'b'], ['y']), [ints('a', [1]), ints('b', [0])])).toBe('it divides an integer by zero.');
  });
});

/** torch.onnx.export's F.pad(x, pad): its pads as the chain of constants the exporter writes (opset 11–17). */
function torchPadChain(pad: number[], into: string): { nodes: NodeProto[]; initializers: TensorProto[] } {
  return {
    nodes: [
      node('ConstantOfShape', ['pad_rest_len'], ['zeros'], { value: { t: ints('v', [0], [1]) } }),
      node('Concat', ['pad_given', 'zeros'], ['all'], { axis: 0 }),
      node('Reshape', ['all', 'pairs_shape'], ['pairs']),
      node('Slice', ['pairs', 'minus1', 'to_start', 'axis0', 'minus1'], ['reversed']),
      node('Transpose', ['reversed'], ['begins_ends'], { perm: [1, 0] }),
      node('Reshape', ['begins_ends', 'flat_shape'], ['flat']),
      node('Cast', ['flat'], [into], { to: DataType.INT64 }),
    ],
    initializers: [
      ints('pad_rest_len', [8 - pad.length]),
      ints('pad_given', pad),
      ints('pairs_shape', [-1, 2]),
      ints('minus1', [-1]),
      ints('to_start', [INT64_MIN_PLUS_1]),
      ints('axis0', [0]),
      ints('flat_shape', [-1]),
    ],
  };
}

describe('F.pad as torch.onnx.export writes it', () => {
  it('the chain of constants folds: one ZeroPad2D (top 0, left 1, bottom 1, right 2), onnxruntime’s output', async () => {
    const chain = torchPadChain([1, 2, 0, 1], 'pads');
    const m: TinyModel = {
      input: [2, 5, 6],
      nodes: [...chain.nodes, node('Pad', ['x', 'pads', ''], ['p'], { mode: 'constant' }), node('Conv', ['p', 'w'], ['y'], { kernel_shape: [3, 3] })],
      initializers: [...chain.initializers, floatTensor('w', [3, 2, 3, 3], randomValues(54, 1))],
      output: 'y',
      opset: OPSET,
    };
    const bytes = encode(m);
    const doc = importOnnx(bytes);
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'ZeroPad2D', 'Conv2D']);
    expect(doc.nodes[1].params).toEqual({ padding: [0, 1, 1, 2] });
    const analysis = analyze(doc);
    expect(analysis.nodes[doc.nodes[2].id].outputShape).toEqual([3, 4, 7]);
    const input = randomValues(2 * 5 * 6, 3);
    const session = await ort.InferenceSession.create(bytes);
    const want = (await session.run({ x: new ort.Tensor('float32', input, [1, 2, 5, 6]) }))[session.outputNames[0]].data as Float32Array;
    await session.release();
    const run = await new ReferenceBackend().run(doc, analysis, { [doc.nodes[0].id]: input }, { previews: false, tensors: 'outputs' });
    const got = Object.values(run.tensors)[0].data;
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-5));
  });

  it('a pattern looks ahead: a channel shuffle whose second Reshape target is computed from Shape later in the file is still one ChannelShuffle', async () => {
    // As a dynamic-axes export writes x.view(n, -1, h, w): the target's Shape/Gather/Concat come after the Transpose.
    const m: TinyModel = {
      input: [4, 3, 2],
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Reshape', ['x', 'split'], ['r1']),
        node('Transpose', ['r1'], ['tr'], { perm: [0, 2, 1, 3, 4] }),
        node('Gather', ['s', 'zero'], ['n'], { axis: 0 }),
        node('Unsqueeze', ['n', 'axes0'], ['n1']),
        node('Concat', ['n1', 'rest'], ['merged'], { axis: 0 }),
        node('Reshape', ['tr', 'merged'], ['y']),
      ],
      initializers: [ints('split', [1, 2, 2, 3, 2]), ints('zero', [0], []), ints('axes0', [0]), ints('rest', [-1, 3, 2])],
      output: 'y',
      opset: OPSET,
    };
    const bytes = encode(m);
    const doc = importOnnx(bytes);
    expect(doc.nodes.map((n) => [n.type, n.params])).toEqual([
      ['Input', { channels: 4, height: 3, width: 2 }],
      ['ChannelShuffle', { groups: 2 }],
    ]);
    const input = randomValues(24, 5);
    const session = await ort.InferenceSession.create(bytes);
    const want = (await session.run({ x: new ort.Tensor('float32', input, [1, 4, 3, 2]) }))[session.outputNames[0]].data as Float32Array;
    await session.release();
    const run = await new ReferenceBackend().run(doc, analyze(doc), { [doc.nodes[0].id]: input }, { previews: false, tensors: 'outputs' });
    expect(Array.from(Object.values(run.tensors)[0].data)).toEqual(Array.from(want));
  });

  it('pads computed from the image are refused with what to do instead', () => {
    const m: TinyModel = {
      input: [2, 4, 4],
      nodes: [
        node('GlobalMaxPool', ['x'], ['g']),
        node('Flatten', ['g'], ['f']),
        node('Gemm', ['f', 'k'], ['amounts'], { transB: 1 }),
        node('Pad', ['x', 'amounts'], ['y'], {}, 'features/pad'),
      ],
      initializers: [floatTensor('k', [8, 2], randomValues(16, 2))],
      output: 'y',
    };
    let error: unknown;
    try {
      importOnnx(encode(m));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    expect((error as OnnxImportError).code).toBe('unsupported-op');
    expect((error as Error).message).toBe(
      'Pad node "features/pad": its pads ("amounts") are computed from the image\'s values at run time; CNN Studio pads by amounts fixed in the file — pad by constant amounts in the source model (F.pad(x, (1, 2, 0, 1)) with Python integers, or nn.ZeroPad2d) and export it again.',
    );
  });
});
