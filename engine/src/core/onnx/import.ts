/**
 * ONNX import: an ONNX model (opset 9 or later) with its weights → an editable CNN Studio document.
 *
 *  1. size cap, then protobuf decode — anything malformed or truncated is an OnnxImportError;
 *  2. op-by-op conversion to primitive nodes (importer/convert.ts) at the file's input size (or the
 *     inputShape given where the file leaves it symbolic), nodes of constants computed
 *     (importer/constant-fold.ts: shape arithmetic, F.pad's pads),
 *     weights read (and checked against their shapes) into inline base64 tensors (docs/weights.md);
 *  3. nodes nothing reads are dropped; the result must analyse without errors;
 *  4. exact GoogLeNet inception blocks and ResNet residual units collapse into module nodes
 *     (importer/collapse.ts).
 * No positions: the editor lays the graph out. Either the whole document or an error — never half.
 * Isomorphic: external data files are read through a callback the caller provides.
 */
import type { ModelDocument, ModelNode, TensorData } from '../document/schema';
import { analyze } from '../graph/analyze';
import { IMAGENET_NORMALISATION } from '../ops/input';
import { decodeModel, type ModelProto } from './proto';
import { collapseModules } from './importer/collapse';
import { draftDocument, GraphConverter, type WeightStore } from './importer/convert';
import { float32ToBase64Fast } from './importer/base64';
import { OnnxImportError } from './importer/errors';
import type { ExternalDataReader } from './importer/tensors';
import type { InputShape } from './input-shape';

export { OnnxImportError, type OnnxImportErrorCode, type InputShapeRequest } from './importer/errors';
export { DEFAULT_INPUT_SHAPE, formatInputShape, InputShapeSchema, parseInputShape, type InputShape } from './input-shape';
export { safeExternalPath, type ExternalDataReader } from './importer/tensors';

/** Files above this are refused before decoding (1 GiB; VGG-16 is 528 MiB). */
export const MAX_ONNX_BYTES = 1024 ** 3;
export const MIN_OPSET = 9;

export interface ImportOnnxOptions {
  /** Document name (default: the graph's name, else "imported model"). */
  name?: string;
  /** Size cap in bytes (default MAX_ONNX_BYTES). */
  maxBytes?: number;
  /** Reads a weights file named by external data, relative to the model's folder (already checked not to leave it). */
  readExternal?: ExternalDataReader;
  /** Collapse inception blocks, residual units (batch norm kept or folded), inverted residuals and squeeze-excite gates into module nodes (default true). */
  collapseModules?: boolean;
  /**
   * C×H×W for an input whose height/width (or channels) the file leaves symbolic. Without it such a
   * file is refused with code 'needs-input-shape' (its error's `inputShape` says which input and what fits).
   */
  inputShape?: InputShape;
}

export interface ImportOnnxSidecarOptions extends ImportOnnxOptions {
  /** The sidecar's file name, stored as the document's weightsFile ("model.weights.bin"). */
  weightsFile: string;
  /** Tensors with at least this many values go to the sidecar (default: only those too large to inline). */
  sidecarMinValues?: number;
}

export interface OnnxImportResult {
  document: ModelDocument;
  /** The binary sidecar (little-endian float32 ranges), when any tensor went there. */
  sidecar?: Uint8Array;
}

export { DEFAULT_SIDECAR_MIN_VALUES } from '../weights/sidecar';

/** Larger tensors cannot be one base64 string (JavaScript's string length limit is ≈ 2²⁹ characters). */
export const MAX_INLINE_VALUES = 80 * 1024 * 1024;

function decode(bytes: Uint8Array, maxBytes: number): ModelProto {
  if (bytes.byteLength > maxBytes) {
    throw new OnnxImportError('too-large', `The file is ${(bytes.byteLength / 1024 ** 2).toFixed(1)} MiB, over the import limit of ${(maxBytes / 1024 ** 2).toFixed(0)} MiB.`);
  }
  if (bytes.byteLength === 0) throw new OnnxImportError('malformed', 'Not an ONNX model: the file is empty.');
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new OnnxImportError('malformed', `Not an ONNX model: the protobuf data is malformed or truncated (${(e as Error)?.message ?? e}).`);
  }
  if (!model.graph || !(model.graph.node?.length ?? 0)) throw new OnnxImportError('malformed', 'Not an ONNX model: it contains no graph (or an empty one).');
  return model;
}

function opsetOf(model: ModelProto): number {
  const imports = model.opsetImport ?? [];
  const std = imports.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!std || std.version === undefined) throw new OnnxImportError('unsupported-model', 'The model does not declare a standard ONNX opset version.');
  const v = Number(std.version);
  if (v < MIN_OPSET) throw new OnnxImportError('unsupported-model', `The model uses ONNX opset ${v}; CNN Studio imports opset ${MIN_OPSET} or later — re-export it with a newer opset.`);
  return v;
}

/** Keep only nodes some graph output depends on. */
function pruneDead(nodes: ModelDocument['nodes'], edges: ModelDocument['edges'], outputs: string[]) {
  const sources = new Map<string, string[]>();
  for (const e of edges) sources.set(e.target, [...(sources.get(e.target) ?? []), e.source]);
  const live = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...(sources.get(id) ?? []));
  }
  return { nodes: nodes.filter((n) => live.has(n.id)), edges: edges.filter((e) => live.has(e.source) && live.has(e.target)) };
}

