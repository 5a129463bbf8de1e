/**
 * Training data in memory, and everything about it that needs no files: the split into train and
 * test, the order of each epoch, batches, augmentation, and the checks against a model.
 * Loading (folders, the mnist package) is Node-only: engine/src/runtime/train/datasets.ts.
 */
import type { InputParams } from '../ops/input';
import { imageToTensor } from '../preprocess';
import { DEFAULT_SEED, hashString, mulberry32 } from '../weights/seeded';

/** Labelled images, already preprocessed as the model's Input node preprocesses for inference. */
export interface Dataset {
  name: string;
  /** Class names; label i is classes[i]. */
  classes: string[];
  /** C, H, W of one sample after preprocessing (the Input's shape). */
  sampleShape: [number, number, number];
  count: number;
  /** count × C × H × W, sample after sample. */
  images: Float32Array;
  /** count labels, each in [0, classes.length). */
  labels: Int32Array;
  /** Files left out while loading, with why (paths relative to the folder, '/'-separated). */
  skipped: { file: string; reason: string }[];
  source: { kind: 'mnist' } | { kind: 'folder'; path: string };
  /** Folder data: each sample's file, relative to the folder, '/'-separated. */
  files?: string[];
  /** In-memory originals as 8-bit grey images (MNIST), for showing or re-running a sample as it was. */
  grey?: { width: number; height: number; pixels: Uint8Array };
}

/** Why a loader refused a dataset (DatasetError.code in the runtime). */
export type DatasetErrorCode =
  | 'not-found'
  | 'not-a-folder'
  | 'unreadable'
  | 'no-classes'
  | 'one-class'
  | 'empty-class'
  | 'no-images'
  | 'image-too-small'
  | 'wrong-size'
  | 'bad-input'
  | 'too-large'
  | 'mnist-missing';

/** An independent random stream for `label` under `seed` (split, each epoch, augmentation). */
export function seededStream(seed: number, label: string): () => number {
  return mulberry32(hashString(label, hashString(String(seed))));
}

/** Fisher–Yates shuffle in place. */
function shuffleInPlace(a: Int32Array, rng: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * The test size torch.utils.data.random_split(…, [1 − f, f]) gives: ⌊n(1 − f)⌋ and ⌊nf⌋, the
 * remainder handed out one each, train first. In practice ⌊nf⌋.
 */
export function testCount(count: number, testFraction: number): number {
  const train = Math.floor(count * (1 - testFraction));
  const test = Math.floor(count * testFraction);
  return test + Math.floor((count - train - test) / 2);
}

/**
 * Train and test indices: a seeded permutation of 0…count−1, whose last testCount(count,
 * testFraction) entries are the test set. Each list is then sorted ascending, so unshuffled
 * training visits samples in dataset order. testFraction 0 puts everything in train.
 */
export function splitDataset(count: number, testFraction = 0.2, seed = DEFAULT_SEED): { train: Int32Array; test: Int32Array } {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`splitDataset: count must be a non-negative integer, got ${count}`);
  if (!(testFraction >= 0 && testFraction < 1)) throw new RangeError(`splitDataset: testFraction must be in [0, 1), got ${testFraction}`);
  const perm = shuffleInPlace(Int32Array.from({ length: count }, (_, i) => i), seededStream(seed, 'split'));
  const nTest = testCount(count, testFraction);
  return { train: perm.slice(0, count - nTest).sort(), test: perm.slice(count - nTest).sort() };
}

/** The visiting order for one epoch: a seeded permutation per (seed, epoch) when shuffling, else a copy of `indices`. */
export function epochOrder(indices: Int32Array, epoch: number, seed: number, shuffle: boolean): Int32Array {
  const order = indices.slice();
  return shuffle ? shuffleInPlace(order, seededStream(seed, `epoch ${epoch}`)) : order;
}

/** Consecutive batches of `order` (views, not copies). dropLast leaves out a final partial batch (training); evaluation keeps it. */
export function batches(order: Int32Array, batchSize: number, dropLast: boolean): Int32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const out: Int32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) {
    const e = Math.min(s + batchSize, order.length);
    if (dropLast && e - s < batchSize) break;
    out.push(order.subarray(s, e));
  }
  return out;
}

export interface Batch {
  /** indices.length × C × H × W. */
  images: Float32Array;
  /** int64, as onnxruntime takes class labels. */
  labels: BigInt64Array;
}

