/**
 * Trained weights into the document, the way the import path stores them: inline base64 on the
 * owner node (`weights[key]`), or, for a model with large tensors, ranges of a binary sidecar
 * (docs/weights.md). Every existing path — save, open, infer, feature maps, ONNX and PyTorch
 * export — then runs the trained network with no special case.
 */
import type { ModelDocument, ModelNode, TensorData, TrainingRecord } from '../document/schema';
import { float32ToBase64Fast } from '../onnx/importer/base64';
import { decodeTensorData } from '../weights/resolve';

export interface TrainedTensor {
  /** The document node that carries it, and its key there (`inlineWeightKey`). */
  owner: string;
  key: string;
  shape: readonly number[];
  data: Float32Array;
}

export interface TrainedWeightsOptions {
  /** Sidecar file name; tensors of `sidecarMinValues`+ values go there. Absent: all inline. */
  weightsFile?: string;
  /** Default 65,536 values (256 KiB). */
  sidecarMinValues?: number;
  training?: TrainingRecord;
  /** The document's current sidecar, so tensors the run did not train that live there are kept. */
  sidecar?: Uint8Array;
  /** Class names of the data the network was trained on. */
  labels?: readonly string[];
}

export function withTrainedWeights(doc: ModelDocument, tensors: readonly TrainedTensor[], options: TrainedWeightsOptions = {}): { document: ModelDocument; sidecar?: Uint8Array } {
  const minValues = options.weightsFile ? (options.sidecarMinValues ?? 65_536) : Infinity;
  const byOwner = new Map<string, Record<string, TensorData>>();
  const parts: Float32Array[] = [];
  let offset = 0;
  const all: TrainedTensor[] = [...tensors];
  const trainedKeys = new Set(tensors.map((t) => `${t.owner}\u0000${t.key}`));
  for (const n of doc.nodes) {
    for (const [key, t] of Object.entries(n.weights ?? {})) {
      if (!t.sidecar || trainedKeys.has(`${n.id}\u0000${key}`)) continue;
      const data = decodeTensorData(t, options.sidecar);
      if (data) all.push({ owner: n.id, key, shape: t.shape, data });
    }
  }
  for (const t of all) {
    let stored: TensorData;
    if (t.data.length >= minValues) {
      stored = { shape: [...t.shape], sidecar: { offset, length: t.data.byteLength } };
      parts.push(t.data);
      offset += t.data.byteLength;
    } else {
      stored = { shape: [...t.shape], base64: float32ToBase64Fast(t.data) };
    }
    const own = byOwner.get(t.owner) ?? {};
    own[t.key] = stored;
    byOwner.set(t.owner, own);
  }
  // Weights the run did not touch stay as they were (sidecar ones were re-packed above).
  const nodes: ModelNode[] = doc.nodes.map((n) => {
    const trained = byOwner.get(n.id);
    if (!trained && !n.weights) return n;
    const kept = Object.fromEntries(Object.entries(n.weights ?? {}).filter(([k, t]) => !trained?.[k] && !t.sidecar));
    const weights = { ...kept, ...trained };
    return { ...n, weights: Object.keys(weights).length ? weights : undefined };
  });
  const document: ModelDocument = { ...doc, nodes };
  if (options.training) document.training = options.training;
  if (options.labels) document.labels = [...options.labels];
  if (parts.length === 0) {
    delete document.weightsFile;
    return { document };
  }
  const sidecar = new Uint8Array(offset);
  let o = 0;
  for (const p of parts) {
    sidecar.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  document.weightsFile = options.weightsFile;
  return { document, sidecar };
}
