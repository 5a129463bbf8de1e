/**
 * A small ONNX graph builder: unique value names, nodes, float32/int64 initializers, graph inputs
 * and outputs — and a fast encoder. The graph's structure is encoded with protobufjs; initializers
 * are written by hand as TensorProto raw_data straight into one output buffer (optionally a reused
 * one), so encoding ResNet-152 is one memcpy per weight rather than a protobuf walk.
 */
import * as protobufNamespace from 'protobufjs/light.js';

/** protobufjs is CommonJS: Node's ESM loader exposes it as the default export, bundlers as the namespace. */
const protobuf: typeof protobufNamespace = (protobufNamespace as unknown as { default?: typeof protobufNamespace }).default ?? protobufNamespace;
import { DataType, encodeGraph, encodeModel, type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type ValueInfoProto } from './proto';
import type { OnnxAttr } from './lowering';

export const OPSET_VERSION = 17;
/** IR version 8 goes with opset 17 (ONNX 1.12+). */
export const IR_VERSION = 8;

export interface Initializer {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian element bytes. */
  bytes: Uint8Array;
  /** Identifies the bytes when they are derived from a key (seeded weights), so hashing can skip them. */
  fingerprint?: string;
}

/** A dimension: a size, or a symbolic name such as "N". */
export type Dim = number | string;

/** Gives the encoder a buffer of at least `size` bytes; lets a caller reuse memory already touched. */
export type BufferProvider = (size: number) => Uint8Array;