/**
 * Copy the samples at `indices` into one batch. With `out`, its buffers are reused when large
 * enough (the result is then exact-length views of them).
 */
export function gatherBatch(dataset: Dataset, indices: Int32Array, out?: Batch): Batch {
  const [C, H, W] = dataset.sampleShape;
  const s = C * H * W;
  const n = indices.length;
  const images = out && out.images.length >= n * s ? out.images.subarray(0, n * s) : new Float32Array(n * s);
  const labels = out && out.labels.length >= n ? out.labels.subarray(0, n) : new BigInt64Array(n);
  for (let b = 0; b < n; b++) {
    const i = indices[b];
    if (!(i >= 0 && i < dataset.count)) throw new RangeError(`gatherBatch: index ${i} is outside the dataset (0…${dataset.count - 1})`);
    images.set(dataset.images.subarray(i * s, (i + 1) * s), b * s);
    labels[b] = BigInt(dataset.labels[i]);
  }
  return { images, labels };
}

export interface AugmentOptions {
  /** torchvision RandomCrop(size, padding): pad each side by `padding` with black, crop a random H×W window. */
  crop?: { padding: number };
  /** torchvision RandomHorizontalFlip(p=0.5). */
  flip?: boolean;
}

/** The value of a black pixel (RGB 0, 0, 0) after `input`'s preprocessing, one per channel: the crop's fill. */
export function blackFill(input: InputParams): Float32Array {
  return imageToTensor({ width: 1, height: 1, rgba: Uint8Array.of(0, 0, 0, 255) }, { ...input, width: 1, height: 1 });
}

/**
 * Augment a batch of preprocessed samples in place (and return it). Per sample: the crop first
 * (two draws from `rng`: row offset, then column offset, each uniform in 0…2·padding, as
 * torchvision), then the flip (one draw; flipped when < 0.5). Crop and flip commute with the
 * per-pixel preprocessing, so doing them after it equals doing them on the image, given the fill.
 */
export function augmentBatch(batch: Float32Array, shape: readonly [number, number, number], options: AugmentOptions, rng: () => number, fillPerChannel: ArrayLike<number>): Float32Array {
  const [C, H, W] = shape;
  const s = C * H * W;
  if (s === 0 || batch.length % s !== 0) throw new RangeError(`augmentBatch: ${batch.length} values are not whole ${C}×${H}×${W} samples`);
  if (fillPerChannel.length !== C) throw new RangeError(`augmentBatch: ${fillPerChannel.length} fill values for ${C} channels`);
  const p = options.crop?.padding ?? 0;
  if (!Number.isInteger(p) || p < 0) throw new RangeError(`augmentBatch: crop padding must be a non-negative integer, got ${p}`);
  const tmp = p > 0 ? new Float32Array(s) : undefined;
  for (let off = 0; off < batch.length; off += s) {
    const sample = batch.subarray(off, off + s);
    if (tmp) {
      const dy = Math.floor(rng() * (2 * p + 1)) - p;
      const dx = Math.floor(rng() * (2 * p + 1)) - p;
      shiftWindow(sample, tmp, C, H, W, dy, dx, fillPerChannel);
      sample.set(tmp);
    }
    if (options.flip && rng() < 0.5) flipRows(sample, C * H, W);
  }
  return batch;
}

/** dst(c, y, x) = src(c, y + dy, x + dx), or the channel's fill outside src. */
function shiftWindow(src: Float32Array, dst: Float32Array, C: number, H: number, W: number, dy: number, dx: number, fill: ArrayLike<number>): void {
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(W, W - dx);
  for (let c = 0; c < C; c++) {
    const f = fill[c];
    for (let y = 0; y < H; y++) {
      const row = (c * H + y) * W;
      const sy = y + dy;
      if (sy < 0 || sy >= H || x0 >= x1) {
        dst.fill(f, row, row + W);
        continue;
      }
      dst.fill(f, row, row + x0);
      const from = (c * H + sy) * W + x0 + dx;
      dst.set(src.subarray(from, from + (x1 - x0)), row + x0);
      dst.fill(f, row + x1, row + W);
    }
  }
}

function flipRows(a: Float32Array, rows: number, W: number): void {
  for (let r = 0; r < rows; r++) a.subarray(r * W, (r + 1) * W).reverse();
}

