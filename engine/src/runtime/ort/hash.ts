/**
 * A structural hash of a compiled graph: its nodes, inputs, outputs, initializer names and shapes,
 * and a fingerprint of each initializer's bytes — equal for graphs that compute the same thing, so
 * moving a node on the canvas or renaming the model never rebuilds a session.
 */
import type { OnnxGraphBuilder } from '../../core/onnx/builder';
import type { ModelDocument } from '../../core/document/schema';

/** 64-bit-ish FNV-1a (two 32-bit lanes) over bytes, continued from `h`. */
function fnv(bytes: Uint8Array, h: [number, number], step = 1): void {
  let a = h[0];
  let b = h[1];
  for (let i = 0; i < bytes.length; i += step) {
    a = Math.imul(a ^ bytes[i], 0x01000193);
    b = Math.imul(b ^ bytes[i], 0x01000197) ^ (a >>> 7);
  }
  h[0] = a >>> 0;
  h[1] = b >>> 0;
}

/**
 * Initializer fingerprint: every byte of small tensors; for large ones (> 64 KiB) the first and
 * last 4 KiB and a strided sample — weights change as whole tensors (re-seeding, import), never
 * one stray value, so the sample tells them apart without reading hundreds of megabytes.
 */
function fingerprint(bytes: Uint8Array, h: [number, number]): void {
  if (bytes.length <= 65_536) return fnv(bytes, h);
  fnv(bytes.subarray(0, 4096), h);
  fnv(bytes.subarray(bytes.length - 4096), h);
  fnv(bytes, h, Math.floor(bytes.length / 8191) | 1);
}

export function structuralKey(builder: OnnxGraphBuilder, seed: number | undefined): string {
  const h: [number, number] = [0x811c9dc5, 0x1234567];
  fnv(builder.encodeStructure(), h);
  const meta: string[] = [String(seed)];
  for (const t of builder.initializers) {
    meta.push(`${t.name}:${t.dims.join('x')}:${t.dataType}:${t.bytes.length}:${t.fingerprint ?? ''}`);
    if (t.fingerprint === undefined) fingerprint(t.bytes, h);
  }
  const text = meta.join('|');
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  fnv(bytes, h);
  return `${h[0].toString(16)}${h[1].toString(16)}:${builder.nodes.length}:${builder.initializers.length}`;
}

/** A short, sampled fingerprint of a string (inline base64 weights can be hundreds of megabytes). */
function sampleString(s: string): string {
  if (s.length <= 65_536) return s;
  const step = Math.floor(s.length / 64);
  let out = `${s.length}:${s.slice(0, 64)}:${s.slice(-64)}:`;
  for (let i = 0; i < s.length; i += step) out += s[i];
  return out;
}

function sampleNumbers(xs: readonly number[]): string {
  if (xs.length <= 4096) return xs.join(',');
  const step = Math.floor(xs.length / 64);
  const picked: number[] = [];
  for (let i = 0; i < xs.length; i += step) picked.push(xs[i]);
  return `${xs.length}:${picked.join(',')}`;
}

/**
 * What a run's compiled graph depends on, from the document alone: node types, params, inline
 * weights (sampled, see `fingerprint`), edges, seed and the run options — not positions, labels or
 * the model's name. Equal keys let a run skip compilation entirely.
 */
export function documentKey(doc: ModelDocument, extra: unknown): string {
  const nodes = doc.nodes.map((n) => ({
    id: n.id,
    type: n.type,
    params: n.params,
    weights: n.weights
      ? Object.fromEntries(
          Object.entries(n.weights).map(([k, t]) => [k, { shape: t.shape, data: t.data && sampleNumbers(t.data), base64: t.base64 && sampleString(t.base64), sidecar: t.sidecar }]),
        )
      : undefined,
  }));
  const edges = doc.edges.map((e) => [e.source, e.target, e.sourcePort, e.targetPort]);
  return JSON.stringify({ nodes, edges, seed: doc.seed, weightsFile: doc.weightsFile, extra });
}
