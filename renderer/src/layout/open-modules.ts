/**
 * Opened modules are a way of looking, not an edit. The document keeps every card where it was laid
 * out closed; on screen, an opened Inception or Residual unit grows into its box and the cards it
 * would cover make room, keeping their spacing:
 *  - across (x): a card to the right of a growing box, on its row (their closed boxes share some
 *    height), moves right by at least the growth of every box before it on that row — a longest
 *    path over "left of, on the same row", so chains of cards move together;
 *  - down (y): every card whose top lies below a growing box's closed bottom moves down by that
 *    box's growth in height (boxes whose bottoms are on one line count once, by the largest growth),
 *    so rows stay rows.
 * A pure function of the document's positions and which modules are open: undo, redo and every
 * other edit show the same picture, and closing a module puts every card back where it was.
 */
import type { Box } from './overlap';

export interface XY {
  x: number;
  y: number;
}

/** A card as laid out in the document (closed size). */
export interface LayoutBox extends Box {
  id: string;
}

/** The opened size of each open module, by id. */
export type OpenSizes = ReadonlyMap<string, { width: number; height: number }>;

/** Bottoms closer than this are one line (cards of one row laid out from estimated sizes share it). */
const SAME_LINE = 1;

/** Where each card is shown with the modules in `open` opened (every box gets an entry). */
export function pushedPositions(boxes: readonly LayoutBox[], open: OpenSizes): Map<string, XY> {
  const growW = (b: LayoutBox) => Math.max(0, (open.get(b.id)?.width ?? b.width) - b.width);
  const growH = (b: LayoutBox) => Math.max(0, (open.get(b.id)?.height ?? b.height) - b.height);

  // Across: longest path over "P ends left of N's start and shares some of N's height".
  const byX = [...boxes].sort((a, b) => a.x - b.x);
  const sx = new Map<string, number>();
  for (let i = 0; i < byX.length; i++) {
    const n = byX[i];
    let shift = 0;
    for (let j = 0; j < i; j++) {
      const p = byX[j];
      if (p.x + p.width > n.x) continue;
      if (!(p.y < n.y + n.height && n.y < p.y + p.height)) continue;
      const s = (sx.get(p.id) ?? 0) + growW(p);
      if (s > shift) shift = s;
    }
    sx.set(n.id, shift);
  }

  // Down: one line per opened box's closed bottom; a card moves by every line at or above its top.
  const lines: { y: number; by: number }[] = [];
  for (const b of boxes) {
    const by = growH(b);
    if (!open.has(b.id) || by <= 0) continue;
    const y = b.y + b.height;
    const same = lines.find((l) => Math.abs(l.y - y) < SAME_LINE);
    if (same) same.by = Math.max(same.by, by);
    else lines.push({ y, by });
  }
  const out = new Map<string, XY>();
  for (const b of boxes) {
    let sy = 0;
    for (const l of lines) if (l.y <= b.y + 1e-9) sy += l.by;
    out.set(b.id, { x: b.x + (sx.get(b.id) ?? 0), y: b.y + sy });
  }
  return out;
}

/**
 * The document position that shows card `moving` (an existing id, or a new one) at `view` with
 * `open` opened — the inverse of pushedPositions for one card, found by fixed-point iteration.
 * Where no position shows it exactly (a point inside the room a module made), the closest found.
 */
export function docPositionFor(boxes: readonly LayoutBox[], open: OpenSizes, moving: { id: string; width: number; height: number }, view: XY): XY {
  const others = boxes.filter((b) => b.id !== moving.id);
  const shown = (at: XY) => pushedPositions([...others, { ...moving, ...at }], open).get(moving.id)!;
  let at = { ...view };
  let best = { at, miss: Infinity };
  for (let k = 0; k < 6; k++) {
    const s = shown(at);
    const miss = Math.abs(s.x - view.x) + Math.abs(s.y - view.y);
    if (miss < best.miss) best = { at, miss };
    if (miss < 0.5) break;
    const next = { x: view.x - (s.x - at.x), y: view.y - (s.y - at.y) };
    if (next.x === at.x && next.y === at.y) break;
    at = next;
  }
  return best.at;
}
