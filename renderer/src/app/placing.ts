/**
 * New cards (an insert, a paste, a quick fix's node) go to free space next to where they belong,
 * never on top of other cards (layout/placement.ts), in document coordinates with closed card
 * sizes — the layout opened modules push aside on screen keeps free space free.
 */
import type { ModelDocument } from '../engine';
import { setPositions, type XY } from '../model/edits';
import { boundsOf, freeSpot } from '../layout/placement';
import type { Box } from '../layout/overlap';
import type { LayoutDirection } from '../store/ui-store';

/** Room between a node and the one appended after it: the auto-layout's gap between layers. */
export const APPEND_GAP = 70;

/** The document's cards as boxes of `size`, except `exclude`. */
export function cardBoxes(doc: ModelDocument, size: { width: number; height: number }, exclude: ReadonlySet<string> = new Set()): Box[] {
  return doc.nodes.filter((n) => n.position && !exclude.has(n.id)).map((n) => ({ x: n.position!.x, y: n.position!.y, ...size }));
}

/**
 * Moves nodes `ids` together (their arrangement kept) so that their bounding box's top-left is at
 * the free spot nearest `preferred` (default: where they are now).
 */
export function placeFree(doc: ModelDocument, ids: readonly string[], size: { width: number; height: number }, preferred?: XY): ModelDocument {
  const set = new Set(ids);
  const moving = doc.nodes.filter((n) => set.has(n.id));
  const bounds = boundsOf(moving.map((n) => ({ x: n.position?.x ?? 0, y: n.position?.y ?? 0, ...size })));
  if (!bounds) return doc;
  const to = freeSpot(preferred ?? bounds, bounds, cardBoxes(doc, size, set));
  const dx = to.x - bounds.x;
  const dy = to.y - bounds.y;
  if (dx === 0 && dy === 0) return doc;
  return setPositions(doc, new Map(moving.map((n) => [n.id, { x: (n.position?.x ?? 0) + dx, y: (n.position?.y ?? 0) + dy }])));
}

/** Where a node appended after `after` belongs: one layer further along the layout direction. */
export function afterPosition(after: XY, size: { width: number; height: number }, direction: LayoutDirection): XY {
  return direction === 'LR' ? { x: after.x + size.width + APPEND_GAP, y: after.y } : { x: after.x, y: after.y + size.height + APPEND_GAP };
}
