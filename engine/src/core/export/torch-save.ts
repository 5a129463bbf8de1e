/**
 * Writes a PyTorch state dict file — the format `torch.save(state_dict, path)` produces — from
 * TypeScript, so that `model.load_state_dict(torch.load(path))` works (also with
 * `weights_only=True`). Isomorphic: no Node APIs.
 *
 * The format (PyTorch ≥ 1.6 "zipfile serialization"): an uncompressed zip whose entries all live in
 * one folder (`<archive>/`):
 *   data.pkl   — a pickle (protocol 2) of an OrderedDict name → tensor; each tensor is
 *                `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())`
 *                and each storage a persistent id ('storage', torch.FloatStorage, '<key>', 'cpu', numel)
 *   data/<key> — the storage's raw little-endian bytes (aligned to 64 bytes, as torch writes them)
 *   byteorder  — "little";  version — "3"
 */

export interface StateTensor {
  /** float32 (parameters, BN statistics) or int64 (BN num_batches_tracked). */
  data: Float32Array | BigInt64Array;
  shape: number[];
}

/** UTF-8 bytes of a string (TextEncoder is not in the isomorphic core's lib). */
export function utf8Bytes(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

// ── Pickle (protocol 2) ──────────────────────────────────────────────────────────────────────

class PickleWriter {
  private chunks: number[] = [];

  op(code: number, ...bytes: number[]): void {
    this.chunks.push(code, ...bytes);
  }

  global(module: string, name: string): void {
    this.raw(`c${module}\n${name}\n`);
  }

  str(s: string): void {
    const utf8 = utf8Bytes(s);
    this.op(0x58); // BINUNICODE
    this.u32(utf8.length);
    for (const b of utf8) this.chunks.push(b);
  }

  int(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`pickle int out of range: ${n}`);
    if (n < 256) this.op(0x4b, n); // BININT1
    else if (n < 65536) this.op(0x4d, n & 255, n >> 8); // BININT2
    else {
      this.op(0x4a); // BININT
      this.u32(n);
    }
  }

  tuple(items: number[]): void {
    if (items.length === 0) return this.op(0x29); // EMPTY_TUPLE
    this.op(0x28); // MARK
    for (const n of items) this.int(n);
    this.op(0x74); // TUPLE
  }

  private u32(n: number): void {
    this.chunks.push(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255);
  }

  private raw(ascii: string): void {
    for (let i = 0; i < ascii.length; i++) this.chunks.push(ascii.charCodeAt(i));
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

const MARK = 0x28;
const EMPTY_TUPLE = 0x29;
const REDUCE = 0x52;
const BINPERSID = 0x51;
const SETITEMS = 0x75;
const NEWFALSE = 0x89;
const TUPLE = 0x74;
const STOP = 0x2e;

function contiguousStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

function statePickle(entries: [string, StateTensor][]): Uint8Array {
  const p = new PickleWriter();
  p.op(0x80, 2); // PROTO 2
  p.global('collections', 'OrderedDict');
  p.op(EMPTY_TUPLE);
  p.op(REDUCE);
  p.op(MARK);
  entries.forEach(([name, t], key) => {
    p.str(name);
    p.global('torch._utils', '_rebuild_tensor_v2');
    p.op(MARK);
    // storage: persistent id ('storage', torch.<Type>Storage, key, 'cpu', numel)
    p.op(MARK);
    p.str('storage');
    p.global('torch', t.data instanceof Float32Array ? 'FloatStorage' : 'LongStorage');
    p.str(String(key));
    p.str('cpu');
    p.int(t.data.length);
    p.op(TUPLE);
    p.op(BINPERSID);
    p.int(0); // storage offset
    p.tuple(t.shape);
    p.tuple(contiguousStrides(t.shape));
    p.op(NEWFALSE); // requires_grad
    p.global('collections', 'OrderedDict'); // backward hooks
    p.op(EMPTY_TUPLE);
    p.op(REDUCE);
    p.op(TUPLE);
    p.op(REDUCE);
  });
  p.op(SETITEMS);
  p.op(STOP);
  return p.bytes();
}

// ── Zip (stored, no compression) ─────────────────────────────────────────────────────────────

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const ALIGN = 64;

/** An uncompressed zip; each entry's data starts on a 64-byte boundary (padding in the extra field, as torch does). */
export function storedZip(entries: ZipEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = utf8Bytes(e.name);
    const crc = crc32(e.data);
    const headerLen = 30 + name.length;
    let pad = (ALIGN - ((offset + headerLen + 4) % ALIGN)) % ALIGN;
    const extraLen = pad + 4; // 'FB' id + u16 length + padding
    const local = new Uint8Array(headerLen + extraLen);
    const v = new DataView(local.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true); // version needed
    v.setUint16(6, 0, true); // flags
    v.setUint16(8, 0, true); // stored
    v.setUint32(14, crc, true);
    v.setUint32(18, e.data.length, true);
    v.setUint32(22, e.data.length, true);
    v.setUint16(26, name.length, true);
    v.setUint16(28, extraLen, true);
    local.set(name, 30);
    v.setUint16(headerLen, 0x4246, true); // "FB"
    v.setUint16(headerLen + 2, pad, true);
    const cd = new Uint8Array(46 + name.length);
    const c = new DataView(cd.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, e.data.length, true);
    c.setUint32(24, e.data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    cd.set(name, 46);
    central.push(cd);
    parts.push(local, e.data);
    offset += local.length + e.data.length;
    pad = 0;
  }
  if (offset > 0xffffffff) throw new RangeError('State dict over 4 GiB: too large for a zip without zip64.');
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const d = new DataView(end.buffer);
  d.setUint32(0, 0x06054b50, true);
  d.setUint16(8, entries.length, true);
  d.setUint16(10, entries.length, true);
  d.setUint32(12, cdSize, true);
  d.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + end.length);
  let o = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

/** The bytes of `torch.save(OrderedDict(entries))` — entries in order, names as given. */
export function torchSaveStateDict(entries: [string, StateTensor][], archive = 'archive'): Uint8Array {
  const zipEntries: ZipEntry[] = [{ name: `${archive}/data.pkl`, data: statePickle(entries) }];
  entries.forEach(([, t], key) => {
    const d = t.data;
    zipEntries.push({ name: `${archive}/data/${key}`, data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) });
  });
  zipEntries.push({ name: `${archive}/byteorder`, data: utf8Bytes('little') });
  zipEntries.push({ name: `${archive}/version`, data: utf8Bytes('3\n') });
  return storedZip(zipEntries);
}
