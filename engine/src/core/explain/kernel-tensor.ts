import type { ModelDocument, TensorData } from '../document/schema';
import type { Analysis } from '../graph/types';
import { resolveWeights } from '../weights/resolve';
import { float32ToBase64 } from '../util/base64';

/** A Conv2D kernel as the kernel editor holds it: [filters, inChannels/groups, kh, kw], row-major. */
export interface KernelTensor {
  shape: [number, number, number, number];
  data: Float32Array;
}

export class KernelEditError extends Error {}

/** Inline tensors larger than this are stored as base64 float32 rather than a JSON number list. */
const MAX_JSON_VALUES = 4096;

/** The kernel and bias a Conv2D node runs with now: its inline weights, or the seeded initialisation. */
export function convWeights(doc: ModelDocument, analysis: Analysis, nodeId: string): { kernel: KernelTensor; bias?: Float32Array } {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node || node.type !== 'Conv2D') throw new KernelEditError(`"${nodeId}" is not a Conv2D node — the kernel editor works on convolutions.`);
  const prim = analysis.primitives.nodes.find((p) => p.id === nodeId);
  if (!prim) throw new KernelEditError(`Conv2D "${nodeId}" has no shape yet — fix its errors (or connect its input) to edit its kernel.`);
  const spec = prim.weights.find((w) => w.name === 'kernel');
  if (!spec || spec.shape.length !== 4) throw new KernelEditError(`Conv2D "${nodeId}" has no 4-D kernel.`);
  const w = resolveWeights(doc, prim);
  return { kernel: { shape: spec.shape as KernelTensor['shape'], data: w.kernel }, bias: w.bias };
}

/** The kh×kw slice of filter `filter`, input channel `channel`. */
export function getKernelSlice(k: KernelTensor, filter: number, channel: number): number[][] {
  const [f, c, kh, kw] = k.shape;
  if (filter < 0 || filter >= f || channel < 0 || channel >= c) throw new KernelEditError(`No filter ${filter}, channel ${channel} in a ${f}×${c}×${kh}×${kw} kernel.`);
  const base = (filter * c + channel) * kh * kw;
  return Array.from({ length: kh }, (_, i) => Array.from(k.data.subarray(base + i * kw, base + (i + 1) * kw)));
}

/**
 * A copy of the kernel with one slice replaced. `channel` 'all' writes the same values into every
 * input channel of the filter (so a Sobel filter on an RGB input responds to edges in the luminance).
 */
export function setKernelSlice(k: KernelTensor, filter: number, channel: number | 'all', values: number[][]): KernelTensor {
  const [f, c, kh, kw] = k.shape;
  if (values.length !== kh || values.some((r) => r.length !== kw)) throw new KernelEditError(`The values must be ${kh}×${kw} to fit this kernel.`);
  if (filter < 0 || filter >= f) throw new KernelEditError(`No filter ${filter}: this kernel has ${f}.`);
  const data = k.data.slice();
  const channels = channel === 'all' ? Array.from({ length: c }, (_, i) => i) : [channel];
  for (const ch of channels) {
    if (ch < 0 || ch >= c) throw new KernelEditError(`No input channel ${ch}: this kernel has ${c}.`);
    const base = (filter * c + ch) * kh * kw;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) data[base + i * kw + j] = values[i][j];
  }
  return { shape: k.shape, data };
}

/** Tensor data for the document: a number list when small, base64 float32 otherwise. */
export function toTensorData(shape: readonly number[], data: Float32Array): TensorData {
  if (data.length <= MAX_JSON_VALUES) return { shape: [...shape], data: Array.from(data) };
  return { shape: [...shape], base64: float32ToBase64(data) };
}

/** A new document whose node `nodeId` carries the given kernel (and bias, when given) as inline weights. Other nodes are shared, not copied. */
export function withInlineConvWeights(doc: ModelDocument, nodeId: string, kernel: KernelTensor, bias?: Float32Array): ModelDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const weights: Record<string, TensorData> = { ...(n.weights ?? {}), kernel: toTensorData(kernel.shape, kernel.data) };
      if (bias) weights.bias = toTensorData([bias.length], bias);
      return { ...n, weights };
    }),
  };
}

/** A new document where node `nodeId` goes back to seeded kernel and bias. */
export function withoutInlineConvWeights(doc: ModelDocument, nodeId: string): ModelDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.id !== nodeId || !n.weights) return n;
      const { kernel: _k, bias: _b, ...rest } = n.weights;
      return { ...n, weights: Object.keys(rest).length ? rest : undefined };
    }),
  };
}
