/**
 * A document whose weights live in a binary sidecar (docs/weights.md) turned into one that carries
 * them all inside: every sidecar range becomes inline base64 (the form ONNX import writes) and
 * `weightsFile` goes. File ▸ Export JSON uses it (through EngineClient.inlineWeights), so the
 * exported file opens and runs alone. Isomorphic: the caller hands in the sidecar's bytes.
 */
import type { ModelDocument, TensorData } from '../document/schema';
import { MAX_INLINE_VALUES } from '../onnx/import';
import { encodeBase64Fast } from '../onnx/importer/base64';
import { sidecarSizeProblem } from './sidecar';

export interface InlineWeightsOptions {
  /** Tensors over this many float32 values are refused (default MAX_INLINE_VALUES: a JS string cannot hold more as base64). */
  maxValues?: number;
}

/** Why a sidecar document cannot be made self-contained: 'too-large' (a tensor too big to inline) or 'bad-input' (the sidecar does not fit the document). */
export class InlineWeightsError extends Error {
  constructor(
    readonly code: 'too-large' | 'bad-input',
    message: string,
  ) {
    super(message);
    this.name = 'InlineWeightsError';
  }
}

/** `doc` with every sidecar tensor as inline base64 read from `sidecar`, and no weightsFile. Other tensors are kept as they are. */
export function inlineSidecarWeights(doc: ModelDocument, sidecar: Uint8Array, options: InlineWeightsOptions = {}): ModelDocument {
  const maxValues = options.maxValues ?? MAX_INLINE_VALUES;
  const file = doc.weightsFile ?? 'the weights file';
  const bad = sidecarSizeProblem(doc, file, sidecar.byteLength);
  if (bad) throw new InlineWeightsError('bad-input', bad);
  const inline = (key: string, nodeId: string, t: TensorData): TensorData => {
    if (!t.sidecar) return t;
    const { offset, length } = t.sidecar;
    if (length % 4 !== 0) throw new InlineWeightsError('bad-input', `Weight "${key}" of node "${nodeId}" is ${length} bytes in ${file}, not a whole number of float32 values.`);
    const values = length / 4;
    if (values > maxValues) {
      throw new InlineWeightsError(
        'too-large',
        `Weight "${key}" of node "${nodeId}" has ${values.toLocaleString('en-US')} values, too many to keep inside a JSON file — use File ▸ Save As instead, which writes the JSON together with its weights file (${file}).`,
      );
    }
    return { shape: t.shape, base64: encodeBase64Fast(sidecar.subarray(offset, offset + length)) };
  };
  const nodes = doc.nodes.map((n) => (n.weights ? { ...n, weights: Object.fromEntries(Object.entries(n.weights).map(([k, t]) => [k, inline(k, n.id, t)])) } : n));
  const { weightsFile: _dropped, ...rest } = doc;
  return { ...rest, nodes };
}
