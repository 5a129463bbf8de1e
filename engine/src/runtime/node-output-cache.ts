/**
 * Outputs of document nodes from earlier runs, by output key (node-keys.ts): a node's statistics and
 * preview (kept for every node of every live run: a few hundred KiB a node at most) and, for a few
 * nodes, the full output tensor a later run can start from (partial-run.ts). Least recently used
 * entries go first once the buffers they hold pass the budget (default 256 MiB).
 *
 * Previews are kept as they come — views into the run's one preview buffer (ort/taps.ts), not
 * copies: copying 2 MB into fresh memory on every ResNet-50 run cost more than the run's taps on
 * these machines. A buffer counts once, whole, for as long as any entry views it. `holds` tells the
 * worker not to transfer such buffers to a thread host (a result that reuses them is copied);
 * between processes only each view's own bytes are serialised.
 */
import type { NodeRunResult } from '../core/api';

export const DEFAULT_OUTPUT_CACHE_BYTES = 256 * 2 ** 20;

export interface CachedOutput {
  summary?: NodeRunResult;
  tensor?: Float32Array;
}

function buffersOf(e: CachedOutput): ArrayBufferLike[] {
  const out: ArrayBufferLike[] = [];
  if (e.tensor) out.push(e.tensor.buffer);
  if (e.summary?.preview) out.push(e.summary.preview.data.buffer, e.summary.preview.ranges.buffer);
  return out;
}

export class NodeOutputCache {
  private readonly entries = new Map<string, CachedOutput>();
  /** Every buffer entries view, with how many views. */
  private readonly refs = new Map<ArrayBufferLike, number>();
  private total = 0;

  constructor(readonly budgetBytes = DEFAULT_OUTPUT_CACHE_BYTES) {}

  /** The entry of a key, marked most recently used. */
  get(key: string): CachedOutput | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  has(key: string, part: keyof CachedOutput): boolean {
    return this.entries.get(key)?.[part] !== undefined;
  }

  /** Keeps a node's statistics and preview (the preview's arrays themselves: the caller must not change them). */
  putSummary(key: string, summary: NodeRunResult): void {
    const e = this.entryFor(key);
    if (e.summary) return;
    e.summary = { shape: [...summary.shape], stats: { ...summary.stats }, ...(summary.preview ? { preview: { ...summary.preview } } : {}) };
    if (e.summary.preview) {
      this.retain(e.summary.preview.data.buffer);
      this.retain(e.summary.preview.ranges.buffer);
    }
    this.evict(key);
  }

  /** Keeps a node's full output (the array itself: the caller must not change it). */
  putTensor(key: string, tensor: Float32Array): void {
    if (tensor.buffer.byteLength > this.budgetBytes / 2) return;
    const e = this.entryFor(key);
    if (e.tensor) return;
    e.tensor = tensor;
    this.retain(tensor.buffer);
    this.evict(key);
  }

  /** Whether a buffer belongs to a cached entry (a result must copy it, not move it). */
  holds(buffer: ArrayBufferLike): boolean {
    return this.refs.has(buffer);
  }

  /** Bytes of the buffers entries hold. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.refs.clear();
    this.total = 0;
  }

  private entryFor(key: string): CachedOutput {
    const e = this.get(key) ?? {};
    this.entries.set(key, e);
    return e;
  }

  private retain(b: ArrayBufferLike): void {
    const n = this.refs.get(b) ?? 0;
    if (n === 0) this.total += b.byteLength;
    this.refs.set(b, n + 1);
  }

  private release(b: ArrayBufferLike): void {
    const n = this.refs.get(b) ?? 0;
    if (n <= 1) {
      if (this.refs.delete(b)) this.total -= b.byteLength;
    } else this.refs.set(b, n - 1);
  }

  /** Drops least recently used entries (never `keep`) until the buffers held fit the budget. */
  private evict(keep: string): void {
    for (const [key, old] of this.entries) {
      if (this.total <= this.budgetBytes) break;
      if (key === keep) continue;
      this.entries.delete(key);
      for (const b of buffersOf(old)) this.release(b);
    }
  }
}
