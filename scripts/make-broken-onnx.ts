/**
 * Writes the corpus of broken ONNX files the importer must refuse with an exact message
 * (engine/src/core/onnx/fixtures/broken/*.onnx; the messages live in expected.json there, checked by
 * engine/src/core/onnx/importer/broken.test.ts).
 * Run: npx tsx scripts/make-broken-onnx.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataLocation, DataType, encodeModel } from '../engine/src/core/onnx/proto';
import { encode, floatTensor, model, node, tinyValidModel } from '../engine/src/core/onnx/importer/testing';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../engine/src/core/onnx/fixtures/broken');
const valid = encode(tinyValidModel());
const tiny = tinyValidModel();

const files: Record<string, Uint8Array> = {
  'empty.onnx': new Uint8Array(0),
  'truncated.onnx': valid.subarray(0, Math.floor(valid.length * 0.6)),
  'png-image.onnx': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]),
  'unsupported-op.onnx': encode({ ...tiny, nodes: [...tiny.nodes.slice(0, 1), node('Resize', ['c'], ['r'], {}, 'decoder/up/Resize'), ...tiny.nodes.slice(2)] }),
  'erf-outside-gelu.onnx': encode({ ...tiny, nodes: [...tiny.nodes.slice(0, 1), node('Erf', ['c'], ['r'], {}, 'block1/gelu/Erf'), ...tiny.nodes.slice(2)] }),
  'keras-hard-sigmoid.onnx': encode({ ...tiny, nodes: [tiny.nodes[0], node('HardSigmoid', ['c'], ['r'], { alpha: { f: 0.2 } }, 'block1/hard_sigmoid'), ...tiny.nodes.slice(2)] }),
  // Squeeze-and-excitation whose gate has 2 channels for a 3-channel map.
  'gate-channels.onnx': encode({
    ...tiny,
    nodes: [tiny.nodes[0], node('GlobalAveragePool', ['c'], ['sq']), node('Conv', ['sq', 'se_w'], ['gate'], { kernel_shape: [1, 1] }), node('Mul', ['c', 'gate'], ['r'], {}, 'se/scale'), ...tiny.nodes.slice(2)],
    initializers: [...tiny.initializers, floatTensor('se_w', [2, 3, 1, 1], [1, 0, 0, 0, 1, 0])],
  }),
  'reduce-mean-channels.onnx': encode({ ...tiny, nodes: [tiny.nodes[0], node('ReduceMean', ['c'], ['r'], { axes: [1], keepdims: 1 }, 'head/mean'), ...tiny.nodes.slice(2)] }),
  // Every unsupported operation at once: a constant scale, an unknown operator twice (the second fed by the first), a Transpose outside a shuffle.
  'several-unsupported.onnx': encode({
    ...tiny,
    nodes: [
      tiny.nodes[0],
      node('Mul', ['c', 'two'], ['m'], {}, 'features/scale'),
      node('Resize', ['m'], ['u'], {}, 'decoder/up1'),
      node('Resize', ['u'], ['u2'], {}, 'decoder/up2'),
      node('Transpose', ['c'], ['t'], { perm: [0, 1, 3, 2] }, 'features/transpose'),
      node('Add', ['u2', 't'], ['r']),
      ...tiny.nodes.slice(2),
    ],
    initializers: [...tiny.initializers, floatTensor('two', [], [2])],
  }),
  'absurd-weight-dims.onnx': encode({ ...tiny, initializers: [{ name: 'w', dims: [100000, 100000, 3, 3], dataType: DataType.FLOAT }, ...tiny.initializers.slice(1)] }),
  'absurd-input-dims.onnx': (() => {
    const m = model(tiny);
    m.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimValue: 1 }, { dimValue: 2 }, { dimValue: 1_000_000 }, { dimValue: 1_000_000 }];
    return encodeModel(m);
  })(),
  'weights-too-short.onnx': encode({ ...tiny, initializers: [floatTensor('w', [3, 2, 3, 3], new Float32Array(10)), ...tiny.initializers.slice(1)] }),
  'external-data-escapes.onnx': encode({
    ...tiny,
    initializers: [
      { name: 'w', dims: [3, 2, 3, 3], dataType: DataType.FLOAT, dataLocation: DataLocation.EXTERNAL, externalData: [{ key: 'location', value: '../../../etc/passwd' }] },
      ...tiny.initializers.slice(1),
    ],
  }),
  'external-data-absolute.onnx': encode({
    ...tiny,
    initializers: [
      { name: 'w', dims: [3, 2, 3, 3], dataType: DataType.FLOAT, dataLocation: DataLocation.EXTERNAL, externalData: [{ key: 'location', value: '/etc/passwd' }] },
      ...tiny.initializers.slice(1),
    ],
  }),
  'opset-7.onnx': encode({ ...tiny, opset: 7 }),
  'not-topological.onnx': encode({ ...tiny, nodes: [tiny.nodes[1], tiny.nodes[0], ...tiny.nodes.slice(2)] }),
  // Padding amounts computed from the feature map's values (not folded constants, as F.pad's are).
  'pads-from-image.onnx': encode({
    ...tiny,
    nodes: [
      tiny.nodes[0],
      node('GlobalMaxPool', ['c'], ['g']),
      node('Flatten', ['g'], ['flat']),
      node('Gemm', ['flat', 'amounts_w'], ['amounts'], { transB: 1 }),
      node('Pad', ['c', 'amounts'], ['padded'], {}, 'features/pad'),
      node('Relu', ['padded'], ['r']),
      ...tiny.nodes.slice(2),
    ],
    initializers: [...tiny.initializers, floatTensor('amounts_w', [8, 3], new Float32Array(24))],
  }),
  // Exported with dynamic_axes on height and width, imported without an input shape.
  'symbolic-height-width.onnx': (() => {
    const m = model(tiny);
    m.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimParam: 'batch' }, { dimValue: 2 }, { dimParam: 'height' }, { dimParam: 'width' }];
    return encodeModel(m);
  })(),
};

for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
console.log(`wrote ${Object.keys(files).length} files to ${dir}`);