/**
 * Decode and convert an ONNX model; every weight inline (base64). Throws OnnxImportError only
 * (anything else is a bug) — including for a tensor too large to inline (use importOnnxWithSidecar).
 */
export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): ModelDocument {
  const { document, store } = convertModel(bytes, options);
  return finalizeWeights(document, store, undefined).document;
}

/** As importOnnx, but tensors that are large (or too large to inline) go to a binary sidecar named options.weightsFile. */
export function importOnnxWithSidecar(bytes: Uint8Array, options: ImportOnnxSidecarOptions): OnnxImportResult {
  const { document, store } = convertModel(bytes, options);
  return finalizeWeights(document, store, { name: options.weightsFile, minValues: Math.min(options.sidecarMinValues ?? Infinity, MAX_INLINE_VALUES) });
}

/**
 * Converted tensors → inline base64, or ranges of the sidecar, which the store makes from its own
 * arena in place (only tensors the final graph uses; one range per tensor however many nodes share it).
 */
function finalizeWeights(doc: ModelDocument, store: WeightStore, sidecar: { name: string; minValues: number } | undefined): OnnxImportResult {
  const toSidecar = (t: TensorData) => sidecar !== undefined && t.sidecar!.length / 4 >= sidecar.minValues;
  const used: TensorData[] = doc.nodes.flatMap((n) => Object.values(n.weights ?? {}));
  // Inline first: they read the arena before the sidecar is compacted in it.
  const inline = new Map<TensorData, TensorData>();
  for (const n of doc.nodes) {
    for (const [key, t] of Object.entries(n.weights ?? {})) {
      if (toSidecar(t)) continue;
      const values = t.sidecar!.length / 4;
      if (values > MAX_INLINE_VALUES) {
        throw new OnnxImportError(
          'too-large',
          `Weight "${key}" of node "${n.id}" has ${values.toLocaleString('en-US')} values, too many to keep inside the document — import it with the command line (cnn-studio import model.onnx -o model.json), which puts large tensors in a model.weights.bin file next to the JSON.`,
        );
      }
      inline.set(t, { shape: t.shape, base64: float32ToBase64Fast(store.get(t)) });
    }
  }
  const { sidecar: bytes, moved } = store.finish(used, toSidecar);
  const finalize = (t: TensorData): TensorData => inline.get(t) ?? { shape: t.shape, sidecar: { offset: moved.get(t.sidecar!.offset)!, length: t.sidecar!.length } };
  const nodes = doc.nodes.map((n) => (n.weights ? { ...n, weights: Object.fromEntries(Object.entries(n.weights).map(([k, t]) => [k, finalize(t)])) } : n));
  if (bytes.byteLength === 0) return { document: { ...doc, nodes } };
  return { document: { ...doc, nodes, weightsFile: sidecar!.name }, sidecar: bytes };
}

/**
 * ONNX does not record how images are normalised. A 3-channel model with one 1000-way output is
 * almost always an ImageNet classifier trained on mean/std-normalised images (torchvision's
 * convention): assume that on the Input node, and say so in the description — it is editable there.
 */
function assumeImageNetPreprocessing(doc: ModelDocument, analysis: ReturnType<typeof analyze>): ModelDocument {
  const inputs = doc.nodes.filter((n) => n.type === 'Input');
  const sources = new Set(doc.edges.map((e) => e.source));
  const outputs = doc.nodes.filter((n) => !sources.has(n.id) && n.type !== 'Input');
  const shape = outputs.length === 1 ? analysis.nodes[outputs[0].id]?.outputShape : undefined;
  if (inputs.length !== 1 || inputs[0].params.channels !== 3 || !shape || shape.length !== 1 || shape[0] !== 1000) return doc;
  return {
    ...doc,
    description: `${doc.description ?? ''} Input preprocessing assumed: scale to [0, 1], then ImageNet mean/std normalisation (edit it on the Input node).`.trim(),
    nodes: doc.nodes.map((n) => (n === inputs[0] ? { ...n, params: { ...n.params, preprocess: { resize: true, scale: true, ...IMAGENET_NORMALISATION } } } : n)),
  };
}

function convertModel(bytes: Uint8Array, options: ImportOnnxOptions): { document: ModelDocument; store: WeightStore } {
  const model = decode(bytes, options.maxBytes ?? MAX_ONNX_BYTES);
  const opset = opsetOf(model);
  const converter = new GraphConverter(model.graph!, { opset, readExternal: options.readExternal, producer: model.producerName, ...(options.inputShape ? { inputShape: options.inputShape } : {}) });
  const converted = converter.convert();
  const { nodes, edges } = pruneDead(converted.nodes, converted.edges, converted.outputs);
  const name = options.name ?? (model.graph!.name || 'imported model');
  let doc = draftDocument(name.slice(0, 500), nodes, edges);
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  doc.description = `Imported from ONNX (opset ${opset}${producer ? `, produced by ${producer}` : ''}).`;
  const analysis = analyze(doc);
  if (!analysis.valid) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error')!;
    throw new OnnxImportError('bad-graph', `The imported graph is not a valid CNN Studio model: ${first.message}`, first.nodeId);
  }
  // (CNN Studio's own files describe documents whose Input says how it preprocesses; leave those as they are.)
  if (model.producerName !== 'CNN Studio') doc = assumeImageNetPreprocessing(doc, analysis);
  if (options.collapseModules !== false) doc = collapseModules(doc);
  return { document: doc, store: converter.weights };
}
