import { describe, expect, it } from 'vitest';
import { analyze } from '../../../engine/src/core/graph/analyze';
import { getPreset } from '../../../engine/src/core/presets';
import { layoutModule } from './module-layout';
import { LAYER_CARD, layerCardSize, MODULE_PAD } from './sizes';
import { primitivesOf } from '../canvas/flow-model';

describe('inside of an opened module', () => {
  it('puts the four inception branches side by side and no two primitives on the same spot', () => {
    const doc = getPreset('googlenet');
    const a = analyze(doc);
    const id = doc.nodes.find((n) => n.type === 'Inception')!.id;
    const prims = primitivesOf(a, id);
    const inside = layoutModule(prims, 'LR', 190);
    const spots = new Set([...inside.positions.values()].map((p) => `${p.x},${p.y}`));
    expect(spots.size).toBe(prims.length);
    // Four primitives read the module input (the four branches).
    expect(inside.edges.filter((e) => e.from === undefined)).toHaveLength(4);
    expect(inside.output).toBe(`${id}/concat`);
    for (const p of inside.positions.values()) {
      expect(p.x).toBeLessThan(inside.width);
      expect(p.y).toBeLessThan(inside.height);
    }
  });
});

describe('lanes inside a module', () => {
  it('keeps each inception branch in one row and the residual shortcut in its own', () => {
    const g = getPreset('googlenet');
    const a = analyze(g);
    const inc = g.nodes.find((n) => n.type === 'Inception')!.id;
    const inside = layoutModule(primitivesOf(a, inc), 'LR', 190);
    const y = (local: string) => inside.positions.get(`${inc}/${local}`)!.y;
    expect(new Set([y('b2_reduce'), y('b2_reduce_relu'), y('b2_conv'), y('b2_relu')]).size).toBe(1);
    expect(new Set([y('b4_pool'), y('b4_proj'), y('b4_relu')]).size).toBe(1);
    expect(y('b4_pool')).not.toBe(y('b2_conv'));
    const r = getPreset('resnet50');
    const ra = analyze(r);
    const unit = r.nodes.find((n) => n.type === 'ResidualUnit')!.id;
    const ri = layoutModule(primitivesOf(ra, unit), 'TB', 190);
    const x = (local: string) => ri.positions.get(`${unit}/${local}`)!.x;
    expect(x('proj')).toBe(x('proj_bn'));
    expect(x('proj')).not.toBe(x('conv1'));
  });
});

describe('room for the thumbnail slot', () => {
  it('starts the primitives below a module header that shows a thumbnail, and grows the box by that much', () => {
    const doc = getPreset('googlenet');
    const a = analyze(doc);
    const id = doc.nodes.find((n) => n.type === 'Inception')!.id;
    const prims = primitivesOf(a, id);
    for (const dir of ['LR', 'TB'] as const) {
      const plain = layoutModule(prims, dir, 190);
      const withThumb = layoutModule(prims, dir, 190, 68);
      expect(Math.min(...[...plain.positions.values()].map((p) => p.y))).toBe(MODULE_PAD.top);
      expect(Math.min(...[...withThumb.positions.values()].map((p) => p.y))).toBe(MODULE_PAD.top + 68);
      expect(withThumb.height).toBe(plain.height + 68);
      expect(withThumb.width).toBe(plain.width);
      for (const [pid, p] of plain.positions) expect(withThumb.positions.get(pid)).toEqual({ x: p.x, y: p.y + 68 });
    }
  });

  it('estimates closed cards with the thumbnail height added', () => {
    expect(layerCardSize()).toEqual(LAYER_CARD);
    expect(layerCardSize(68)).toEqual({ width: LAYER_CARD.width, height: LAYER_CARD.height + 68 });
  });
});
