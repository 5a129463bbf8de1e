/**
 * Fast base64 for large weight tensors (the import writes tens of MB of it): encodes into a byte
 * buffer of ASCII codes and turns it into a string in chunks, instead of growing a string by four
 * characters at a time. Same output as util/base64's encodeBase64. Isomorphic.
 */
const CODES = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0));
const PAD = 61; // '='
const CHUNK = 0x8000;

export function encodeBase64Fast(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = CODES[v >> 18];
    out[o++] = CODES[(v >> 12) & 63];
    out[o++] = CODES[(v >> 6) & 63];
    out[o++] = CODES[v & 63];
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    out[o++] = CODES[v >> 18];
    out[o++] = CODES[(v >> 12) & 63];
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out[o++] = CODES[v >> 18];
    out[o++] = CODES[(v >> 12) & 63];
    out[o++] = CODES[(v >> 6) & 63];
    out[o++] = PAD;
  }
  const parts: string[] = [];
  for (let k = 0; k < out.length; k += CHUNK) parts.push(String.fromCharCode.apply(null, out.subarray(k, k + CHUNK) as unknown as number[]));
  return parts.join('');
}

export function float32ToBase64Fast(a: Float32Array): string {
  return encodeBase64Fast(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
