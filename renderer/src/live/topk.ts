import { untrainedWarning, type RandomWeightOrigins } from '../../../engine/src/core/weights/origins';
import { language, t } from '../i18n';

/** The k most likely classes of a probability (Softmax) vector, with names from the document's labels. */
export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

export function topK(probabilities: ArrayLike<number>, k = 5, labels?: readonly string[]): ClassScore[] {
  const idx = Array.from({ length: probabilities.length }, (_, i) => i);
  idx.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return idx.slice(0, k).map((i) => ({ index: i, label: labels?.[i] ?? t('classNames.classN', { i }), probability: probabilities[i] }));
}

/** Whether a vector looks like probabilities (all in [0, 1], summing to ≈ 1). */
export function isProbabilityVector(v: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0 && v[i] <= 1)) return false;
    sum += v[i];
  }
  return v.length > 0 && Math.abs(sum - 1) < 1e-3;
}

/** Where the network's random-by-default weights come from, and the seed of those that are random. */
export type RandomWeights = RandomWeightOrigins & { seed: number };

/** The top-k's warning when some kernels are random, with what to do about it in the editor. */
export function untrainedNote(w: RandomWeights | undefined): string | undefined {
  const english = w ? untrainedWarning(w, w.seed) : undefined;
  // The engine's sentence is English (the CLI prints it); the UI says the same from the same counts.
  const warning = !english || language() === 'en' ? english : w!.given === 0 ? t('live.topk.untrained', { seed: w!.seed }) : t('live.topk.someRandom', { seeded: w!.seeded, total: w!.given + w!.seeded, seed: w!.seed });
  if (!warning || w?.given !== 0) return warning;
  return `${warning}${t('live.topk.importHint')}`;
}
