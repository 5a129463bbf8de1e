/**
 * Classic image-processing kernels, for the kernel editor: put one into a Conv2D filter and the next
 * feature map shows blur, edges or relief on the user's own image.
 */
export type KernelPresetName = 'identity' | 'box-blur' | 'gaussian' | 'sharpen' | 'sobel-x' | 'sobel-y' | 'laplacian' | 'emboss';

export interface KernelPresetInfo {
  name: KernelPresetName;
  title: string;
  /** What a learner sees in the feature map. */
  doc: string;
}

export const KERNEL_PRESETS: readonly KernelPresetInfo[] = [
  { name: 'identity', title: 'Identity', doc: 'A single 1 in the centre: the output is the input.' },
  { name: 'box-blur', title: 'Box blur', doc: 'The average of the window: smooths the image.' },
  { name: 'gaussian', title: 'Gaussian', doc: 'A weighted average, heaviest in the centre (binomial weights): a softer blur.' },
  { name: 'sharpen', title: 'Sharpen', doc: 'The centre minus its neighbours: strengthens edges and fine detail.' },
  { name: 'sobel-x', title: 'Sobel x', doc: 'Right minus left: responds to vertical edges (brightness changing along x).' },
  { name: 'sobel-y', title: 'Sobel y', doc: 'Bottom minus top: responds to horizontal edges (brightness changing along y).' },
  { name: 'laplacian', title: 'Laplacian', doc: 'Neighbours minus the centre: responds to edges in every direction, zero on flat areas.' },
  { name: 'emboss', title: 'Emboss', doc: 'A diagonal difference plus the centre: the image looks carved in relief.' },
];

export class KernelPresetError extends Error {}

/** Row n of Pascal's triangle: [1], [1,1], [1,2,1], … */
export function binomial(n: number): number[] {
  let row = [1];
  for (let i = 0; i < n; i++) row = [...row, 0].map((v, j) => v + (j > 0 ? row[j - 1] : 0));
  return row;
}

/** 1-D discrete derivative of length n ≥ 2: binomial(n−2) convolved with [−1, 1] → [−1, 0, 1], [−1, −2, 0, 2, 1]. */
export function derivative(n: number): number[] {
  const b = binomial(n - 2);
  return Array.from({ length: n }, (_, i) => (i < b.length ? -b[i] : 0) + (i > 0 ? b[i - 1] : 0));
}

const outer = (col: number[], row: number[]) => col.map((a) => row.map((b) => a * b));
const grid = (kh: number, kw: number, f: (i: number, j: number) => number) =>
  Array.from({ length: kh }, (_, i) => Array.from({ length: kw }, (_, j) => f(i, j)));

/** Why a preset does not exist for a kernel size, or undefined if it does. */
export function presetUnavailable(name: KernelPresetName, kh: number, kw: number): string | undefined {
  const odd = kh % 2 === 1 && kw % 2 === 1;
  switch (name) {
    case 'identity':
    case 'sharpen':
    case 'emboss':
      return odd ? undefined : `${name} needs an odd kernel (it has a centre cell); this one is ${kh}×${kw}.`;
    case 'laplacian':
      return odd && kh === kw && kh >= 3 ? undefined : `The Laplacian needs a square odd kernel of 3×3 or more; this one is ${kh}×${kw}.`;
    case 'sobel-x':
      return kw >= 2 ? undefined : 'Sobel x needs a kernel at least 2 wide.';
    case 'sobel-y':
      return kh >= 2 ? undefined : 'Sobel y needs a kernel at least 2 tall.';
    default:
      return undefined;
  }
}

/** The presets that exist for a kh×kw kernel. */
export function availablePresets(kh: number, kw: number = kh): KernelPresetInfo[] {
  return KERNEL_PRESETS.filter((p) => !presetUnavailable(p.name, kh, kw));
}

/**
 * A kh×kw preset kernel. For 3×3 these are the textbook kernels (sharpen [[0,−1,0],[−1,5,−1],[0,−1,0]],
 * Laplacian [[0,1,0],[1,−4,1],[0,1,0]], Sobel x [[−1,0,1],[−2,0,2],[−1,0,1]], emboss
 * [[−2,−1,0],[−1,1,1],[0,1,2]]); larger sizes extend them (binomial smoothing, OpenCV's 5×5 Sobel,
 * the all-neighbours Laplacian).
 */
export function kernelPreset(name: KernelPresetName, kh: number, kw: number = kh): number[][] {
  if (!Number.isInteger(kh) || !Number.isInteger(kw) || kh < 1 || kw < 1) throw new KernelPresetError(`Kernel size must be positive whole numbers, not ${kh}×${kw}.`);
  const why = presetUnavailable(name, kh, kw);
  if (why) throw new KernelPresetError(why);
  const ch = (kh - 1) / 2;
  const cw = (kw - 1) / 2;
  const isCentre = (i: number, j: number) => i === ch && j === cw;
  switch (name) {
    case 'identity':
      return grid(kh, kw, (i, j) => (isCentre(i, j) ? 1 : 0));
    case 'box-blur':
      return grid(kh, kw, () => 1 / (kh * kw));
    case 'gaussian': {
      const g = outer(binomial(kh - 1), binomial(kw - 1));
      const total = 2 ** (kh - 1 + kw - 1);
      return g.map((r) => r.map((v) => v / total));
    }
    case 'sharpen': {
      if (kh === 3 && kw === 3) return [[0, -1, 0], [-1, 5, -1], [0, -1, 0]];
      // 2·identity − Gaussian: keeps the image and adds back what the blur removed.
      const g = kernelPreset('gaussian', kh, kw);
      return grid(kh, kw, (i, j) => (isCentre(i, j) ? 2 : 0) - g[i][j]);
    }
    case 'sobel-x':
      return outer(kh >= 2 ? binomial(kh - 1) : [1], derivative(kw));
    case 'sobel-y':
      return outer(derivative(kh), kw >= 2 ? binomial(kw - 1) : [1]);
    case 'laplacian':
      if (kh === 3) return [[0, 1, 0], [1, -4, 1], [0, 1, 0]];
      return grid(kh, kw, (i, j) => (isCentre(i, j) ? -(kh * kw - 1) : 1));
    case 'emboss':
      return grid(kh, kw, (i, j) => Math.sign(i - ch) + Math.sign(j - cw) + (isCentre(i, j) ? 1 : 0));
  }
}
