import { describe, expect, it } from 'vitest';
import { getPreset, type ModelDocument } from '../engine';
import { describeDesignChange, describeValueChange, diffDesigns, diffRuns, flatten, formatValue, isSameSetup, sameParams, valueChanges } from './runs-diff';
import { fakeRun, lenet, withParams } from './runs-fixtures';

const designText = (a: ModelDocument, b: ModelDocument) => diffDesigns(a, b).map(describeDesignChange);

describe('diffDesigns', () => {
  it('names the layer and the parameter that changed (LeNet-5, C3 16 → 8 filters)', () => {
    const a = lenet();
    const b = withParams(a, 'c3_conv_5_5', { filters: 8 });
    expect(diffDesigns(a, b)).toEqual([{ kind: 'params', id: 'c3_conv_5_5', name: 'C3 conv 5×5', type: 'Conv2D', changes: [{ key: 'filters', from: 16, to: 8 }] }]);
    expect(designText(a, b)).toEqual(['C3 conv 5×5: filters 16 → 8']);
    expect(designText(a, a)).toEqual([]);
  });

  it('answers "does the 1×1 reduction cost accuracy?": GoogLeNet inception 3a with another reduction', () => {
    const a = getPreset('googlenet');
    expect(designText(a, withParams(a, 'inception_3a', { c3x3reduce: 32 }))).toEqual(['inception 3a: c3x3reduce 96 → 32']);
    // Not a valid Inception (channels must be positive), still reported as given.
    expect(designText(a, withParams(a, 'inception_3a', { c3x3reduce: 0 }))).toEqual(['inception 3a: c3x3reduce 96 → 0']);
    // Several parameters of one module: one line.
    expect(designText(a, withParams(a, 'inception_3b', { c3x3reduce: 64, c5x5reduce: 16 }))).toEqual(['inception 3b: c3x3reduce 128 → 64, c5x5reduce 32 → 16']);
  });

  it("compares params with the op's defaults filled in, whatever the key order", () => {
    const a = lenet();
    const b = withParams(a, 'c1_conv_5_5', { stride: 1, padding: 'valid', bias: true });
    expect(designText(a, b)).toEqual([]);
    expect(sameParams('Conv2D', { filters: 6, kernel: 5 }, { kernel: 5, filters: 6, stride: 1 })).toBe(true);
    expect(sameParams('Conv2D', { filters: 6, kernel: 5 }, { filters: 6, kernel: 5, stride: 2 })).toBe(false);
    expect(designText(a, withParams(a, 'c1_conv_5_5', { padding: 'same' }))).toEqual(['C1 conv 5×5: padding valid → same']);
    // Only one side parses: compared as given, so no default shows up as a change.
    expect(designText(a, withParams(a, 'c1_conv_5_5', { filters: -1 }))).toEqual(['C1 conv 5×5: filters 6 → -1']);
  });

  it('lists a layer inserted into a chain once, without the connections it reroutes', () => {
    const a = lenet();
    const b: ModelDocument = {
      ...a,
      nodes: [...a.nodes, { id: 'bn1', type: 'BatchNorm', params: {}, label: 'C1 batch norm' }],
      edges: [...a.edges.filter((e) => !(e.source === 'c1_conv_5_5' && e.target === 'c1_tanh')), { id: 'x1', source: 'c1_conv_5_5', target: 'bn1' }, { id: 'x2', source: 'bn1', target: 'c1_tanh' }],
    };
    expect(designText(a, b)).toEqual(['added C1 batch norm (batch norm) after C1 conv 5×5']);
    expect(designText(b, a)).toEqual(['removed C1 batch norm (batch norm), was after C1 conv 5×5']);
  });

  it('reports a layer whose type changed, and connections rewired between shared layers', () => {
    const a = lenet();
    const replaced: ModelDocument = { ...a, nodes: a.nodes.map((n) => (n.id === 'c1_tanh' ? { ...n, type: 'Dropout', params: {} } : n)) };
    expect(designText(a, replaced)).toEqual(['C1 tanh: Activation → Dropout']);
    // A shortcut: S2's output also feeds S4 directly (skipping C3 and its tanh).
    const rewired: ModelDocument = { ...a, edges: [...a.edges, { id: 'skip', source: 's2_avg_pool', target: 's4_avg_pool' }] };
    expect(designText(a, rewired)).toEqual(['connected S2 avg pool → S4 avg pool']);
    expect(designText(rewired, a)).toEqual(['disconnected S2 avg pool → S4 avg pool']);
  });

  it('removing a layer with a changed neighbour gives one line each, in the order of the newer design', () => {
    const a = lenet();
    const noF6: ModelDocument = {
      ...withParams(a, 'output_dense', { units: 2 }),
      nodes: withParams(a, 'output_dense', { units: 2 }).nodes.filter((n) => n.id !== 'f6_dense' && n.id !== 'f6_tanh'),
      edges: [...a.edges.filter((e) => !['f6_dense', 'f6_tanh'].includes(e.source) && !['f6_dense', 'f6_tanh'].includes(e.target)), { id: 'f', source: 'flatten', target: 'output_dense' }],
    };
    expect(designText(a, noF6)).toEqual(['output dense: units 10 → 2', 'removed F6 dense (dense 84), was after flatten', 'removed F6 tanh (tanh), was after F6 dense']);
  });
});

describe('settings and data', () => {
  it('lists the training settings that differ, by the names the Train tab uses', () => {
    const design = lenet();
    const a = fakeRun(design);
    const b = fakeRun(design, { settings: { lr: 0.01, optimizer: { kind: 'sgd', momentum: 0.9 }, testSplit: 0, augment: { flip: true }, maxStepsPerEpoch: 50 } });
    const d = diffRuns(a, b);
    expect(d.design).toEqual([]);
    expect(d.settings.map(describeValueChange)).toEqual([
      'learning rate 0.001 → 0.01',
      'optimizer adam → sgd',
      'momentum 0 → 0.9',
      'random flip off → on',
      'test split 20% → 0%',
      'steps per epoch (limit) — → 50',
    ]);
    expect(d.dataset).toEqual([]);
    expect(isSameSetup(d)).toBe(false);
  });

  it('lists differences in the data, and nothing for a repeat of the same setup', () => {
    const design = lenet();
    const a = fakeRun(design);
    expect(isSameSetup(diffRuns(a, fakeRun(design, { id: 'run-2', name: 'again' })))).toBe(true);
    const other = fakeRun(design, { dataset: { name: 'digits', trainSamples: 800 } });
    expect(diffRuns(a, other).dataset.map(describeValueChange)).toEqual(['dataset mnist → digits', 'training images 48,000 → 800']);
  });

  it('flattens nested values and formats them briefly', () => {
    expect([...flatten({ a: 1, b: { c: true, d: { e: 'x' } }, f: [1, 2], g: undefined })]).toEqual([
      ['a', 1],
      ['b.c', true],
      ['b.d.e', 'x'],
      ['f', [1, 2]],
    ]);
    expect(valueChanges({ a: 1, k: [1, 2] }, { k: [1, 2], a: 1, z: null })).toEqual([{ key: 'z', from: undefined, to: null }]);
    expect([formatValue(1e-3), formatValue(0.1 + 0.2), formatValue(false), formatValue([3, 3]), formatValue(undefined), formatValue(null)]).toEqual(['0.001', '0.3', 'off', '[3, 3]', '—', 'none']);
  });
});
