import { beforeEach, describe, expect, it } from 'vitest';
import { likelySeeds, noteSeedChange, plannedReseed, resetNextSeeds } from './next-seeds';

describe('the seeds likely next', () => {
  beforeEach(resetNextSeeds);
  let draws = 0;
  const random = () => 1000 + ++draws;

  it('draws the Reseed button’s next seed once per current seed', () => {
    const a = plannedReseed(42, random);
    expect(plannedReseed(42, random)).toBe(a);
    expect(plannedReseed(43, random)).not.toBe(a);
  });

  it('puts one up first, then the drawn seed, then one down; after a Reseed its next seed first; after a step the same way', () => {
    const drawn = plannedReseed(42, random);
    expect(likelySeeds(42)).toEqual([43, drawn, 41]);
    noteSeedChange(42, drawn);
    const next = plannedReseed(drawn, random);
    expect(likelySeeds(drawn)).toEqual([next, drawn + 1, drawn - 1]);
    noteSeedChange(drawn, drawn - 1);
    expect(likelySeeds(drawn - 1)).toEqual([drawn - 2, plannedReseed(drawn - 1, random), drawn]);
    noteSeedChange(drawn - 1, 7); // typed
    expect(likelySeeds(7)[0]).toBe(8);
  });

  it('keeps to valid seeds', () => {
    plannedReseed(0, () => 5);
    expect(likelySeeds(0)).toEqual([1, 5]);
    plannedReseed(2 ** 31 - 1, () => 5);
    noteSeedChange(2 ** 31 - 2, 2 ** 31 - 1);
    expect(likelySeeds(2 ** 31 - 1)).toEqual([5, 2 ** 31 - 2]);
  });
});
