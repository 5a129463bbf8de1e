/**
 * What one browser-mode server lets its clients make it hold, and the cheap checks on a call frame
 * made before it is decoded (main/web-server.ts applies them).
 *
 * Memory: a frame is held whole while it arrives (ws has no streaming), so ReadBudget below keeps
 * what frames arriving and calls being served hold, all connections together, to about
 * maxInFlightBytes plus one frame.
 */
import { MAX_PAYLOAD_BYTES } from './contract';

export interface WebLimits {
  /**
   * Largest WebSocket frame: the largest legitimate call is a weights file or ONNX model of
   * MAX_PAYLOAD_BYTES (engine.attachWeights / engine.importOnnxModel), whose header (the call's name,
   * a file name, alignment) is a few hundred bytes; 64 KiB covers it with room to spare.
   */
  maxPayloadBytes: number;
  /** Open WebSocket connections at once (tabs of the editor); more are refused with 503. */
  maxConnections: number;
  /** Calls one connection may have unanswered; more are answered at once with 'busy'. */
  maxCallsInFlight: number;
  /** Bytes of frames arriving and calls being served, all connections together; above it reading pauses (ReadBudget). */
  maxInFlightBytes: number;
  /**
   * Objects and arrays in one call's JSON header, counted before it is decoded: decoding and
   * validating a document costs time on the server's only thread in proportion to them (a
   * 100 000-node document blocked it for about 2 s). 100 000 allows documents of about 20 000
   * nodes; the largest imported CNNs have a few hundred to a few thousand.
   */
  maxHeaderStructures: number;
}

export const DEFAULT_WEB_LIMITS: WebLimits = {
  maxPayloadBytes: MAX_PAYLOAD_BYTES + 64 * 1024,
  maxConnections: 8,
  maxCallsInFlight: 32,
  maxInFlightBytes: 1024 ** 3,
  maxHeaderStructures: 100_000,
};

const MAGIC = Buffer.from('CNW1');

/**
 * An upper bound on the objects and arrays in a wire frame's JSON header (each starts with `{` or
 * `[`; brackets inside strings count too), counting no further than `max + 1`. Uses Buffer.indexOf
 * (native): a 300 MB header of base64 weights is scanned in tens of milliseconds.
 */
export function headerStructures(frame: Buffer, max: number): number {
  if (frame.length < 8 || !frame.subarray(0, 4).equals(MAGIC)) return 0; // not a wire frame: the decoder refuses it
  const end = Math.min(frame.length, 8 + frame.readUInt32LE(4));
  const header = frame.subarray(8, end);
  let count = 0;
  for (const byte of [0x7b, 0x5b]) {
    for (let i = header.indexOf(byte); i !== -1 && count <= max; i = header.indexOf(byte, i + 1)) count++;
  }
  return count;
}

/**
 * The id of the call in a frame that will not be decoded, so that it can still be answered. The
 * page's client encodes a call as `{"kind":"call","id":…,"name":…` (main/wire.ts keeps key order);
 * anything else gives null.
 */
export function peekCallId(frame: Buffer): number | null {
  const start = frame.subarray(8, 8 + 64).toString('latin1');
  const m = /^\{"kind":"call","id":(\d{1,15}),/.exec(start);
  return m ? Number(m[1]) : null;
}

/** A connection whose reading can be paused (a `ws` WebSocket). */
export interface Readable {
  pause(): void;
  resume(): void;
}

/**
 * Bounds the bytes the server holds for its clients: frames still arriving plus calls being
 * served. Over `maxBytes`, every connection stops reading until calls being served finish; when
 * none is being served (only partly received frames hold the bytes), the connection furthest into
 * its frame reads on, so that it can finish and be served — the connections never wait on each
 * other forever. All read again once the total is back under. So however many clients send large
 * frames at once, the server holds about maxBytes plus one frame.
 */
export class ReadBudget<C extends Readable> {
  /** Bytes received per connection since its last whole message (a frame being assembled). */
  private readonly partial = new Map<C, number>();
  private readonly paused = new Set<C>();
  /** Bytes of frames arriving and of whole messages being served. */
  private held = 0;
  /** …of which whole messages being served. */
  private served = 0;

  constructor(private readonly maxBytes: number) {}

  add(c: C): void {
    this.partial.set(c, 0);
    this.balance();
  }

  /** Bytes arrived on c's socket. */
  received(c: C, bytes: number): void {
    if (!this.partial.has(c)) return;
    this.partial.set(c, this.partial.get(c)! + bytes);
    this.held += bytes;
    this.balance();
  }

  /** A whole message (or control frame) arrived on c; a message of `bytes` is now held until release(bytes). */
  completed(c: C, bytes = 0): void {
    this.held += bytes - (this.partial.get(c) ?? 0);
    this.served += bytes;
    if (this.partial.has(c)) this.partial.set(c, 0);
    this.balance();
  }

  /** A message's call has been answered (or refused): its bytes are free. */
  release(bytes: number): void {
    this.held -= bytes;
    this.served -= bytes;
    this.balance();
  }

  remove(c: C): void {
    this.held -= this.partial.get(c) ?? 0;
    this.partial.delete(c);
    this.paused.delete(c);
    this.balance();
  }

  /** Bytes held now (frames arriving and calls being served). */
  get bytes(): number {
    return this.held;
  }

  isPaused(c: C): boolean {
    return this.paused.has(c);
  }

  private balance(): void {
    let leader: C | undefined;
    if (this.held > this.maxBytes && this.served <= 0) {
      let most = 0;
      for (const [c, p] of this.partial) {
        if (p > most) {
          most = p;
          leader = c;
        }
      }
    }
    for (const c of this.partial.keys()) {
      const read = this.held <= this.maxBytes || c === leader;
      if (read && this.paused.delete(c)) c.resume();
      else if (!read && !this.paused.has(c)) {
        this.paused.add(c);
        c.pause();
      }
    }
  }
}
