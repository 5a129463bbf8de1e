import { describe, expect, it } from 'vitest';
import { classOutput, parseClassNames, setClassLabels } from './class-labels';
import { analyze } from '../../../engine/src/core/graph/analyze';
import { getPreset } from '../../../engine/src/core/presets';

describe('class labels', () => {
  it('finds the network’s class output: LeNet-5’s softmax with 10 classes', () => {
    const doc = getPreset('lenet5');
    expect(classOutput(doc, analyze(doc))).toEqual({ id: 'softmax', classes: 10 });
  });

  it('ignores a branch that leads nowhere, and a model whose output is a feature map', () => {
    const doc = getPreset('lenet5');
    const rewired = { ...doc, edges: [...doc.edges.filter((e) => e.target !== 'c1_tanh'), { id: 'x', source: 'input', target: 'c1_tanh' }] };
    expect(classOutput(rewired, analyze(rewired))).toEqual({ id: 'softmax', classes: 10 });
    const maps = { ...doc, nodes: doc.nodes.slice(0, 2), edges: doc.edges.slice(0, 1) };
    expect(classOutput(maps, analyze(maps))).toBeUndefined();
  });

  it('reads one name per line, trimmed, without trailing blank lines', () => {
    expect(parseClassNames(' cat \ndog\n\n')).toEqual(['cat', 'dog']);
    expect(parseClassNames('a\n\nc')).toEqual(['a', '', 'c']);
    expect(parseClassNames('  \n ')).toBeUndefined();
  });

  it('sets and removes the document’s labels, returning the same document when nothing changes', () => {
    const doc = getPreset('lenet5');
    const named = setClassLabels(doc, ['zero', 'one']);
    expect(named.labels).toEqual(['zero', 'one']);
    expect(setClassLabels(named, ['zero', 'one'])).toBe(named);
    expect('labels' in setClassLabels(named, undefined)).toBe(false);
  });
});

describe('presets', () => {
  it('LeNet-5 names its ten classes as the digits it reads', () => {
    expect(getPreset('lenet5').labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});
