/** Colormaps for feature maps: value in [0, 1] → RGB. Lookup tables of 256 entries. */
export type ColormapName = 'viridis' | 'gray' | 'coolwarm';

export const COLORMAPS: readonly { name: ColormapName; title: string }[] = [
  { name: 'viridis', title: 'Viridis' },
  { name: 'gray', title: 'Grey' },
  { name: 'coolwarm', title: 'Blue–red (signed)' },
];

/** Anchors sampled from matplotlib's viridis at 0, 1/8, …, 1. */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
/** Blue → white → red, for values whose sign matters (kernels, pre-activation maps). */
const COOLWARM: [number, number, number][] = [[59, 76, 192], [221, 221, 221], [180, 4, 38]];

function lut(anchors: [number, number, number][]): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (anchors.length - 1);
    const k = Math.min(anchors.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(anchors[k][c] * (1 - f) + anchors[k + 1][c] * f);
  }
  return out;
}

const TABLES: Record<ColormapName, Uint8Array> = {
  viridis: lut(VIRIDIS),
  gray: lut([[0, 0, 0], [255, 255, 255]]),
  coolwarm: lut(COOLWARM),
};

export function colormapTable(name: ColormapName): Uint8Array {
  return TABLES[name];
}

/** [r, g, b] for a value in [0, 1] (clamped). */
export function colorAt(name: ColormapName, t: number): [number, number, number] {
  const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255) * 3;
  const table = TABLES[name];
  return [table[i], table[i + 1], table[i + 2]];
}

/** CSS colour for a value in [0, 1]. */
export function cssColor(name: ColormapName, t: number): string {
  const [r, g, b] = colorAt(name, t);
  return `rgb(${r} ${g} ${b})`;
}
