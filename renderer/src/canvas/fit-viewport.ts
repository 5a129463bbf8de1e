/**
 * Where "Fit" puts the view (pure: no DOM): the whole model when it can be read whole, else its start
 * at the smallest readable zoom. canvas/fit.ts applies it to the canvas.
 */

/** Card text (13 px) stays about 8 px tall or more. */
export const READABLE_ZOOM = 0.6;
export const FIT_PADDING = 0.08;
export const FIT_MAX_ZOOM = 1.2;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * The viewport that shows `bounds` in a view of `view` size: centred whole when its zoom is at least
 * `minZoom`; else at `minZoom` from the model's top-left corner (its start, in both layout
 * directions), centred along a side that fits.
 */
export function fitViewport(bounds: Rect, view: { width: number; height: number }, options: { padding?: number; minZoom?: number; maxZoom?: number } = {}): Viewport {
  const padding = options.padding ?? FIT_PADDING;
  const minZoom = options.minZoom ?? READABLE_ZOOM;
  const maxZoom = options.maxZoom ?? FIT_MAX_ZOOM;
  const innerW = view.width * (1 - 2 * padding);
  const innerH = view.height * (1 - 2 * padding);
  const whole = Math.min(innerW / Math.max(bounds.width, 1), innerH / Math.max(bounds.height, 1), maxZoom);
  const zoom = Math.max(whole, minZoom);
  const place = (start: number, size: number, viewSize: number, inner: number) =>
    size * zoom <= inner ? viewSize / 2 - (start + size / 2) * zoom : viewSize * padding - start * zoom;
  return { x: place(bounds.x, bounds.width, view.width, innerW), y: place(bounds.y, bounds.height, view.height, innerH), zoom };
}