/**
 * A grey image given as values in [0, 1] (row-major, width × height), as the Input preprocesses an
 * image: each value becomes the 8-bit grey pixel round(v × 255) — what saving it as a PNG keeps —
 * and then follows imageToTensor (resize, scale by 1/255, mean/std; grey is replicated to 3
 * channels). The mnist package stores MNIST's bytes / 255 to 3 decimals, so this recovers the
 * original bytes exactly.
 */
export function greyImageToTensor(values: ArrayLike<number>, width: number, height: number, input: InputParams, nodeId?: string): Float32Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const b = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = b;
    rgba[4 * i + 3] = 255;
  }
  return imageToTensor({ width, height, rgba }, input, nodeId);
}

export interface DatasetProblem {
  code: 'input-shape' | 'too-few-classes' | 'output-units' | 'empty-class' | 'smaller-than-batch' | 'empty-test';
  message: string;
}

/**
 * Why `dataset` cannot train a model whose Input takes `inputShape` (C, H, W) and whose last layer
 * gives `outputUnits` class scores; empty when it can. With a batch size (and test fraction,
 * default 0.2) it also checks that the training split fills at least one batch.
 */
export function checkDatasetForModel(
  dataset: Dataset,
  inputShape: readonly number[],
  outputUnits: number,
  options: { batchSize?: number; testFraction?: number } = {},
): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const k = dataset.classes.length;
  const shapeText = (s: readonly number[]) => s.join('×');
  if (inputShape.length !== 3 || inputShape.some((d, i) => d !== dataset.sampleShape[i])) {
    problems.push({
      code: 'input-shape',
      message: `the data was prepared as ${shapeText(dataset.sampleShape)} images but the Input takes ${shapeText(inputShape)} — load the data again for this model`,
    });
  }
  if (k < 2) {
    problems.push({
      code: 'too-few-classes',
      message: `the data has ${k === 0 ? 'no classes' : 'only 1 class'} — training needs at least 2 (one subfolder per class)`,
    });
  } else if (outputUnits !== k) {
    problems.push({
      code: 'output-units',
      message: `the last layer gives ${outputUnits} output${outputUnits === 1 ? '' : 's'} but the data has ${k} classes — set Dense units to ${k}`,
    });
  }
  const perClass = new Int32Array(k);
  for (let i = 0; i < dataset.count; i++) perClass[dataset.labels[i]]++;
  dataset.classes.forEach((name, c) => {
    if (perClass[c] === 0) problems.push({ code: 'empty-class', message: `class "${name}" has no images — add some, or remove the class` });
  });
  const tf = options.testFraction ?? 0.2;
  const nTest = testCount(dataset.count, tf);
  const nTrain = dataset.count - nTest;
  const pct = `${Math.round((1 - tf) * 100)}%`;
  if (options.batchSize !== undefined && nTrain < options.batchSize) {
    problems.push({
      code: 'smaller-than-batch',
      message:
        nTrain === 0
          ? `the training split is empty — add images`
          : `the training split has ${nTrain} image${nTrain === 1 ? '' : 's'} (${pct} of ${dataset.count}), fewer than one batch of ${options.batchSize} — lower the batch size to ${nTrain} or add images`,
    });
  }
  if (tf > 0 && nTest === 0) {
    problems.push({
      code: 'empty-test',
      message: `the test split is empty: ${Math.round(tf * 100)}% of ${dataset.count} image${dataset.count === 1 ? '' : 's'} is less than one — add images, or set the test fraction to 0`,
    });
  }
  return problems;
}

export interface DatasetSummary {
  name: string;
  count: number;
  sampleShape: [number, number, number];
  skipped: number;
  /** Per class: its name, how many images, and up to `samplesPerClass` indices spread over the class. */
  classes: { name: string; count: number; samples: number[] }[];
}

/** A cheap summary for the UI. */
export function describeDataset(dataset: Dataset, samplesPerClass = 4): DatasetSummary {
  const members: number[][] = dataset.classes.map(() => []);
  for (let i = 0; i < dataset.count; i++) members[dataset.labels[i]]?.push(i);
  return {
    name: dataset.name,
    count: dataset.count,
    sampleShape: dataset.sampleShape,
    skipped: dataset.skipped.length,
    classes: dataset.classes.map((name, c) => {
      const m = members[c];
      const k = Math.min(samplesPerClass, m.length);
      return { name, count: m.length, samples: Array.from({ length: k }, (_, j) => m[Math.floor((j * m.length) / k)]) };
    }),
  };
}
