import { describe, expect, it } from 'vitest';
import { analyze } from '../../../engine/src/core/graph/analyze';
import { getPreset } from '../../../engine/src/core/presets';
import { layoutModule } from './module-layout';
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
