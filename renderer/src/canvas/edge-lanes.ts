/**
 * Which edges of the canvas need a lane around the cards (edge-route.ts), from where the cards are
 * drawn and how big they are: a map edge id → lane, for the edges that need one.
 */
import { edgeLane, type FlowDirection } from './edge-route';
import type { Box } from '../layout/overlap';

export interface CardPlace extends Box {
  id: string;
  /** Input handles on the card (they share its input side evenly). */
  inputs: number;
}

export interface EdgeEnds {
  id: string;
  source: string;
  target: string;
  /** Which input handle of the target. */
  port: number;
}

/** Graphs larger than this keep React Flow's own curves (routing every edge would slow each edit). */
const MAX_ROUTED_CARDS = 600;

export function edgeLanes(cards: readonly CardPlace[], edges: readonly EdgeEnds[], dir: FlowDirection): Map<string, number> {
  const lanes = new Map<string, number>();
  if (cards.length > MAX_ROUTED_CARDS) return lanes;
  const byId = new Map(cards.map((c) => [c.id, c]));
  for (const e of edges) {
    const src = byId.get(e.source);
    const dst = byId.get(e.target);
    if (!src || !dst) continue;
    const share = (Math.min(e.port, dst.inputs - 1) + 1) / (Math.max(dst.inputs, 1) + 1);
    const s = dir === 'LR' ? { x: src.x + src.width, y: src.y + src.height / 2 } : { x: src.x + src.width / 2, y: src.y + src.height };
    const t = dir === 'LR' ? { x: dst.x, y: dst.y + dst.height * share } : { x: dst.x + dst.width * share, y: dst.y };
    // Only cards alongside the edge can be in its way or its lane's (a backward curve bulges out by up to 6.25·√distance).
    const bulge = 6.25 * Math.sqrt(Math.abs(dir === 'LR' ? t.x - s.x : t.y - s.y)) + 40;
    const [a0, a1] = dir === 'LR' ? [Math.min(s.x, t.x) - bulge, Math.max(s.x, t.x) + bulge] : [Math.min(s.y, t.y) - bulge, Math.max(s.y, t.y) + bulge];
    const alongside = cards.filter((c) => c !== src && c !== dst && (dir === 'LR' ? c.x < a1 && c.x + c.width > a0 : c.y < a1 && c.y + c.height > a0));
    const lane = edgeLane(s, t, dir, alongside);
    if (lane !== undefined) lanes.set(e.id, lane);
  }
  return lanes;
}
