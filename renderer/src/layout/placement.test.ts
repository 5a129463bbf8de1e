import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundsOf, freeSpot, PLACEMENT_MARGIN } from './placement';
import type { Box } from './overlap';

const CARD = { width: 190, height: 78 };
const at = (x: number, y: number): Box => ({ x, y, ...CARD });
const clear = (p: { x: number; y: number }, boxes: Box[], size = CARD) =>
  boxes.every((b) => p.x >= b.x + b.width + PLACEMENT_MARGIN - 0.5 || b.x >= p.x + size.width + PLACEMENT_MARGIN - 0.5 || p.y >= b.y + b.height + PLACEMENT_MARGIN - 0.5 || b.y >= p.y + size.height + PLACEMENT_MARGIN - 0.5);

describe('freeSpot', () => {
  it('keeps the preferred spot when it is free', () => {
    expect(freeSpot({ x: 500, y: 500 }, CARD, [at(0, 0)])).toEqual({ x: 500, y: 500 });
  });

  it('puts a card meant for the 70 px gap of a row just above or below the row, not on its cards', () => {
    // Source at 0, target at 260: the midpoint of the edge is (130, 0), on top of both.
    const row = [at(0, 0), at(260, 0), at(520, 0)];
    const p = freeSpot({ x: 130, y: 0 }, CARD, row);
    expect(clear(p, row)).toBe(true);
    expect(p.x).toBe(130);
    expect(Math.abs(p.y)).toBe(78 + PLACEMENT_MARGIN);
  });

  it('a paste aimed 40 px off its original goes beside it instead', () => {
    const boxes = [at(0, 0)];
    const p = freeSpot({ x: 40, y: 40 }, CARD, boxes);
    expect(clear(p, boxes)).toBe(true);
    // The nearest free spot: straight down from the aim, just under the original.
    expect(p).toEqual({ x: 40, y: 78 + PLACEMENT_MARGIN });
  });

  it('finds the nearest free spot among random cards, and it overlaps none of them', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.integer({ min: -600, max: 600 }), y: fc.integer({ min: -400, max: 400 }) }), { maxLength: 30 }), fc.record({ x: fc.integer({ min: -300, max: 300 }), y: fc.integer({ min: -300, max: 300 }) }), (cards, aim) => {
        const boxes = cards.map((c) => at(c.x, c.y));
        const p = freeSpot(aim, CARD, boxes);
        expect(clear(p, boxes)).toBe(true);
        // No free point of a fine grid around the aim is nearer than the answer.
        const d = Math.hypot(p.x - aim.x, p.y - aim.y);
        for (let dx = -d; dx <= d; dx += 16)
          for (let dy = -d; dy <= d; dy += 16) {
            const q = { x: aim.x + dx, y: aim.y + dy };
            if (Math.hypot(dx, dy) < d - 1e-6) expect(clear(q, boxes)).toBe(false);
          }
      }),
      { numRuns: 150 },
    );
  });
});

describe('boundsOf', () => {
  it('spans every box', () => {
    expect(boundsOf([at(0, 0), at(300, 100)])).toEqual({ x: 0, y: 0, width: 490, height: 178 });
    expect(boundsOf([])).toBeUndefined();
  });
});
