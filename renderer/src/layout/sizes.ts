/** Card sizes used before the canvas has measured a node (layout of freshly loaded models). */
export const LAYER_CARD = { width: 190, height: 78 };
export const PRIM_CARD = { width: 176, height: 48 };
export const MODULE_PAD = { top: 66, side: 16, bottom: 16, gapMain: 36, gapCross: 12 };

/** A closed layer card's estimated size when its thumbnail slot adds `extraHeight` (0: no thumbnails). */
export function layerCardSize(extraHeight = 0): { width: number; height: number } {
  return extraHeight > 0 ? { width: LAYER_CARD.width, height: LAYER_CARD.height + extraHeight } : LAYER_CARD;
}
