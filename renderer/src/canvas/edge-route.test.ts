import { describe, expect, it } from 'vitest';
import { curveHitsCards, edgeLane, lanePath, EDGE_STUB } from './edge-route';

const W = 190;
const H = 78;
const card = (x: number, y: number) => ({ x, y, width: W, height: H });
/** A row of cards 70 px apart, as the layout puts a chain. */
const row = (y: number, n: number) => Array.from({ length: n }, (_, i) => card(i * (W + 70), y));
const out = (c: { x: number; y: number }) => ({ x: c.x + W, y: c.y + H / 2 });
const into = (c: { x: number; y: number }) => ({ x: c.x, y: c.y + H / 2 });

describe('edgeLane', () => {
  it('leaves an edge between neighbours alone (React Flow’s curve crosses no card)', () => {
    const cards = row(0, 3);
    expect(edgeLane(out(cards[0]), into(cards[1]), 'LR', [cards[2]])).toBeUndefined();
  });

  it('takes an edge that skips the next card of a row around it, just above or below it', () => {
    const cards = row(0, 3);
    const lane = edgeLane(out(cards[0]), into(cards[2]), 'LR', [cards[1]]);
    expect(curveHitsCards(out(cards[0]), into(cards[2]), 'LR', [cards[1]])).toBe(true);
    expect([-18, H + 18]).toContain(lane);
  });

  it('runs an edge back along its row around the cards in between, and a row’s end to the next row through the gap (if it needs a lane at all)', () => {
    const cards = row(0, 4);
    expect([-18, H + 18]).toContain(edgeLane(out(cards[3]), into(cards[1]), 'LR', [cards[0], cards[2]]));
    // Tall cards (with their thumbnails) leave a 70 px gap between rows.
    const tall = (x: number, y: number) => ({ x, y, width: W, height: 146 });
    const first = [0, 1, 2, 3].map((i) => tall(i * 260, 0));
    const second = [0, 1, 2, 3].map((i) => tall(i * 260, 216));
    const others = [...first.slice(0, 3), ...second.slice(1)];
    const s = { x: first[3].x + W, y: 73 };
    const t = { x: 0, y: 216 + 73 };
    const lane = edgeLane(s, t, 'LR', others);
    if (curveHitsCards(s, t, 'LR', others)) {
      expect(lane).toBeGreaterThanOrEqual(146 + 18);
      expect(lane).toBeLessThanOrEqual(216 - 18);
    } else expect(lane).toBeUndefined();
  });

  it('works the same turned top to bottom', () => {
    const col = [card(0, 0), card(0, 150), card(0, 300)];
    const lane = edgeLane({ x: W / 2, y: H }, { x: W / 2, y: 300 }, 'TB', [col[1]]);
    expect([-18, W + 18]).toContain(lane);
  });
});

describe('lanePath', () => {
  it('leaves the source straight, follows the lane, and enters the target straight; the label sits on the lane', () => {
    const { path, labelX, labelY } = lanePath({ x: 190, y: 39 }, { x: 520, y: 39 }, -18, 'LR');
    expect(path.startsWith('M 190,39 L ')).toBe(true);
    expect(path.endsWith(' L 520,39')).toBe(true);
    expect(path).toContain(`Q ${190 + EDGE_STUB},-18`);
    expect(path).toContain(`Q ${520 - EDGE_STUB},-18`);
    expect([labelX, labelY]).toEqual([355, -18]);
  });
});
