import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../engine/src/core/presets';
import { chainLineLength, chainOrder, layoutDocument } from './elk-layout';
import { addNode, connect, emptyDocument } from '../model/edits';

const size = () => ({ width: 190, height: 78 });

describe('auto-layout', () => {
  it('lays a straight model out in reading order, wrapped into rows so it fits the screen', async () => {
    const doc = getPreset('resnet50');
    const order = chainOrder(doc)!;
    expect(order[0]).toBe(doc.nodes.find((n) => n.type === 'Input')!.id);
    const pos = await layoutDocument(doc, 'LR', size);
    const perRow = chainLineLength(order.length);
    expect(perRow).toBeGreaterThan(1);
    expect(perRow).toBeLessThan(order.length);
    const rows = new Map<number, string[]>();
    for (const id of order) rows.set(pos.get(id)!.y, [...(rows.get(pos.get(id)!.y) ?? []), id]);
    expect(rows.size).toBe(Math.ceil(order.length / perRow));
    // Rows go down the page; within a row, left to right; together they are the data order.
    const ys = [...rows.keys()];
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect([...rows.values()].flat()).toEqual(order);
    for (const ids of rows.values()) {
      const xs = ids.map((id) => pos.get(id)!.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeGreaterThanOrEqual(size().width);
    }
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(size().height);
    // LeNet-5's 14 layers wrap the same way.
    const lenet = getPreset('lenet5');
    const lpos = await layoutDocument(lenet, 'LR', size);
    expect(new Set(lenet.nodes.map((n) => lpos.get(n.id)!.y)).size).toBe(Math.ceil(lenet.nodes.length / chainLineLength(lenet.nodes.length)));
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
