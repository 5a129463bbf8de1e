/** Card sizes used before the canvas has measured a node (layout of freshly loaded models). */
export const LAYER_CARD = { width: 190, height: 78 };
export const PRIM_CARD = { width: 176, height: 48 };
export const MODULE_PAD = { top: 66, side: 16, bottom: 16, gapMain: 36, gapCross: 12 };
