import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { getPreset } from '../presets';
import { staleWeightKeys, withoutStaleWeights } from './stale';

const vec = (n: number) => ({ shape: [n], data: new Array(n).fill(0.5) });

describe('stale weights', () => {
  const trained = () => {
    const doc = getPreset('lenet5');
    const prims = analyze(doc).primitives.nodes;
    for (const n of doc.nodes) {
      const specs = prims.find((p) => p.id === n.id)?.weights ?? [];
      if (specs.length) n.weights = Object.fromEntries(specs.map((w) => [w.name, { shape: w.shape, data: new Array(w.shape.reduce((x, y) => x * y, 1)).fill(0.1) }]));
    }
    return doc;
  };

  it('a trained document has none; the same object comes back', () => {
    const doc = trained();
    expect(staleWeightKeys(doc, analyze(doc)).size).toBe(0);
    expect(withoutStaleWeights(doc, analyze(doc))).toBe(doc);
  });

  it('fewer filters in C3: C3 loses kernel and bias, C5 its kernel (its input changed); the rest keep theirs', () => {
    const doc = trained();
    const c3 = doc.nodes.find((n) => n.id === 'c3_conv_5_5')!;
    c3.params = { ...c3.params, filters: 8 };
    const analysis = analyze(doc);
    expect(Object.fromEntries(staleWeightKeys(doc, analysis))).toEqual({ c3_conv_5_5: ['kernel', 'bias'], c5_conv_5_5: ['kernel'] });
    const fixed = withoutStaleWeights(doc, analysis);
    expect(fixed.nodes.find((n) => n.id === 'c3_conv_5_5')!.weights).toBeUndefined();
    expect(Object.keys(fixed.nodes.find((n) => n.id === 'c5_conv_5_5')!.weights!)).toEqual(['bias']);
    expect(fixed.nodes.find((n) => n.id === 'c1_conv_5_5')!.weights).toEqual(doc.nodes.find((n) => n.id === 'c1_conv_5_5')!.weights);
    expect(staleWeightKeys(fixed, analyze(fixed)).size).toBe(0);
  });

  it('composite keys ("bn1.mean") are judged too; a node the analysis cannot shape is left alone', () => {
    const doc = getPreset('resnet18');
    const unit = doc.nodes.find((n) => n.type === 'ResidualUnit')!;
    unit.weights = { 'bn1.mean': vec(3) };
    expect(staleWeightKeys(doc, analyze(doc)).get(unit.id)).toEqual(['bn1.mean']);
  });
});
