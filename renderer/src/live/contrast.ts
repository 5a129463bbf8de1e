/** WCAG 2.1 contrast: text drawn on a data colour (a kernel weight's cell) stays readable whatever the colour. */

/** Relative luminance of an sRGB colour with channels 0–255 (WCAG 2.1, 1.4.3). */
export function relativeLuminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: readonly [number, number, number], b: readonly [number, number, number]): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Black and white (not a softer near-black): for every background one of them reaches 4.58:1 at least.
const DARK: [number, number, number] = [0, 0, 0];
const LIGHT: [number, number, number] = [255, 255, 255];

/** Black or white, whichever contrasts more with `background`. */
export function textColorOn(background: readonly [number, number, number]): '#000000' | '#ffffff' {
  return contrastRatio(DARK, background) >= contrastRatio(LIGHT, background) ? '#000000' : '#ffffff';
}
