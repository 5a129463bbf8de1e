/**
 * Wire codec for the browser-mode WebSocket (isomorphic: browser and Node, no DOM or Node APIs).
 *
 * A message is any JSON-like value that may contain typed arrays anywhere. It is encoded as one
 * binary frame:
 *
 *   bytes 0..3   magic "CNW1"
 *   bytes 4..7   header length H (uint32, little-endian)
 *   bytes 8..    header: UTF-8 JSON of the value, each typed array replaced by
 *                { "$ta": "<kind>", "i": <buffer index>, "n": <element count> }
 *   then         the buffers, each starting at an 8-byte aligned offset, in index order
 *
 * Buffers are aligned so the receiver can view them in place (no copy) — a Float32Array needs a
 * 4-byte aligned offset, a Float64Array 8. Plain objects whose own key is "$ta" are escaped as
 * { "$esc": {...} } so no user value can be mistaken for a buffer reference. Non-finite numbers
 * travel as { "$num": "NaN" }, and undefined array elements (optional arguments) as { "$u": 1 }.
 */

const MAGIC = [0x43, 0x4e, 0x57, 0x31]; // "CNW1"
const ALIGN = 8;

type TypedArray = Float32Array | Float64Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Uint8ClampedArray;

const KINDS = {
  f32: Float32Array,
  f64: Float64Array,
  u8: Uint8Array,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  u8c: Uint8ClampedArray,
} as const;
type Kind = keyof typeof KINDS;

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

function kindOf(v: unknown): Kind | null {
  // Tag check rather than instanceof so arrays from another realm (worker, iframe) still encode.
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  switch (Object.prototype.toString.call(v)) {
    case '[object Float32Array]': return 'f32';
    case '[object Float64Array]': return 'f64';
    case '[object Uint8Array]': return 'u8';
    case '[object Int8Array]': return 'i8';
    case '[object Uint16Array]': return 'u16';
    case '[object Int16Array]': return 'i16';
    case '[object Uint32Array]': return 'u32';
    case '[object Int32Array]': return 'i32';
    case '[object Uint8ClampedArray]': return 'u8c';
    default: return null; // BigInt arrays are not part of the contract
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const align = (n: number) => (n + ALIGN - 1) & ~(ALIGN - 1);

/** Encode a value (JSON-like, typed arrays allowed anywhere) into one binary frame. */
export function encodeMessage(value: unknown): Uint8Array {
  const buffers: TypedArray[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { $num: String(v) }; // NaN / ±Infinity survive the trip
      return v;
    }
    if (v === undefined) return undefined;
    const kind = kindOf(v);
    if (kind) {
      const ta = v as TypedArray;
      buffers.push(ta);
      return { $ta: kind, i: buffers.length - 1, n: ta.length };
    }
    if (typeof v !== 'object') throw new WireError(`Cannot encode a value of type ${typeof v}.`);
    if (seen.has(v)) throw new WireError('Cannot encode a value with a reference cycle.');
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x) => (x === undefined ? { $u: 1 } : walk(x))); // holes in argument lists matter
    else if (isPlainObject(v) || v instanceof Error) {
      const src = v instanceof Error ? { name: v.name, message: v.message, ...(v as unknown as Record<string, unknown>) } : v;
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(src)) {
        const w = walk(x);
        if (w !== undefined) setOwn(o, k, w);
      }
      out = '$ta' in o || '$esc' in o || '$num' in o || '$u' in o ? { $esc: o } : o;
    } else throw new WireError(`Cannot encode an object of class ${(v as object).constructor?.name ?? 'unknown'}.`);
    seen.delete(v);
    return out;
  };
  const header = new TextEncoder().encode(JSON.stringify(walk(value) ?? null));
  let offset = align(8 + header.length);
  const offsets: number[] = [];
  for (const b of buffers) {
    offsets.push(offset);
    offset = align(offset + b.byteLength);
  }
  const out = new Uint8Array(offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  buffers.forEach((b, i) => out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offsets[i]));
  return out;
}

/**
 * Decode a frame made by encodeMessage. Typed arrays are views into the frame's buffer when it is
 * suitably aligned (copied otherwise). Throws WireError on anything malformed.
 */
export function decodeMessage(frame: Uint8Array | ArrayBuffer): unknown {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw new WireError('Not a CNN Studio wire frame (bad magic).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new WireError('Truncated wire frame (header).');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    throw new WireError(`Bad wire frame header: ${(e as Error).message}`);
  }
  // Recompute buffer offsets from the references, in index order.
  const refs: { kind: Kind; n: number }[] = [];
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(collect);
    if (!isPlainObject(v)) return;
    if ('$esc' in v) return collect(Object.values(v.$esc as object));
    if ('$ta' in v) {
      const { $ta, i, n } = v as { $ta: unknown; i: unknown; n: unknown };
      if (typeof $ta !== 'string' || !($ta in KINDS) || !Number.isInteger(i) || !Number.isInteger(n) || (n as number) < 0) {
        throw new WireError('Bad typed-array reference in wire frame.');
      }
      if (refs[i as number]) throw new WireError('Duplicate typed-array reference in wire frame.');
      refs[i as number] = { kind: $ta as Kind, n: n as number };
      return;
    }
    Object.values(v).forEach(collect);
  };
  collect(header);
  const arrays: TypedArray[] = [];
  let offset = align(8 + headerLength);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    if (!ref) throw new WireError(`Missing typed-array reference ${i} in wire frame.`);
    const Ctor = KINDS[ref.kind];
    const byteLength = ref.n * Ctor.BYTES_PER_ELEMENT;
    if (offset + byteLength > bytes.length) throw new WireError('Truncated wire frame (buffers).');
    const start = bytes.byteOffset + offset;
    if (start % Ctor.BYTES_PER_ELEMENT === 0) arrays.push(new Ctor(bytes.buffer as ArrayBuffer, start, ref.n));
    else {
      // Misaligned (e.g. a Node Buffer from a shared pool): copy into fresh, aligned memory.
      const copy = new Uint8Array(byteLength);
      copy.set(bytes.subarray(offset, offset + byteLength));
      arrays.push(new Ctor(copy.buffer, 0, ref.n));
    }
    offset = align(offset + byteLength);
  }
  const rebuild = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rebuild);
    if (!isPlainObject(v)) return v;
    if ('$ta' in v) return arrays[(v as { i: number }).i];
    if ('$num' in v) return Number(v.$num);
    if ('$u' in v) return undefined;
    const src = '$esc' in v ? (v.$esc as Record<string, unknown>) : v;
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(src)) setOwn(o, k, rebuild(x));
    return o;
  };
  return rebuild(header);
}

/** `o[k] = v` that also keeps a key named "__proto__" (node ids are user text) as an own property. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
