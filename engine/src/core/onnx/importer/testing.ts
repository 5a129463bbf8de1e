/**
 * Hand-written ONNX models for the importer's tests and its corpus of broken files — built straight
 * from protobuf messages (not through CNN Studio's exporter), so they look like files from elsewhere.
 */
import { DataType, encodeModel, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from '../proto';
import { mulberry32 } from '../../weights/seeded';

export type Attr = number | number[] | string | { f: number } | { floats: number[] } | { t: TensorProto };

export function attribute(name: string, v: Attr): AttributeProto {
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (typeof v === 'string') return { name, type: 3, s: Uint8Array.from(v, (c) => c.charCodeAt(0)) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('f' in v) return { name, type: 1, f: v.f };
  if ('floats' in v) return { name, type: 6, floats: v.floats };
  return { name, type: 4, t: v.t };
}

export function node(opType: string, input: string[], output: string[], attrs: Record<string, Attr> = {}, name = output[0]): NodeProto {
  return { opType, input, output, name, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) };
}

export function floatTensor(name: string, dims: number[], data: Float32Array | number[]): TensorProto {
  const f = Float32Array.from(data);
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(f.buffer) };
}

export function int64Tensor(name: string, values: number[], dims = [values.length]): TensorProto {
  return { name, dims, dataType: DataType.INT64, int64Data: values };
}

/** Seeded values in [-1, 1) (or [lo, hi)). */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

export interface TinyModel {
  nodes: NodeProto[];
  initializers: TensorProto[];
  input: [number, number, number];
  output: string;
  opset?: number;
}

export function model(m: TinyModel): ModelProto {
  return {
    irVersion: 7,
    producerName: 'hand-written test',
    opsetImport: [{ domain: '', version: m.opset ?? 13 }],
    graph: {
      name: 'test',
      node: m.nodes,
      initializer: m.initializers,
      input: [{ name: 'x', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, ...m.input.map((d) => ({ dimValue: d }))] } } } }],
      output: [{ name: m.output, type: { tensorType: { elemType: DataType.FLOAT } } }],
    },
  };
}

export function encode(m: TinyModel): Uint8Array {
  return encodeModel(model(m));
}

/** x 1×2×6×6 → Conv 3×3 (3 filters, pad 1) → Relu → GlobalAveragePool → Flatten → Gemm (4 units). */
export function tinyValidModel(): TinyModel {
  return {
    input: [2, 6, 6],
    nodes: [
      node('Conv', ['x', 'w', 'b'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('Relu', ['c'], ['r']),
      node('GlobalAveragePool', ['r'], ['g']),
      node('Flatten', ['g'], ['f'], { axis: 1 }),
      node('Gemm', ['f', 'fc_w', 'fc_b'], ['y'], { transB: 1 }),
    ],
    initializers: [
      floatTensor('w', [3, 2, 3, 3], randomValues(54, 1)),
      floatTensor('b', [3], randomValues(3, 2)),
      floatTensor('fc_w', [4, 3], randomValues(12, 3)),
      floatTensor('fc_b', [4], randomValues(4, 4)),
    ],
    output: 'y',
  };
}
