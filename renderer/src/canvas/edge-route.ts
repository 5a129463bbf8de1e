/**
 * Edges that would run behind a card go around it. Edges are drawn under the cards (so an edge never
 * takes a click meant for a card), which hides the part of an edge that crosses one: a skip over the
 * next card of a row, a new edge from a node two places back, a row's end wrapping to the next row.
 * Such an edge runs instead along a free lane beside the cards: out of its source, across to the
 * lane, along it, and into its target. Pure geometry; flow-model.ts decides, ShapeEdge draws.
 */
import type { Box } from '../layout/overlap';

export interface XY {
  x: number;
  y: number;
}

export type FlowDirection = 'LR' | 'TB';

/** How far an edge leaves its handle straight before it turns. */
export const EDGE_STUB = 20;
/** Air between a lane and the cards beside it. */
const LANE_MARGIN = 18;

/** React Flow's default (bezier) curve between a right/bottom source and a left/top target, as points. */
function bezierPoints(s: XY, t: XY, dir: FlowDirection, samples = 24): XY[] {
  // @xyflow/system getBezierPath: control offset 0.5·distance forward, 0.25·25·√(−distance) backward.
  const offset = (d: number) => (d >= 0 ? 0.5 * d : 0.25 * 25 * Math.sqrt(-d));
  const c1 = dir === 'LR' ? { x: s.x + offset(t.x - s.x), y: s.y } : { x: s.x, y: s.y + offset(t.y - s.y) };
  const c2 = dir === 'LR' ? { x: t.x - offset(t.x - s.x), y: t.y } : { x: t.x, y: t.y - offset(t.y - s.y) };
  const out: XY[] = [];
  for (let i = 1; i < samples; i++) {
    const u = i / samples;
    const a = (1 - u) ** 3;
    const b = 3 * (1 - u) ** 2 * u;
    const c = 3 * (1 - u) * u ** 2;
    const d = u ** 3;
    out.push({ x: a * s.x + b * c1.x + c * c2.x + d * t.x, y: a * s.y + b * c1.y + c * c2.y + d * t.y });
  }
  return out;
}

const inside = (p: XY, b: Box, pad = 2) => p.x > b.x - pad && p.x < b.x + b.width + pad && p.y > b.y - pad && p.y < b.y + b.height + pad;

/** Whether React Flow's curve from `s` to `t` passes over any of `cards`. */
export function curveHitsCards(s: XY, t: XY, dir: FlowDirection, cards: readonly Box[]): boolean {
  if (!cards.length) return false;
  const pts = bezierPoints(s, t, dir);
  return cards.some((b) => pts.some((p) => inside(p, b)));
}

/** Swap x and y (top-to-bottom layouts are left-to-right ones turned). */
const flip = (p: XY): XY => ({ x: p.y, y: p.x });
const flipBox = (b: Box): Box => ({ x: b.y, y: b.x, width: b.height, height: b.width });

/**
 * The lane an edge from `s` (a source handle) to `t` (a target handle) should follow so that it
 * crosses no card — a y for left-to-right layouts, an x for top-to-bottom — or undefined when
 * React Flow's own curve already passes clear of every card. `cards`: every card but the edge's ends.
 */
export function edgeLane(s: XY, t: XY, dir: FlowDirection, cards: readonly Box[]): number | undefined {
  if (!curveHitsCards(s, t, dir, cards)) return undefined;
  // Work left to right: along = x, across = y.
  const [a, b, boxes] = dir === 'LR' ? [s, t, cards] : [flip(s), flip(t), cards.map(flipBox)];
  const x0 = Math.min(a.x + EDGE_STUB, b.x - EDGE_STUB) - 1;
  const x1 = Math.max(a.x + EDGE_STUB, b.x - EDGE_STUB) + 1;
  const inSpan = boxes.filter((c) => c.x < x1 && c.x + c.width > x0);
  const free = (y: number) => inSpan.every((c) => y <= c.y - LANE_MARGIN + 0.5 || y >= c.y + c.height + LANE_MARGIN - 0.5);
  const candidates = [(a.y + b.y) / 2, a.y, b.y, ...inSpan.flatMap((c) => [c.y - LANE_MARGIN, c.y + c.height + LANE_MARGIN])];
  let best: number | undefined;
  let cost = Infinity;
  for (const y of candidates) {
    if (!free(y)) continue;
    const detour = Math.abs(y - a.y) + Math.abs(y - b.y);
    if (detour < cost) [best, cost] = [y, detour];
  }
  return best === undefined ? undefined : Math.round(best);
}

/**
 * The SVG path of an edge along `lane` (edgeLane), with rounded corners, and where its label goes
 * (the middle of the lane).
 */
export function lanePath(s: XY, t: XY, lane: number, dir: FlowDirection, radius = 8): { path: string; labelX: number; labelY: number } {
  const pts: XY[] =
    dir === 'LR'
      ? [s, { x: s.x + EDGE_STUB, y: s.y }, { x: s.x + EDGE_STUB, y: lane }, { x: t.x - EDGE_STUB, y: lane }, { x: t.x - EDGE_STUB, y: t.y }, t]
      : [s, { x: s.x, y: s.y + EDGE_STUB }, { x: lane, y: s.y + EDGE_STUB }, { x: lane, y: t.y - EDGE_STUB }, { x: t.x, y: t.y - EDGE_STUB }, t];
  let path = `M ${pts[0].x},${pts[0].y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const [p, c, n] = [pts[i - 1], pts[i], pts[i + 1]];
    const r = Math.min(radius, Math.hypot(c.x - p.x, c.y - p.y) / 2, Math.hypot(n.x - c.x, n.y - c.y) / 2);
    const before = towards(c, p, r);
    const after = towards(c, n, r);
    path += ` L ${before.x},${before.y} Q ${c.x},${c.y} ${after.x},${after.y}`;
  }
  path += ` L ${t.x},${t.y}`;
  const mid = dir === 'LR' ? { x: (s.x + t.x) / 2, y: lane } : { x: lane, y: (s.y + t.y) / 2 };
  return { path, labelX: mid.x, labelY: mid.y };
}

function towards(from: XY, to: XY, dist: number): XY {
  const len = Math.hypot(to.x - from.x, to.y - from.y);
  if (len === 0) return from;
  return { x: from.x + ((to.x - from.x) / len) * dist, y: from.y + ((to.y - from.y) / len) * dist };
}
