/**
 * Input files in Node: PNG (pngjs) and JPEG (jpeg-js) decoded to RGBA, or a raw tensor as JSON
 * `{"shape": [C, H, W], "data": [...]}`. The kind is told by the file's first bytes, not its name.
 */
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { InputPayload } from '../core/api';
import { FileReadError, readRegularFile } from './file-read';

export class InputFileError extends Error {
  readonly code = 'bad-input' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** Images larger than this are refused before decoding (pixels). */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** Input files (images, tensor JSON) larger than this are refused before reading. */
export const MAX_INPUT_FILE_BYTES = 256 * 1024 ** 2;
/** A tensor file's data may nest at most this deep (one level per dimension of its shape). */
export const MAX_TENSOR_RANK = 8;

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Bytes the image data of an interlaced (Adam7) PNG inflates to: each pass's rows, each with its filter byte. */
function adam7Bytes(width: number, height: number, bitsPerPixel: number): number {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  let n = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) n += h * (1 + Math.ceil((w * bitsPerPixel) / 8));
  }
  return n;
}

/**
 * Checks a PNG before pngjs allocates anything: its IHDR dimensions against MAX_IMAGE_PIXELS (a 1.5 MB
 * file can declare 20000×20000), and, for interlaced images (which pngjs inflates without a bound),
 * that the image data inflates to no more than those dimensions need.
 */
function checkPngSize(b: Buffer, name: string): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR') throw new InputFileError(`"${name}" is not a readable PNG: it has no IHDR header.`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = b[24];
  const channels = PNG_CHANNELS[b[25]];
  if (width === 0 || height === 0) throw new InputFileError(`"${name}" is not a readable PNG: it is ${width}×${height} pixels.`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new InputFileError(`"${name}" is ${width}×${height} = ${(width * height).toLocaleString('en-US')} pixels, over the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} — scale it down first.`);
  }
  if (b[28] !== 1 || channels === undefined) return; // not interlaced (pngjs bounds its inflate), or a colour type pngjs refuses
  const idat: Buffer[] = [];
  for (let at = 8; at + 12 <= b.length; ) {
    const length = view.getUint32(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(b.subarray(at + 8, Math.min(b.length, at + 8 + length)));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(1, adam7Bytes(width, height, channels * depth)) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new InputFileError(`"${name}" is not a readable PNG: its image data inflates to more than ${width}×${height} pixels need.`);
    // Other damage is pngjs's to report.
  }
}

export function decodePng(bytes: Uint8Array, name = 'image'): InputPayload & { kind: 'image' } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkPngSize(buf, name);
  try {
    const png = PNG.sync.read(buf);
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
  if (v.shape.length > MAX_TENSOR_RANK) throw new InputFileError(`"${name}": "shape" has ${v.shape.length} dimensions; a tensor file has at most ${MAX_TENSOR_RANK}.`);
  const data = flattenData(v.data, Math.max(1, v.shape.length), name);
  const n = (v.shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new InputFileError(`"${name}": shape [${v.shape.join(', ')}] needs ${n} values, but "data" has ${data.length}.`);
  return { kind: 'tensor', shape: v.shape as number[], data: Float32Array.from(data as number[]) };
}

/**
 * The numbers of `data`, flat or nested at most `maxDepth` arrays deep, in order — without recursion,
 * so no nesting depth can overflow the stack.
 */
function flattenData(data: unknown[], maxDepth: number, name: string): number[] {
  const out: number[] = [];
  const stack: { items: unknown[]; next: number }[] = [{ items: data, next: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const x = top.items[top.next++];
    if (Array.isArray(x)) {
      if (stack.length >= maxDepth) throw new InputFileError(`"${name}": "data" is nested deeper than its shape's ${maxDepth} dimension${maxDepth === 1 ? '' : 's'}.`);
      stack.push({ items: x, next: 0 });
    } else if (typeof x === 'number' && Number.isFinite(x)) out.push(x);
    else throw new InputFileError(`"${name}": "data" must hold only finite numbers.`);
  }
  return out;
}

/** Decode an input given as bytes: PNG, JPEG or tensor JSON. */
export function decodeInput(bytes: Uint8Array, name = 'input'): InputPayload {
  if (isPng(bytes)) return decodePng(bytes, name);
  if (isJpeg(bytes)) return decodeJpeg(bytes, name);
  return parseTensorJson(new TextDecoder().decode(bytes), name);
}

/** An input file from disk: a regular file of at most MAX_INPUT_FILE_BYTES (runtime/file-read.ts), decoded. */
export async function readInputFile(path: string): Promise<InputPayload> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, { maxBytes: MAX_INPUT_FILE_BYTES });
  } catch (e) {
    throw new InputFileError(`Cannot read input "${path}": ${e instanceof FileReadError ? e.reason : (e as Error).message}.`);
  }
  return decodeInput(bytes, path);
}
