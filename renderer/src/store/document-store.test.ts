import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../engine/src/core/presets';
import { analyze } from '../../../engine/src/core/graph/analyze';
import { setParam } from '../model/edits';
import { useDocumentStore } from './document-store';

describe('document store', () => {
  it('an edit that makes carried weights unfit drops them in the same undo step (C3 16 → 8 filters: C3 and C5 kernels)', () => {
    const doc = getPreset('lenet5');
    const prims = analyze(doc).primitives.nodes;
    for (const n of doc.nodes) {
      const specs = prims.find((p) => p.id === n.id)?.weights ?? [];
      if (specs.length) n.weights = Object.fromEntries(specs.map((w) => [w.name, { shape: w.shape, data: new Array(w.shape.reduce((x, y) => x * y, 1)).fill(0.1) }]));
    }
    const store = useDocumentStore.getState();
    store.load(doc);
    store.edit('filters', (d) => setParam(d, 'c3_conv_5_5', 'filters', 8));
    const after = useDocumentStore.getState().doc;
    expect(after.nodes.find((n) => n.id === 'c3_conv_5_5')!.weights).toBeUndefined();
    expect(Object.keys(after.nodes.find((n) => n.id === 'c5_conv_5_5')!.weights!)).toEqual(['bias']);
    expect(after.nodes.find((n) => n.id === 'f6_dense')!.weights).toEqual(doc.nodes.find((n) => n.id === 'f6_dense')!.weights);
    useDocumentStore.getState().undo();
    expect(useDocumentStore.getState().doc).toBe(doc);
  });
});
