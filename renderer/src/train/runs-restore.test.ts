import { describe, expect, it } from 'vitest';
import { analyze, type ModelDocument } from '../engine';
import { LAYER_CARD } from '../layout/sizes';
import { overlapsOf, type Box } from '../layout/overlap';
import { restoreDesign } from './runs-restore';
import { diffDesigns } from './runs-diff';
import { fakeRun, lenet, withParams } from './runs-fixtures';

const OPTS = { direction: 'LR' as const, card: LAYER_CARD };
const W = { shape: [1], data: [0.5] };

/** LeNet-5 laid out in a row, with inline weights on its convolutions and dense layers. */
function laidOut(doc: ModelDocument = lenet()): ModelDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: i * 260, y: 0 }, ...(n.type === 'Conv2D' || n.type === 'Dense' ? { weights: { kernel: W } } : {}) })),
  };
}

const byId = (doc: ModelDocument, id: string) => doc.nodes.find((n) => n.id === id)!;

describe('restoreDesign', () => {
  it('brings back changed params as one document; positions stay; weights stay only where they still fit', () => {
    const trained = fakeRun(lenet()); // C3 had 16 filters
    const current = laidOut(withParams(lenet(), 'c3_conv_5_5', { filters: 8 }));
    const r = restoreDesign(current, trained.design, OPTS);
    expect(byId(r.doc, 'c3_conv_5_5').params).toEqual({ filters: 16, kernel: 5 });
    expect(r.doc.nodes.map((n) => n.position)).toEqual(current.nodes.map((n) => n.position));
    // C3 changed; C5 reads C3's output, so its kernel no longer fits; the rest keep theirs.
    expect(r.weightsDropped.sort()).toEqual(['c3_conv_5_5', 'c5_conv_5_5']);
    expect(byId(r.doc, 'c1_conv_5_5').weights).toEqual({ kernel: W });
    expect(byId(r.doc, 'f6_dense').weights).toEqual({ kernel: W });
    expect(r.doc.edges.map((e) => e.id)).toEqual(current.edges.map((e) => e.id));
    expect(r.added).toEqual([]);
    expect(r.removed).toEqual([]);
    expect(diffDesigns(r.doc, trained.design)).toEqual([]);
    expect(analyze(r.doc).valid).toBe(true);
  });

  it('changes nothing when the model already has the design', () => {
    const current = laidOut();
    expect(restoreDesign(current, fakeRun(lenet()).design, OPTS).doc).toBe(current);
  });

  it('puts back a removed layer next to its input without covering another card, and drops layers the run did not have', () => {
    const full = lenet();
    const withBn: ModelDocument = {
      ...full,
      nodes: [...full.nodes, { id: 'bn1', type: 'BatchNorm', params: {}, label: 'C1 batch norm' }],
      edges: [...full.edges.filter((e) => !(e.source === 'c1_conv_5_5' && e.target === 'c1_tanh')), { id: 'a', source: 'c1_conv_5_5', target: 'bn1' }, { id: 'b', source: 'bn1', target: 'c1_tanh' }],
    };
    // The run had the batch norm; the current model has lost it and gained a dropout before the output.
    const run = fakeRun(withBn);
    const current = laidOut({
      ...full,
      nodes: [...full.nodes, { id: 'drop', type: 'Dropout', params: {} }],
      edges: [...full.edges.filter((e) => e.target !== 'output_dense'), { id: 'x', source: 'f6_tanh', target: 'drop' }, { id: 'y', source: 'drop', target: 'output_dense' }],
    });
    const r = restoreDesign(current, run.design, OPTS);
    expect(r.added).toEqual(['bn1']);
    expect(r.removed).toEqual(['drop']);
    expect(diffDesigns(r.doc, run.design)).toEqual([]);
    const c1 = byId(r.doc, 'c1_conv_5_5').position!;
    const bn = byId(r.doc, 'bn1').position!;
    expect(bn.x).toBe(c1.x + LAYER_CARD.width + 70);
    const boxes = new Map<string, Box>(r.doc.nodes.map((n) => [n.id, { ...n.position!, ...LAYER_CARD }]));
    expect(overlapsOf('bn1', boxes)).toEqual([]);
    expect(r.doc.nodes.every((n) => n.position)).toBe(true);
    // The edge ids of kept connections stay; new ones are unique.
    const ids = r.doc.edges.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('input->c1_conv_5_5');
    expect(analyze(r.doc).valid).toBe(true);
  });

  it('places new layers below the model when none of their neighbours is on the canvas, and starts an empty canvas at the origin', () => {
    const run = fakeRun(lenet());
    const empty: ModelDocument = { ...lenet(), nodes: [], edges: [] };
    const r = restoreDesign(empty, run.design, OPTS);
    expect(r.added).toHaveLength(run.design.nodes.length);
    expect(byId(r.doc, 'input').position).toEqual({ x: 0, y: 0 });
    expect(byId(r.doc, 'c1_conv_5_5').position).toEqual({ x: LAYER_CARD.width + 70, y: 0 });
    // Only F6 is on the canvas (at the origin): the input has no placed neighbour, so it goes beside the model.
    const stray = laidOut({ ...lenet(), nodes: lenet().nodes.filter((n) => n.id === 'f6_dense'), edges: [] });
    const s = restoreDesign(stray, run.design, { direction: 'TB', card: LAYER_CARD });
    expect(byId(s.doc, 'input').position).toEqual({ x: LAYER_CARD.width + 70, y: 0 });
    expect(byId(s.doc, 'c1_conv_5_5').position).toEqual({ x: LAYER_CARD.width + 70, y: LAYER_CARD.height + 70 });
  });
});
