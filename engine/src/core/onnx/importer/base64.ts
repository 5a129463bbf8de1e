/**
 * Fast base64 for large weight tensors (the import writes tens of MB of it): encodes into a byte
 * buffer of ASCII codes (two characters per 16-bit store; assumes a little-endian platform, as
 * every JavaScript engine we run on is) and turns it into a string in chunks, instead of growing a string by four
 * characters at a time. Same output as util/base64's encodeBase64. Isomorphic.
 */
const CODES = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0));
const PAD = 61; // '='
const CHUNK = 0x8000;

/** Two base64 characters for every 12-bit value, as one little-endian 16-bit word. */
const PAIRS = (() => {
  const t = new Uint16Array(4096);
  for (let v = 0; v < 4096; v++) t[v] = CODES[v >> 6] | (CODES[v & 63] << 8);
  return t;
})();

export function encodeBase64Fast(bytes: Uint8Array): string {
  const n = bytes.length;
  const whole = n - (n % 3);
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const words = new Uint16Array(out.buffer, 0, (whole / 3) * 2);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    words[o++] = PAIRS[v >> 12];
    words[o++] = PAIRS[v & 4095];
  }
  let b = o * 2;
  if (n - whole === 1) {
    const v = bytes[whole] << 16;
    out[b++] = CODES[v >> 18];
    out[b++] = CODES[(v >> 12) & 63];
    out[b++] = PAD;
    out[b++] = PAD;
  } else if (n - whole === 2) {
    const v = (bytes[whole] << 16) | (bytes[whole + 1] << 8);
    out[b++] = CODES[v >> 18];
    out[b++] = CODES[(v >> 12) & 63];
    out[b++] = CODES[(v >> 6) & 63];
    out[b++] = PAD;
  }
  return asciiString(out);
}

/** TextDecoder where the runtime has it (Node, browsers — it is not in the core's type lib), else chunked fromCharCode. */
const decoder: { decode(b: Uint8Array): string } | undefined = (() => {
  const TD = (globalThis as { TextDecoder?: new (label: string) => { decode(b: Uint8Array): string } }).TextDecoder;
  return TD ? new TD('utf-8') : undefined;
})();

function asciiString(bytes: Uint8Array): string {
  if (decoder) return decoder.decode(bytes);
  const parts: string[] = [];
  for (let k = 0; k < bytes.length; k += CHUNK) parts.push(String.fromCharCode.apply(null, bytes.subarray(k, k + CHUNK) as unknown as number[]));
  return parts.join('');
}

export function float32ToBase64Fast(a: Float32Array): string {
  return encodeBase64Fast(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
