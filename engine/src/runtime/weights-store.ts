/**
 * Sidecar weights held on the host side (Electron main process, browser-mode server) for the
 * documents open in the editor, by an unguessable token. The editor only ever holds the token:
 * the bytes (tens to hundreds of MB) never travel through it. EngineHost sends them to its worker
 * once per token (and again after a worker restart); the file service writes them beside a saved
 * document. `origin` is the file on disk the bytes are known to equal (the one they were read
 * from, or last written to), so saving next to it again does not rewrite it.
 *
 * The editor releases a token when it loads another document. A page that goes away without
 * doing so (a browser tab reloaded or closed) cannot, so the store also keeps at most `maxBytes`:
 * adding beyond that forgets the least recently used others first (a later use of a forgotten
 * token is refused with a message to reopen the model).
 */
import { randomUUID } from 'node:crypto';
import type { WeightsHandle } from '../core/api';

export interface HeldWeights extends WeightsHandle {
  bytes: Uint8Array;
  /** Absolute path of a file on disk with exactly these bytes, if any. */
  origin?: string;
}

/** Default cap on the bytes held at once (a few VGG-16-sized sidecars). */
export const MAX_HELD_WEIGHT_BYTES = 3 * 1024 ** 3;

export class WeightsStore {
  /** In least-recently-used order (a Map keeps insertion order; `get` moves an entry to the end). */
  private readonly held = new Map<string, HeldWeights>();
  private bytesHeld = 0;
  private readonly releaseListeners = new Set<(token: string) => void>();

  constructor(private readonly maxBytes = MAX_HELD_WEIGHT_BYTES) {}

  /** Keep `bytes` (not copied: the caller hands them over) as the sidecar named `file`. */
  add(bytes: Uint8Array, file: string, origin?: string): WeightsHandle {
    const token = randomUUID();
    for (const old of [...this.held.keys()]) {
      if (this.bytesHeld + bytes.byteLength <= this.maxBytes) break;
      this.release(old);
    }
    this.held.set(token, { token, file, byteLength: bytes.byteLength, bytes, ...(origin ? { origin } : {}) });
    this.bytesHeld += bytes.byteLength;
    return { token, file, byteLength: bytes.byteLength };
  }

  get(token: string): HeldWeights | undefined {
    const h = this.held.get(token);
    if (h) {
      this.held.delete(token);
      this.held.set(token, h);
    }
    return h;
  }

  has(token: string): boolean {
    return this.held.has(token);
  }

  /** The bytes now also live at `origin` (a save wrote them there). */
  setOrigin(token: string, origin: string): void {
    const h = this.held.get(token);
    if (h) h.origin = origin;
  }

  /** Forget the bytes; returns whether they were held. Listeners (EngineHost: its worker's copy) hear of it. */
  release(token: string): boolean {
    const h = this.held.get(token);
    if (!h) return false;
    this.held.delete(token);
    this.bytesHeld -= h.byteLength;
    for (const l of this.releaseListeners) l(token);
    return true;
  }

  onRelease(listener: (token: string) => void): () => void {
    this.releaseListeners.add(listener);
    return () => this.releaseListeners.delete(listener);
  }

  get size(): number {
    return this.held.size;
  }

  get byteLength(): number {
    return this.bytesHeld;
  }
}
