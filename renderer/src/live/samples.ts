/**
 * The sample images shipped in assets/samples (drawn by scripts/make-samples.mjs, free of any
 * licence). Bundled by Vite: small files become data: URLs, so they work in Electron and the browser.
 */
import manifest from '../../../assets/samples/samples.json';
import { decodeImageUrl, type ImagePayload } from './image-decode';
import { t } from '../i18n';

export interface Sample {
  file: string;
  title: string;
  width: number;
  height: number;
  description: string;
  /** digits, shapes, edges */
  use: string;
  url: string;
}

const urls = import.meta.glob<string>('../../../assets/samples/*.png', { eager: true, query: '?url', import: 'default' });

export const SAMPLES: readonly Sample[] = manifest.samples
  .map((s) => ({ ...s, url: urls[`../../../assets/samples/${s.file}`] }))
  .filter((s): s is Sample => typeof s.url === 'string');

/** A sample's title and description in the UI's language (the manifest's English otherwise). */
export function sampleText(sample: Pick<Sample, 'file' | 'title' | 'description'>): { title: string; description: string } {
  const digit = /^digit-(\d)\.png$/.exec(sample.file);
  const key = digit ? 'digit' : sample.file.replace(/\.png$/, '');
  const values = { n: digit?.[1] };
  return {
    title: t(`live.sample.${key}.title`, { ...values, defaultValue: sample.title }),
    description: t(`live.sample.${key}.description`, { ...values, defaultValue: sample.description }),
  };
}

export function loadSample(sample: Sample): Promise<ImagePayload> {
  return decodeImageUrl(sample.url);
}

/** A sample that suits an input: digits for small one-channel inputs, the house scene otherwise. */
export function defaultSampleFor(input: { channels: number; height: number; width: number } | undefined): Sample | undefined {
  if (!input) return undefined;
  const small = input.channels === 1 && Math.max(input.height, input.width) <= 64;
  return SAMPLES.find((s) => (small ? s.file === 'digit-3.png' : s.file === 'house.png')) ?? SAMPLES[0];
}
