import { describe, expect, it } from 'vitest';
import { deadEnds } from './dead-ends';
import { analyze } from './analyze';
import { getPreset, PRESETS } from '../presets';
import type { ModelDocument } from '../document/schema';

/** LeNet-5 after dragging the input's output onto C1 tanh: the new edge replaces C1 conv → C1 tanh. */
function lenetRewired(): ModelDocument {
  const doc = getPreset('lenet5');
  const edges = doc.edges.filter((e) => e.target !== 'c1_tanh');
  return { ...doc, edges: [...edges, { id: 'input->c1_tanh', source: 'input', target: 'c1_tanh' }] };
}

describe('deadEnds', () => {
  it('names the node left hanging when a new edge replaced its way on, and the network output it is not', () => {
    expect(deadEnds(lenetRewired())).toEqual([{ id: 'c1_conv_5_5', output: 'softmax' }]);
  });

  it('finds none in a graph with one end, in any preset, or for a node with no edges at all', () => {
    for (const p of PRESETS) expect(deadEnds(getPreset(p.name))).toEqual([]);
    const doc = getPreset('lenet5');
    expect(deadEnds({ ...doc, nodes: [...doc.nodes, { id: 'lonely', type: 'Dense', params: { units: 3 } }] })).toEqual([]);
  });

  it('takes the end with the most of the graph upstream as the output, whatever the document order', () => {
    const doc = lenetRewired();
    const reversed = { ...doc, nodes: [...doc.nodes].reverse(), edges: [...doc.edges].reverse() };
    expect(deadEnds(reversed)).toEqual([{ id: 'c1_conv_5_5', output: 'softmax' }]);
  });
});

describe('analyze: dead-end warnings', () => {
  it('warns on the hanging node (the Problems tab lists it), and the network still analyses', () => {
    const a = analyze(lenetRewired());
    const d = a.diagnostics.filter((x) => x.code === 'dead-end');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'warning', nodeId: 'c1_conv_5_5' });
    expect(d[0].message).toBe('Conv 2D "c1_conv_5_5" leads nowhere: nothing reads its output (the network ends at "softmax") — connect it to the next layer, or delete it.');
    expect(a.nodes.softmax.outputShape).toBeDefined();
  });
});
