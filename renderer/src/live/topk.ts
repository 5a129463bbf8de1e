import { untrainedWarning, type RandomWeightOrigins } from '../../../engine/src/core/weights/origins';

/** The k most likely classes of a probability (Softmax) vector, with names from the document's labels. */
export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

export function topK(probabilities: ArrayLike<number>, k = 5, labels?: readonly string[]): ClassScore[] {
  const idx = Array.from({ length: probabilities.length }, (_, i) => i);
  idx.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return idx.slice(0, k).map((i) => ({ index: i, label: labels?.[i] ?? `class ${i}`, probability: probabilities[i] }));
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
  const warning = w ? untrainedWarning(w, w.seed) : undefined;
  if (!warning || w?.given !== 0) return warning;
  return `${warning} Import a trained ONNX model (Import ONNX…) to see real predictions.`;
}
