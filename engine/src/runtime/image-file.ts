/**
 * Input files in Node: PNG (pngjs) and JPEG (jpeg-js) decoded to RGBA, or a raw tensor as JSON
 * `{"shape": [C, H, W], "data": [...]}`. The kind is told by the file's first bytes, not its name.
 */
import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { InputPayload } from '../core/api';

export class InputFileError extends Error {
  readonly code = 'bad-input' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** Images larger than this are refused before decoding (pixels). */
export const MAX_IMAGE_PIXELS = 100_000_000;

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

export function decodePng(bytes: Uint8Array, name = 'image'): InputPayload & { kind: 'image' } {
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { kind: 'image', width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  } catch (e) {
    throw new InputFileError(`"${name}" is not a readable PNG: ${(e as Error).message}`);
  }
}

export function decodeJpeg(bytes: Uint8Array, name = 'image'): InputPayload & { kind: 'image' } {
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 2048 });
    return { kind: 'image', width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    throw new InputFileError(`"${name}" is not a readable JPEG: ${(e as Error).message ?? String(e)}`);
  }
}

/** `{"shape": [C, H, W], "data": [...]}` → a tensor payload (its shape is checked against the Input later). */
export function parseTensorJson(text: string, name = 'tensor.json'): InputPayload & { kind: 'tensor' } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputFileError(`"${name}" is neither a PNG/JPEG image nor valid JSON: ${(e as Error).message}`);
  }
  const v = value as { shape?: unknown; data?: unknown };
  if (!v || typeof v !== 'object' || !Array.isArray(v.shape) || !Array.isArray(v.data)) {
    throw new InputFileError(`"${name}": a tensor file must be {"shape": [C, H, W], "data": [...]}.`);
  }
  if (!v.shape.every((d) => Number.isInteger(d) && d > 0)) throw new InputFileError(`"${name}": "shape" must be positive integers, got ${JSON.stringify(v.shape)}.`);
  const data = (v.data as unknown[]).flat(Infinity);
  if (!data.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new InputFileError(`"${name}": "data" must hold only finite numbers.`);
  const n = (v.shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new InputFileError(`"${name}": shape [${v.shape.join(', ')}] needs ${n} values, but "data" has ${data.length}.`);
  return { kind: 'tensor', shape: v.shape as number[], data: Float32Array.from(data as number[]) };
}

/** Decode an input given as bytes: PNG, JPEG or tensor JSON. */
export function decodeInput(bytes: Uint8Array, name = 'input'): InputPayload {
  if (isPng(bytes)) return decodePng(bytes, name);
  if (isJpeg(bytes)) return decodeJpeg(bytes, name);
  return parseTensorJson(new TextDecoder().decode(bytes), name);
}

export async function readInputFile(path: string): Promise<InputPayload> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new InputFileError(`Cannot read input "${path}": ${code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
  }
  return decodeInput(bytes, path);
}
