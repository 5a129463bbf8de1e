import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../engine/src/core/presets';
import { chainOrder, layoutDocument } from './elk-layout';
import { addNode, connect, emptyDocument } from '../model/edits';

const size = () => ({ width: 190, height: 78 });

describe('auto-layout', () => {
  it('lays a straight model out in one row, in data order', async () => {
    const doc = getPreset('resnet50');
    const order = chainOrder(doc)!;
    expect(order[0]).toBe(doc.nodes.find((n) => n.type === 'Input')!.id);
    const pos = await layoutDocument(doc, 'LR', size);
    const xs = order.map((id) => pos.get(id)!.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(order.map((id) => pos.get(id)!.y)).size).toBe(1);
  });

  it('uses elk for branching models: every layer after its inputs, no two cards overlapping', async () => {
    let doc = emptyDocument();
    for (const t of ['Input', 'Conv2D', 'Conv2D', 'Concat']) doc = addNode(doc, t, { x: 0, y: 0 }).doc;
    for (const [s, t, p] of [['input', 'conv2d', 0], ['input', 'conv2d_2', 0], ['conv2d', 'concat', 0], ['conv2d_2', 'concat', 1]] as const) {
      const r = connect(doc, s, t, p);
      if (!r.ok) throw new Error(r.reason);
      doc = r.doc;
    }
    expect(chainOrder(doc)).toBeUndefined();
    const pos = await layoutDocument(doc, 'TB', size);
    const y = (id: string) => pos.get(id)!.y;
    expect(y('input')).toBeLessThan(y('conv2d'));
    expect(y('conv2d')).toBeLessThan(y('concat'));
    const a = pos.get('conv2d')!;
    const b = pos.get('conv2d_2')!;
    expect(Math.abs(a.x - b.x) >= 190 || Math.abs(a.y - b.y) >= 78).toBe(true);
  });
});
