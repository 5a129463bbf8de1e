/**
 * Between processes, a result's previews travel as one byte array: serialised one by one (they are
 * views into the run's single preview buffer) they cost more to write, send and read — a 1.9 MB
 * ResNet-50 result through a Node child process: 2.5 ms as 24 views, 2.0 ms as one array. The
 * worker packs, EngineHost unpacks before anyone sees the result. Threads need neither (buffers
 * are transferred).
 */
import type { FeaturePreview, NodeRunResult } from '../core/api';

interface PackedPreview extends Omit<FeaturePreview, 'data'> {
  /** Where this preview's bytes are in the packed array (previews of other buffers keep their array). */
  data: { at: number; length: number } | Uint8Array;
}

interface WithNodes {
  nodes: Record<string, NodeRunResult>;
}

export interface PackedResult {
  nodes: Record<string, Omit<NodeRunResult, 'preview'> & { preview?: PackedPreview }>;
  packedPreviews: Uint8Array;
}

function hasNodes(value: unknown): value is WithNodes {
  return typeof value === 'object' && value !== null && typeof (value as WithNodes).nodes === 'object' && (value as WithNodes).nodes !== null;
}

/**
 * The result with the previews that view one shared buffer (the in-graph taps' output) replaced by
 * ranges of one array; previews with buffers of their own (inputs and tiny maps, summarised on the
 * JS side) stay as they are. Unchanged when fewer than two previews share a buffer.
 */
export function packPreviews<T>(value: T): T | (Omit<T, 'nodes'> & PackedResult) {
  if (!hasNodes(value)) return value;
  // The buffer that most preview bytes view, if two or more previews share it.
  const byBuffer = new Map<ArrayBufferLike, { bytes: number; views: number }>();
  for (const n of Object.values(value.nodes)) {
    if (!n.preview) continue;
    const seen = byBuffer.get(n.preview.data.buffer) ?? { bytes: 0, views: 0 };
    byBuffer.set(n.preview.data.buffer, { bytes: seen.bytes + n.preview.data.byteLength, views: seen.views + 1 });
  }
  const candidates = [...byBuffer].filter(([, c]) => c.views >= 2).sort((x, y) => y[1].bytes - x[1].bytes);
  if (candidates.length === 0) return value;
  const shared = candidates[0][0];
  const previews = Object.values(value.nodes).flatMap((n) => (n.preview?.data.buffer === shared ? [n.preview.data] : []));
  const lo = Math.min(...previews.map((d) => d.byteOffset));
  const hi = Math.max(...previews.map((d) => d.byteOffset + d.byteLength));
  const packed = new Uint8Array(shared, lo, hi - lo);
  const nodes = Object.fromEntries(
    Object.entries(value.nodes).map(([id, n]) => [id, n.preview?.data.buffer === shared ? { ...n, preview: { ...n.preview, data: { at: n.preview.data.byteOffset - lo, length: n.preview.data.byteLength } } } : n]),
  );
  return { ...value, nodes, packedPreviews: packed };
}

/** The inverse of packPreviews (other values pass through). */
export function unpackPreviews(value: unknown): unknown {
  if (!hasNodes(value) || !((value as Partial<PackedResult>).packedPreviews instanceof Uint8Array)) return value;
  const { packedPreviews, ...rest } = value as unknown as PackedResult & Record<string, unknown>;
  const nodes = Object.fromEntries(
    Object.entries(rest.nodes).map(([id, n]) => {
      const data = n.preview?.data;
      if (!data || data instanceof Uint8Array) return [id, n];
      return [id, { ...n, preview: { ...n.preview, data: packedPreviews.subarray(data.at, data.at + data.length) } }];
    }),
  );
  return { ...rest, nodes };
}
