/** What the Input node does to an image, in words and as the tensor that enters the network. */
import type { InputParams, Preprocess } from '../../../engine/src/core/ops/input';
import { PreprocessSchema } from '../../../engine/src/core/ops/input';
import { imageToTensor } from '../../../engine/src/core/preprocess';
import type { ValueMap } from './feature-image';
import { MAX_SIDE } from './image-decode';
import { t } from '../i18n';

export interface PreprocessStep {
  title: string;
  detail: string;
}

const list = (v: number[]) => `[${v.map((x) => +x.toFixed(3)).join(', ')}]`;

/**
 * The preprocessing steps applied to a width×height image for this Input node. `shrunkFrom`: the
 * image's own size when it was too large and was shrunk to width×height on reading (image-decode.ts).
 */
export function preprocessSteps(image: { width: number; height: number }, input: InputParams, shrunkFrom?: { width: number; height: number }): PreprocessStep[] {
  const pre: Preprocess = PreprocessSchema.parse(input.preprocess ?? {});
  const steps: PreprocessStep[] = [];
  const size = (w: number, h: number) => `${w}×${h}`;
  if (shrunkFrom) steps.push({ title: t('live.pre.shrunk'), detail: t('live.pre.shrunkDetail', { from: size(shrunkFrom.width, shrunkFrom.height), to: size(image.width, image.height), max: MAX_SIDE }) });
  const gray = pre.grayscale ?? input.channels === 1;
  if (gray) steps.push({ title: t('live.pre.grayscale'), detail: `${t('live.pre.luma')} 0.299·R + 0.587·G + 0.114·B` + (input.channels === 3 ? t('live.pre.copied') : '') });
  if (image.width !== input.width || image.height !== input.height) {
    steps.push(
      pre.resize
        ? { title: t('live.pre.resize'), detail: t('live.pre.resizeDetail', { from: size(image.width, image.height), to: size(input.width, input.height) }) }
        : { title: t('live.pre.resizeOff'), detail: t('live.pre.resizeOffDetail', { size: size(input.width, input.height) }) },
    );
  }
  if (pre.scale) steps.push({ title: t('live.pre.scale'), detail: t('live.pre.scaleDetail') });
  if (pre.mean || pre.std) steps.push({ title: t('live.pre.normalise'), detail: `(x − ${list(pre.mean ?? [0])}) / ${list(pre.std ?? [1])}` });
  return steps;
}

export interface PreprocessedImage {
  tensor: Float32Array;
  channels: ValueMap[];
}

/** The Input node's tensor for an image (the engine computes the same, see engine/src/core/preprocess.ts). Throws InputError. */
export function preprocessedChannels(image: { width: number; height: number; rgba: Uint8Array }, input: InputParams): PreprocessedImage {
  const tensor = imageToTensor(image, input);
  const n = input.height * input.width;
  const channels = Array.from({ length: input.channels }, (_, c) => ({ width: input.width, height: input.height, values: tensor.subarray(c * n, (c + 1) * n) }));
  return { tensor, channels };
}
