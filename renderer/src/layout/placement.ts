/**
 * Where a new card goes: the free spot nearest to where it belongs (next to the node it connects
 * to, or where a paste was aimed), never on top of another card. Pure geometry, in document
 * coordinates with closed card sizes.
 */
import type { Box } from './overlap';

export interface XY {
  x: number;
  y: number;
}

/** Air kept between a placed card and its neighbours. */
export const PLACEMENT_MARGIN = 24;

function collides(x: number, y: number, w: number, h: number, boxes: readonly Box[], margin: number): boolean {
  // Touching at exactly `margin` of air is free (candidates are made that way); a hair less is not.
  const m = margin - 0.5;
  for (const b of boxes) if (x < b.x + b.width + m && b.x < x + w + m && y < b.y + b.height + m && b.y < y + h + m) return true;
  return false;
}

/** Boxes that offer candidate spots: the nearest ones. */
const NEAR_BOXES = 80;

const distance = (b: Box, p: XY) => Math.hypot(Math.max(b.x - p.x, 0, p.x - b.x - b.width), Math.max(b.y - p.y, 0, p.y - b.y - b.height));

/**
 * The position nearest `preferred` (straight-line distance of the top-left corner) where a box of
 * `size` keeps `margin` of air to every box. Candidates are the preferred point and every spot
 * flush against a side of a box, so the answer is exact, not a grid's approximation.
 */
export function freeSpot(preferred: XY, size: { width: number; height: number }, boxes: readonly Box[], margin = PLACEMENT_MARGIN): XY {
  const { width: w, height: h } = size;
  if (!collides(preferred.x, preferred.y, w, h, boxes, margin)) return { x: preferred.x, y: preferred.y };
  const xs = new Set<number>([preferred.x]);
  const ys = new Set<number>([preferred.y]);
  // Spots flush against the nearest boxes (a large graph's far side cannot hold the nearest spot).
  const near = boxes.length <= NEAR_BOXES ? boxes : [...boxes].sort((a, b) => distance(a, preferred) - distance(b, preferred)).slice(0, NEAR_BOXES);
  for (const b of near) {
    xs.add(b.x + b.width + margin);
    xs.add(b.x - margin - w);
    ys.add(b.y + b.height + margin);
    ys.add(b.y - margin - h);
  }
  const candidates: { x: number; y: number; d: number }[] = [];
  for (const x of xs) for (const y of ys) candidates.push({ x, y, d: (x - preferred.x) ** 2 + (y - preferred.y) ** 2 });
  candidates.sort((a, b) => a.d - b.d);
  for (const c of candidates) if (!collides(c.x, c.y, w, h, boxes, margin)) return { x: c.x, y: c.y };
  // Unreachable: right of every box is always free.
  return { x: Math.max(...boxes.map((b) => b.x + b.width)) + margin, y: preferred.y };
}

/** The bounding box of boxes (undefined for none). */
export function boundsOf(boxes: readonly Box[]): Box | undefined {
  if (!boxes.length) return undefined;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
}
