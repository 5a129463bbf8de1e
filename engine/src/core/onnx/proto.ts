/**
 * The ONNX protobuf messages CNN Studio reads and writes, with the field numbers of the official
 * onnx.proto (onnx/onnx, IR version 8–10). Defined with protobufjs from our own JSON descriptor, so
 * no .proto file is parsed at run time. Isomorphic: no Node APIs.
 *
 * Field names are camelCase (protobufjs style). 64-bit integers decode to JS numbers. Tensor weights
 * should be written as `rawData` (little-endian bytes): float lists encode about 50× slower.
 */
import * as protobufNamespace from 'protobufjs/light.js';

/** protobufjs is CommonJS: Node's ESM loader exposes it as the default export, bundlers as the namespace. */
const protobuf: typeof protobufNamespace = (protobufNamespace as unknown as { default?: typeof protobufNamespace }).default ?? protobufNamespace;

export { DataType } from './data-type';
import { DataType } from './data-type';

/** AttributeProto.AttributeType */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** TensorProto.DataLocation */
export const DataLocation = { DEFAULT: 0, EXTERNAL: 1 } as const;

export interface StringStringEntryProto {
  key?: string;
  value?: string;
}

export interface OperatorSetIdProto {
  /** "" (or "ai.onnx") is the default operator set. */
  domain?: string;
  version?: number;
}

export interface TensorProto {
  dims?: number[];
  dataType?: number;
  segment?: { begin?: number; end?: number };
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: number[];
  name?: string;
  docString?: string;
  /** Little-endian element bytes. */
  rawData?: Uint8Array;
  /** location, offset, length, checksum — for dataLocation EXTERNAL. */
  externalData?: StringStringEntryProto[];
  dataLocation?: number;
  doubleData?: number[];
  uint64Data?: number[];
  metadataProps?: StringStringEntryProto[];
}

export interface TensorShapeDimension {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

export interface TensorShapeProto {
  dim?: TensorShapeDimension[];
}

export interface TypeProto {
  tensorType?: { elemType?: number; shape?: TensorShapeProto };
  denotation?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  docString?: string;
  metadataProps?: StringStringEntryProto[];
}

export interface AttributeProto {
  name?: string;
  refAttrName?: string;
  docString?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  tp?: TypeProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  typeProtos?: TypeProto[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  overload?: string;
  attribute?: AttributeProto[];
  docString?: string;
  metadataProps?: StringStringEntryProto[];
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  docString?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  metadataProps?: StringStringEntryProto[];
}

export interface ModelProto {
  irVersion?: number;
  opsetImport?: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps?: StringStringEntryProto[];
}

type Fields = Record<string, { type: string; id: number; rule?: 'repeated'; options?: Record<string, unknown> }>;
const rep = (type: string, id: number) => ({ type, id, rule: 'repeated' as const });
/** proto2 repeated scalars are unpacked in onnx.proto; protobufjs reads both encodings. */
const unpacked = (type: string, id: number) => ({ type, id, rule: 'repeated' as const, options: { packed: false } });

const StringStringEntry: Fields = { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } };

const descriptor = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: StringStringEntry },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        TensorProto: {
          fields: {
            dims: unpacked('int64', 1),
            dataType: { type: 'int32', id: 2 },
            segment: { type: 'Segment', id: 3 },
            floatData: rep('float', 4),
            int32Data: rep('int32', 5),
            stringData: rep('bytes', 6),
            int64Data: rep('int64', 7),
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
            externalData: rep('StringStringEntryProto', 13),
            dataLocation: { type: 'int32', id: 14 },
            doubleData: rep('double', 10),
            uint64Data: rep('uint64', 11),
            metadataProps: rep('StringStringEntryProto', 16),
          },
          nested: { Segment: { fields: { begin: { type: 'int64', id: 1 }, end: { type: 'int64', id: 2 } } } },
        },
        TensorShapeProto: {
          fields: { dim: rep('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 }, denotation: { type: 'string', id: 3 } },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: { type: 'Tensor', id: 1 }, denotation: { type: 'string', id: 6 } },
          nested: { Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
            metadataProps: rep('StringStringEntryProto', 4),
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            refAttrName: { type: 'string', id: 21 },
            docString: { type: 'string', id: 13 },
            type: { type: 'int32', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            tp: { type: 'TypeProto', id: 14 },
            floats: unpacked('float', 7),
            ints: unpacked('int64', 8),
            strings: rep('bytes', 9),
            tensors: rep('TensorProto', 10),
            graphs: rep('GraphProto', 11),
            typeProtos: rep('TypeProto', 15),
          },
        },
        NodeProto: {
          fields: {
            input: rep('string', 1),
            output: rep('string', 2),
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            overload: { type: 'string', id: 8 },
            attribute: rep('AttributeProto', 5),
            docString: { type: 'string', id: 6 },
            metadataProps: rep('StringStringEntryProto', 9),
          },
        },
        GraphProto: {
          fields: {
            node: rep('NodeProto', 1),
            name: { type: 'string', id: 2 },
            initializer: rep('TensorProto', 5),
            docString: { type: 'string', id: 10 },
            input: rep('ValueInfoProto', 11),
            output: rep('ValueInfoProto', 12),
            valueInfo: rep('ValueInfoProto', 13),
            metadataProps: rep('StringStringEntryProto', 16),
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: rep('OperatorSetIdProto', 8),
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            metadataProps: rep('StringStringEntryProto', 14),
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const ModelProtoType = root.lookupType('onnx.ModelProto');
export const GraphProtoType = root.lookupType('onnx.GraphProto');
export const TensorProtoType = root.lookupType('onnx.TensorProto');

const toObjectOptions: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: false, arrays: true };

export function encodeModel(model: ModelProto): Uint8Array {
  return ModelProtoType.encode(ModelProtoType.fromObject(model as Record<string, unknown>)).finish();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return ModelProtoType.toObject(ModelProtoType.decode(bytes), toObjectOptions) as ModelProto;
}

export function encodeGraph(graph: GraphProto): Uint8Array {
  return GraphProtoType.encode(GraphProtoType.fromObject(graph as Record<string, unknown>)).finish();
}

export function encodeTensor(tensor: TensorProto): Uint8Array {
  return TensorProtoType.encode(TensorProtoType.fromObject(tensor as Record<string, unknown>)).finish();
}

/** Little-endian bytes of a Float32Array (a view when the platform is little-endian). */
export function float32Bytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A float32 tensor from rawData, floatData or (if neither) an empty array. Copies when unaligned. */
export function tensorToFloat32(t: TensorProto): Float32Array {
  if (t.rawData && t.rawData.byteLength > 0) {
    const raw = t.rawData;
    if (raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength >> 2);
    const copy = new Uint8Array(raw.byteLength); // (Buffer#slice would be a view)
    copy.set(raw);
    return new Float32Array(copy.buffer);
  }
  return Float32Array.from(t.floatData ?? []);
}
