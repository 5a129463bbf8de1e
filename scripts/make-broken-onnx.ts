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
  'unsupported-op.onnx': encode({ ...tiny, nodes: [...tiny.nodes.slice(0, 1), node('Erf', ['c'], ['r'], {}, 'block1/gelu/Erf'), ...tiny.nodes.slice(2)] }),
  'relu6.onnx': encode({
    ...tiny,
    nodes: [tiny.nodes[0], node('Clip', ['c', 'lo', 'hi'], ['r'], {}, 'features.0.2/Clip'), ...tiny.nodes.slice(2)],
    initializers: [...tiny.initializers, floatTensor('lo', [], [0]), floatTensor('hi', [], [6])],
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
};

for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
console.log(`wrote ${Object.keys(files).length} files to ${dir}`);
