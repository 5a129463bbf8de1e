import { describe, expect, it } from 'vitest';
import { edgeLanes, type CardPlace } from './edge-lanes';

const card = (id: string, x: number, y = 0, inputs = 1): CardPlace => ({ id, x, y, width: 190, height: 78, inputs });

describe('edgeLanes', () => {
  it('gives a lane only to the edges that would pass behind a card', () => {
    const cards = [card('a', 0), card('b', 260), card('c', 520)];
    const lanes = edgeLanes(
      cards,
      [
        { id: 'a->b', source: 'a', target: 'b', port: 0 },
        { id: 'b->c', source: 'b', target: 'c', port: 0 },
        { id: 'a->c', source: 'a', target: 'c', port: 0 },
      ],
      'LR',
    );
    expect([...lanes.keys()]).toEqual(['a->c']);
    expect([-18, 78 + 18]).toContain(lanes.get('a->c'));
  });

  it('works top to bottom, and leaves large graphs to React Flow’s curves', () => {
    const col = [card('a', 0, 0), card('b', 0, 150), card('c', 0, 300)];
    const lanes = edgeLanes(col, [{ id: 'a->c', source: 'a', target: 'c', port: 0 }], 'TB');
    expect([-18, 190 + 18]).toContain(lanes.get('a->c'));
    const many = Array.from({ length: 601 }, (_, i) => card(`n${i}`, i * 260));
    expect(edgeLanes(many, [{ id: 'skip', source: 'n0', target: 'n2', port: 0 }], 'LR').size).toBe(0);
  });
});
