import { describe, expect, it } from 'vitest';
import { overlapsOf, type Box } from './overlap';

describe('overlapsOf', () => {
  const boxes = new Map<string, Box>([
    ['module', { x: 0, y: 0, width: 500, height: 170 }],
    ['right', { x: 230, y: 0, width: 190, height: 90 }],
    ['below', { x: 0, y: 200, width: 190, height: 90 }],
    ['touching', { x: 500, y: 0, width: 190, height: 90 }],
  ]);
  it('finds the cards an opened module would cover', () => {
    expect(overlapsOf('module', boxes)).toEqual(['right']);
  });
  it('is empty for a box clear of the others, and for an unknown id', () => {
    expect(overlapsOf('below', boxes)).toEqual([]);
    expect(overlapsOf('nope', boxes)).toEqual([]);
  });
});
