/**
 * A file whose input leaves its size open (symbolic height/width, as torch.onnx.export writes with
 * dynamic_axes): refused with 'needs-input-shape' saying which input and what to give; imported and
 * analysed at the `inputShape` given, with the shape arithmetic on that size folded; an input shape
 * that contradicts a size the file fixes is refused with the size that would fit.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { ReferenceBackend } from '../../runtime/reference/backend';
import { encodeModel } from './proto';
import { importOnnx, OnnxImportError, parseInputShape, type ImportOnnxOptions } from './import';
import { floatTensor, int64Tensor, model, node, randomValues, type TinyModel } from './importer/testing';

/** Conv 3×3 (pad 1) → Relu → GlobalAveragePool → Reshape(N, -1) through Shape/Gather → Gemm: any H×W. */
function anySizeModel(): TinyModel {
  return {
    input: [2, 8, 8],
    nodes: [
      node('Conv', ['x', 'w', 'b'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('Relu', ['c'], ['r']),
      node('GlobalAveragePool', ['r'], ['g']),
      node('Shape', ['g'], ['shape']),
      node('Gather', ['shape', 'zero'], ['n'], { axis: 0 }),
      node('Unsqueeze', ['n', 'axes0'], ['n1']),
      node('Concat', ['n1', 'minus1'], ['target'], { axis: 0 }),
      node('Reshape', ['g', 'target'], ['flat']),
      node('Gemm', ['flat', 'fc_w', 'fc_b'], ['y'], { transB: 1 }),
    ],
    initializers: [
      floatTensor('w', [3, 2, 3, 3], randomValues(54, 1)),
      floatTensor('b', [3], randomValues(3, 2)),
      int64Tensor('zero', [0], []),
      int64Tensor('axes0', [0]),
      int64Tensor('minus1', [-1]),
      floatTensor('fc_w', [4, 3], randomValues(12, 3)),
      floatTensor('fc_b', [4], randomValues(4, 4)),
    ],
    output: 'y',
  };
}

/** The model with its input's dimensions as given (numbers fixed, strings symbolic). */
function withInputDims(m: TinyModel, dims: (number | string)[]): Uint8Array {
  const proto = model(m);
  proto.graph!.input![0].type!.tensorType!.shape!.dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return encodeModel(proto);
}

function importError(bytes: Uint8Array, options: ImportOnnxOptions = {}): OnnxImportError {
  try {
    importOnnx(bytes, options);
  } catch (e) {
    if (e instanceof OnnxImportError) return e;
    throw e;
  }
  throw new Error('the model was imported');
}

describe('ONNX import of a file with a symbolic height and width', () => {
  const dynamic = withInputDims(anySizeModel(), ['batch', 2, 'height', 'width']);

  it('without an input shape: a typed error naming the input, what is open, and what to pass', () => {
    const e = importError(dynamic);
    expect(e.code).toBe('needs-input-shape');
    expect(e.inputShape).toEqual({ input: 'x', dims: ['batch', 2, 'height', 'width'], suggested: [2, 224, 224] });
    expect(e.message).toBe(
      'Graph input "x" leaves its height and width open (batch×2×height×width), and CNN Studio works out every layer\'s shape from a fixed C×H×W — import it with an input shape, e.g. 2×224×224.',
    );
    // Channels open too (and a dimension with no name at all).
    const allOpen = importError(withInputDims(anySizeModel(), ['N', 'C', '', 'W']));
    expect(allOpen.inputShape?.suggested).toEqual([3, 224, 224]);
    expect(allOpen.message).toMatch(/^Graph input "x" leaves its channels, height and width open \(N×C×\?×W\)/);
  });

  it('with an input shape: imported at that size, analysed, and it computes what onnxruntime computes on the same file', async () => {
    const doc = importOnnx(dynamic, { inputShape: [2, 13, 21] });
    expect(doc.nodes[0]).toMatchObject({ type: 'Input', params: { channels: 2, height: 13, width: 21 } });
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'Activation', 'GlobalPool', 'Dense']);
    const analysis = analyze(doc);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes[doc.nodes[1].id].outputShape).toEqual([3, 13, 21]);
    const input = randomValues(2 * 13 * 21, 9, -2, 2);
    const session = await ort.InferenceSession.create(dynamic);
    const want = (await session.run({ x: new ort.Tensor('float32', input, [1, 2, 13, 21]) }))[session.outputNames[0]].data as Float32Array;
    await session.release();
    const run = await new ReferenceBackend().run(doc, analysis, { [doc.nodes[0].id]: input }, { previews: false, tensors: 'outputs' });
    const got = Object.values(run.tensors)[0].data;
    expect(got.length).toBe(4);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-5));
  });

  it('an input shape that contradicts a size the file fixes is refused with the one that fits', () => {
    const e = importError(dynamic, { inputShape: [3, 32, 32] });
    expect(e.code).toBe('needs-input-shape');
    expect(e.message).toBe('Graph input "x" is batch×2×height×width in the file, so its channels must be 2, not 3 as in the input shape 3×32×32 — give 2×32×32.');
    expect(e.inputShape?.suggested).toEqual([2, 32, 32]);
    const fixed = withInputDims(anySizeModel(), [1, 2, 8, 8]);
    expect(importError(fixed, { inputShape: [2, 16, 8] }).message).toBe('Graph input "x" is 1×2×8×8 in the file, so its height must be 8, not 16 as in the input shape 2×16×8 — give 2×8×8.');
    // The file's own size, given again, is fine.
    expect(importOnnx(fixed, { inputShape: [2, 8, 8] }).nodes[0].params).toMatchObject({ height: 8, width: 8 });
  });

  it('an absurd input shape is refused like an absurd size in the file', () => {
    const e = importError(dynamic, { inputShape: [2, 100_000, 8] });
    expect(e.code).toBe('bad-dims');
    expect(e.message).toBe('Graph input "x" has an absurd height of 100000 (allowed 1…65536).');
  });
});

describe('parseInputShape (the CLI’s --input-shape)', () => {
  it('reads C×H×W written with x, ×, * or commas', () => {
    for (const text of ['3x224x224', '3×224×224', ' 3 x 224 x 224 ', '3*224*224', '3,224,224', '3X224X224']) expect(parseInputShape(text), text).toEqual({ ok: true, shape: [3, 224, 224] });
  });
  it('says what is wrong otherwise', () => {
    expect(parseInputShape('224x224')).toEqual({ ok: false, message: '"224x224" is not an input shape: give channels×height×width as three whole numbers, e.g. 3x224x224.' });
    expect(parseInputShape('3x2.5x4')).toMatchObject({ ok: false });
    expect(parseInputShape('3x0x224')).toEqual({ ok: false, message: "The input shape's height must be from 1 to 65,536, not 0." });
    expect(parseInputShape('100000x8x8')).toEqual({ ok: false, message: "The input shape's channels must be from 1 to 65,536, not 100000." });
  });
});
