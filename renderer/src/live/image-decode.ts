/**
 * Images to InputPayload in the browser: files and clipboard blobs through createImageBitmap, URLs
 * (bundled samples, possibly data: URLs) through an <img>, then a canvas → RGBA. Very large images
 * are scaled down to MAX_SIDE first (the Input node resizes them much smaller anyway).
 */
import type { InputPayload } from '../../../engine/src/core/api';

export type ImagePayload = Extract<InputPayload, { kind: 'image' }>;

export const MAX_SIDE = 2048;

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** An image as read, and its own size when it was larger than MAX_SIDE and shrunk on reading. */
export interface DecodedImage {
  image: ImagePayload;
  shrunkFrom?: { width: number; height: number };
}

/** The size an image of width×height is read at (at most MAX_SIDE on its longer side). */
export function readSize(width: number, height: number): { width: number; height: number } {
  const s = Math.min(1, MAX_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

function toPayload(source: CanvasImageSource, width: number, height: number): ImagePayload {
  const { width: w, height: h } = readSize(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ImageDecodeError('This browser gave no 2-D canvas to read the image with.');
  ctx.drawImage(source, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h).data;
  return { kind: 'image', width: w, height: h, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** A dropped or pasted image file. */
export async function decodeImageBlob(blob: Blob, name = 'image'): Promise<ImagePayload> {
  return (await decodeImageFile(blob, name)).image;
}

/** A dropped, pasted or opened image file, saying when it was shrunk to be read. */
export async function decodeImageFile(blob: Blob, name = 'image'): Promise<DecodedImage> {
  if (blob.type && !blob.type.startsWith('image/')) throw new ImageDecodeError(`"${name}" is ${blob.type}, not an image — drop a PNG, JPEG, GIF, WebP or BMP file.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new ImageDecodeError(`"${name}" could not be decoded as an image — is the file complete, and a PNG, JPEG, GIF, WebP or BMP?`);
  }
  try {
    const image = toPayload(bitmap, bitmap.width, bitmap.height);
    const shrunk = image.width !== bitmap.width || image.height !== bitmap.height;
    return shrunk ? { image, shrunkFrom: { width: bitmap.width, height: bitmap.height } } : { image };
  } finally {
    bitmap.close();
  }
}

/** An image at a URL the page may load (bundled sample, data: or blob: URL). */
export async function decodeImageUrl(url: string): Promise<ImagePayload> {
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } catch {
    throw new ImageDecodeError(`The image at ${url.startsWith('data:') ? 'a data: URL' : url} could not be loaded.`);
  }
  return toPayload(img, img.naturalWidth, img.naturalHeight);
}

/** The first image on the clipboard of a paste event, if any. */
export function clipboardImage(e: ClipboardEvent): File | undefined {
  for (const item of Array.from(e.clipboardData?.items ?? [])) {
    if (item.kind === 'file' && item.type.startsWith('image/')) return item.getAsFile() ?? undefined;
  }
  return undefined;
}

/** The first image file of a drop. */
export function droppedImage(e: DragEvent | React.DragEvent): File | undefined {
  const files = Array.from(e.dataTransfer?.files ?? []);
  return files.find((f) => f.type.startsWith('image/')) ?? files[0];
}
