import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../graph/analyze';
import { PRESET_NAMES, getPreset } from '../presets';
import { randomValidDocument } from '../export/random-graphs';
import type { ModelDocument } from '../document/schema';
import { findPython } from '../../runtime/python';
import { OnnxGraphBuilder } from './builder';
import { OnnxExportError, exportOnnx } from './export';
import { DataType, decodeModel, encodeModel, tensorToFloat32 } from './proto';

const python = findPython(['onnx']);

/** The preset at a reduced input size (64×64) when it stays valid there, otherwise at full size. */
function smallPreset(name: string): ModelDocument {
  const doc = getPreset(name);
  const input = doc.nodes.find((n) => n.type === 'Input')!;
  const full = { ...input.params };
  if ((full.height as number) > 64) {
    input.params = { ...full, height: 64, width: 64 };
    if (!analyze(doc).valid) input.params = full;
  }
  return doc;
}

describe('ONNX protobuf', () => {
  it('round-trips a model, with raw_data weights and int64 attributes', () => {
    const weights = new Float32Array([1.5, -2, 3.25]);
    const bytes = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [{ opType: 'MaxPool', input: ['x'], output: ['y'], attribute: [{ name: 'kernel_shape', type: 7, ints: [2, 3] }] }],
        initializer: [{ name: 'w', dims: [3], dataType: DataType.FLOAT, rawData: new Uint8Array(weights.buffer) }],
        input: [{ name: 'x', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } } }],
      },
    });
    const m = decodeModel(bytes);
    expect(m.irVersion).toBe(8);
    expect(m.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(m.graph!.node![0].attribute![0].ints).toEqual([2, 3]);
    expect(m.graph!.input![0].type!.tensorType!.shape!.dim).toEqual([{ dimParam: 'N' }, { dimValue: 3 }]);
    expect([...tensorToFloat32(m.graph!.initializer![0])]).toEqual([1.5, -2, 3.25]);
  });

  it('the fast encoder writes what protobufjs writes for the same model', () => {
    const b = new OnnxGraphBuilder('g');
    b.addInput('x', ['N', 2]);
    const w = b.addFloatInitializer('w', [2, 2], new Float32Array([1, 2, 3, 4]));
    b.addInt64Initializer('shape', [-1, 4]);
    b.addNode('Gemm', ['x', w], ['y'], { transB: { i: 1 }, alpha: { f: 0.5 } });
    b.addOutput('y', ['N', 2]);
    // Decoding from a Buffer yields Buffer bytes, from a Uint8Array plain bytes: compare the values.
    const plain = (m: ReturnType<typeof decodeModel>) =>
      JSON.parse(JSON.stringify(m, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v?.type === 'Buffer' ? v.data : v)));
    const fast = decodeModel(b.encode());
    const slow = decodeModel(encodeModel(b.toModel()));
    expect(plain(fast)).toEqual(plain(slow));
    expect(fast.graph!.initializer!.map((t) => t.name)).toEqual(['w', 'shape']);
    // Streaming in chunks (large models go to a file) writes the same bytes.
    const chunks: Uint8Array[] = [];
    const size = b.encodeTo((c) => chunks.push(c.slice()));
    const joined = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.length;
    }
    expect(at).toBe(size);
    expect(joined).toEqual(b.encode());
  });
});

describe('ONNX export', () => {
  it('names graph inputs and outputs by document node id, with a symbolic batch', () => {
    const doc = getPreset('lenet5');
    const m = decodeModel(exportOnnx(doc, analyze(doc)));
    const input = doc.nodes.find((n) => n.type === 'Input')!;
    expect(m.graph!.input!.map((v) => v.name)).toEqual([input.id]);
    expect(m.graph!.input![0].type!.tensorType!.shape!.dim![0]).toEqual({ dimParam: 'N' });
    expect(m.graph!.output!.length).toBe(1);
    expect(m.opsetImport![0].version).toBeGreaterThanOrEqual(17);
    expect(m.graph!.initializer!.every((t) => t.rawData && t.rawData.length > 0 && !t.floatData?.length)).toBe(true);
  });

  it('lowers min pooling to −MaxPool(−x) and "same" padding to explicit pads', () => {
    const doc: ModelDocument = {
      format: 'cnn-studio.model',
      version: 1,
      name: 't',
      nodes: [
        { id: 'in', type: 'Input', params: { channels: 1, height: 5, width: 5 } },
        { id: 'conv', type: 'Conv2D', params: { filters: 1, kernel: 2, stride: 2, padding: 'same' } },
        { id: 'pool', type: 'Pool2D', params: { mode: 'min', kernel: 2 } },
      ],
      edges: [
        { id: 'a', source: 'in', target: 'conv' },
        { id: 'b', source: 'conv', target: 'pool' },
      ],
    };
    const m = decodeModel(exportOnnx(doc, analyze(doc)));
    expect(m.graph!.node!.map((n) => n.opType)).toEqual(['Conv', 'Neg', 'MaxPool', 'Neg']);
    // 5 → ceil(5/2) = 3 outputs needs 1 pixel of padding: TensorFlow puts it at the bottom/right.
    expect(m.graph!.node![0].attribute!.find((a) => a.name === 'pads')!.ints).toEqual([0, 0, 1, 1]);
  });

  it('refuses a graph with errors, naming the first one', () => {
    const doc = getPreset('lenet5');
    doc.nodes.find((n) => n.type === 'Dense')!.params = { units: -3 };
    expect(() => exportOnnx(doc, analyze(doc))).toThrow(OnnxExportError);
  });

  it.skipIf(!python)('every preset, and 40 random graphs with every activation and op, pass the official ONNX checker (skipped when python3-onnx is missing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnn-onnx-'));
    try {
      const docs = [...PRESET_NAMES.map((name) => ({ name, doc: smallPreset(name) })), ...Array.from({ length: 40 }, (_, s) => ({ name: `random-${s + 1}`, doc: randomValidDocument(s + 1) }))];
      const files = docs.map(({ name, doc }) => {
        const analysis = analyze(doc);
        expect(analysis.valid).toBe(true);
        const file = join(dir, `${name}.onnx`);
        writeFileSync(file, exportOnnx(doc, analysis, { seed: 1 }));
        return file;
      });
      const script = 'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\n    print("ok", f)';
      const r = spawnSync(python!, ['-c', script, ...files], { encoding: 'utf8', timeout: 300_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n').length).toBe(files.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
