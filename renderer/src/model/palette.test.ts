import { describe, expect, it } from 'vitest';
import { PALETTE, PALETTE_GROUPS, searchPalette } from './palette';
import { parseNumberText } from './param-fields';
import { ops } from '../engine';

describe('palette', () => {
  it('offers every op, in the groups learners expect, each with params its op accepts', () => {
    for (const op of ops.list()) expect(PALETTE.some((p) => p.type === op.type)).toBe(true);
    for (const item of PALETTE) {
      expect(PALETTE_GROUPS).toContain(item.group);
      expect(ops.get(item.type)!.params.safeParse(item.params).success).toBe(true);
    }
    expect(PALETTE.filter((p) => p.group === 'Pooling').map((p) => p.title)).toEqual(['Max pool', 'Average pool', 'Min pool', 'Global average pool', 'Global max pool']);
  });

  it('finds layers by any words, best title match first', () => {
    expect(searchPalette('min')[0].key).toBe('Pool2D-min');
    expect(searchPalette('skip').map((p) => p.key)).toEqual(['Add']);
    expect(searchPalette('zzz')).toEqual([]);
  });
});

describe('number fields', () => {
  it('accepts any number as typed (validation is the engine’s job) and refuses text', () => {
    expect(parseNumberText('300', true)).toEqual({ ok: true, value: 300 });
    expect(parseNumberText('-1', true)).toEqual({ ok: true, value: -1 });
    expect(parseNumberText('2.5', true)).toEqual({ ok: true, value: 2.5 });
    expect(parseNumberText('', true)).toEqual({ ok: true, value: undefined });
    expect(parseNumberText('3x', true).ok).toBe(false);
  });
});