export class OnnxGraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  private structureBytes: Uint8Array | undefined;

  constructor(readonly name = 'cnn-studio') {}

  /** Reserves a name; when taken, appends _1, _2… */
  uniqueName(hint: string): string {
    let name = hint;
    while (this.names.has(name)) name = `${hint}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  addInput(name: string, dims: readonly Dim[], elemType: number = DataType.FLOAT): void {
    this.structureBytes = undefined;
    this.inputs.push(valueInfo(name, dims, elemType));
  }

  addOutput(name: string, dims?: readonly Dim[], elemType: number = DataType.FLOAT): void {
    this.structureBytes = undefined;
    this.outputs.push(dims ? valueInfo(name, dims, elemType) : { name, type: { tensorType: { elemType } } });
  }

  addFloatInitializer(name: string, dims: readonly number[], data: Float32Array, fingerprint?: string): string {
    this.initializers.push({ name, dims: [...dims], dataType: DataType.FLOAT, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), fingerprint });
    return name;
  }

  /** An initializer of any element type from its little-endian bytes. */
  addRawInitializer(name: string, dims: readonly number[], dataType: number, bytes: Uint8Array): string {
    this.initializers.push({ name, dims: [...dims], dataType, bytes });
    return name;
  }

  addInt64Initializer(name: string, values: readonly number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, bytes: new Uint8Array(data.buffer) });
    return name;
  }

  addNode(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, OnnxAttr> = {}, name?: string): NodeProto {
    this.structureBytes = undefined;
    const node: NodeProto = { opType, input: [...inputs], output: [...outputs], name: name ?? outputs[0] };
    const attribute = Object.entries(attrs).map(([key, value]) => toAttribute(key, value));
    if (attribute.length) node.attribute = attribute;
    this.nodes.push(node);
    return node;
  }

  /**
   * This graph with some float inputs made constants: each named input becomes an initializer of
   * the given shape and data (shared, not copied). Nodes, outputs and the other initializers are
   * shared with this builder, which is unchanged.
   */
  withInputsAsConstants(constants: ReadonlyMap<string, { dims: readonly number[]; data: Float32Array }>): OnnxGraphBuilder {
    const copy = new OnnxGraphBuilder(this.name);
    for (const node of this.nodes) copy.nodes.push(node);
    for (const output of this.outputs) copy.outputs.push(output);
    for (const initializer of this.initializers) copy.initializers.push(initializer);
    for (const name of this.names) copy.names.add(name);
    for (const input of this.inputs) {
      const constant = input.name === undefined ? undefined : constants.get(input.name);
      if (constant) copy.addFloatInitializer(input.name!, constant.dims, constant.data);
      else copy.inputs.push(input);
    }
    return copy;
  }

  /** The graph as a plain ModelProto (initializers included as raw_data). */
  toModel(meta: ModelMeta = {}): ModelProto {
    return { ...modelHeader(meta), graph: { ...this.structure(), initializer: this.initializers.map((t) => ({ name: t.name, dims: t.dims, dataType: t.dataType, rawData: t.bytes })) } };
  }

  /**
   * Encodes the model: the same bytes a protobuf encoder would accept (fields in a valid order).
   * With `provide`, the result is a view into the provided buffer (valid until the buffer is reused).
   */
  encode(meta: ModelMeta = {}, provide?: BufferProvider): Uint8Array {
    const plan = this.plan(meta);
    const out = provide ? provide(plan.total).subarray(0, plan.total) : new Uint8Array(plan.total);
    let pos = 0;
    this.writeChunks(plan, (chunk) => {
      out.set(chunk, pos);
      pos += chunk.length;
    });
    if (pos !== plan.total) throw new Error(`ONNX encoder: wrote ${pos} of ${plan.total} bytes`);
    return out;
  }

  /**
   * Encodes the model as a sequence of chunks (small headers, and each initializer's own bytes),
   * never holding the whole model in one buffer: for streaming a large model to a file. Returns
   * the total size.
   */
  encodeTo(sink: (chunk: Uint8Array) => void, meta: ModelMeta = {}): number {
    const plan = this.plan(meta);
    let written = 0;
    this.writeChunks(plan, (chunk) => {
      written += chunk.length;
      sink(chunk);
    });
    if (written !== plan.total) throw new Error(`ONNX encoder: wrote ${written} of ${plan.total} bytes`);
    return written;
  }

  private plan(meta: ModelMeta): { head: Uint8Array; structure: Uint8Array; tensorHeaders: Uint8Array[]; graphLength: number; total: number } {
    const head = encodeModel(modelHeader(meta));
    const structure = this.encodeStructure();
    let graphLength = structure.length;
    const tensorHeaders: Uint8Array[] = [];
    for (const t of this.initializers) {
      const header = tensorHeader(t);
      tensorHeaders.push(header);
      const tensorLength = header.length + t.bytes.length;
      graphLength += 1 + varintLength(tensorLength) + tensorLength;
    }
    const total = head.length + 1 + varintLength(graphLength) + graphLength;
    return { head, structure, tensorHeaders, graphLength, total };
  }

  private writeChunks(plan: ReturnType<OnnxGraphBuilder['plan']>, sink: (chunk: Uint8Array) => void): void {
    const tag = (field: number, length: number) => {
      const out = new Uint8Array(1 + varintLength(length));
      out[0] = (field << 3) | 2;
      writeVarint(out, 1, length);
      return out;
    };
    sink(plan.head);
    sink(tag(7, plan.graphLength)); // ModelProto.graph
    sink(plan.structure);
    this.initializers.forEach((t, i) => {
      const header = plan.tensorHeaders[i];
      sink(tag(5, header.length + t.bytes.length)); // GraphProto.initializer
      sink(header);
      sink(t.bytes);
    });
  }

  /** The graph without initializer data, encoded (for hashing and the encoder). */
  encodeStructure(): Uint8Array {
    return (this.structureBytes ??= encodeGraph(this.structure()));
  }

  private structure(): GraphProto {
    return { name: this.name, node: this.nodes, input: this.inputs, output: this.outputs };
  }
}

export interface ModelMeta {
  /** Operator sets besides the standard one (a runtime's own layout ops, e.g. onnxruntime's "com.microsoft.nchwc"). */
  opsets?: { domain: string; version: number }[];
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

function modelHeader(meta: ModelMeta): ModelProto {
  const model: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }, ...(meta.opsets ?? [])],
    producerName: 'CNN Studio',
    producerVersion: meta.producerVersion ?? '0.1.0',
  };
  if (meta.docString) model.docString = meta.docString;
  if (meta.metadata) model.metadataProps = Object.entries(meta.metadata).map(([key, value]) => ({ key, value }));
  return model;
}

function valueInfo(name: string, dims: readonly Dim[], elemType: number): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function toAttribute(name: string, value: OnnxAttr): AttributeProto {
  if ('i' in value) return { name, type: 2, i: value.i };
  if ('f' in value) return { name, type: 1, f: value.f };
  if ('ints' in value) return { name, type: 7, ints: value.ints };
  if ('floats' in value) return { name, type: 6, floats: value.floats };
  return { name, type: 3, s: utf8(value.s) };
}

function utf8(s: string): Uint8Array {
  const out = new Uint8Array(protobuf.util.utf8.length(s));
  protobuf.util.utf8.write(s, out, 0);
  return out;
}

/** TensorProto fields before raw_data: dims (1), data_type (2), name (8), raw_data tag and length (9). */
function tensorHeader(t: Initializer): Uint8Array {
  const name = utf8(t.name);
  const size = t.dims.reduce((n, d) => n + 1 + varintLength(d), 0) + 1 + varintLength(t.dataType) + 1 + varintLength(name.length) + name.length + 1 + varintLength(t.bytes.length);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const d of t.dims) {
    out[pos++] = (1 << 3) | 0;
    pos = writeVarint(out, pos, d);
  }
  out[pos++] = (2 << 3) | 0;
  pos = writeVarint(out, pos, t.dataType);
  out[pos++] = (8 << 3) | 2;
  pos = writeVarint(out, pos, name.length);
  out.set(name, pos);
  pos += name.length;
  out[pos++] = (9 << 3) | 2;
  pos = writeVarint(out, pos, t.bytes.length);
  return out;
}

function varintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeVarint(out: Uint8Array, pos: number, v: number): number {
  while (v >= 128) {
    out[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}
