import { describe, expect, it } from 'vitest';
import { analyze } from '../../../engine/src/core/graph/analyze';
import { getPreset } from '../../../engine/src/core/presets';
import { addNode, connect, copyFragment, emptyDocument, pasteFragment, removeElements, setParam, setPositions } from './edits';
import { incomingOrdered } from './ports';
import { applyQuickFix, projectionParams, strideFor } from './quick-fix';
import type { ModelDocument } from '../engine';

function chain(...types: [string, Record<string, unknown>?][]): ModelDocument {
  let doc = emptyDocument();
  const ids: string[] = [];
  types.forEach(([type, params], i) => {
    const r = addNode(doc, type, { x: i * 200, y: 0 }, params);
    doc = r.doc;
    ids.push(r.id);
  });
  for (let i = 1; i < ids.length; i++) {
    const r = connect(doc, ids[i - 1], ids[i]);
    if (!r.ok) throw new Error(r.reason);
    doc = r.doc;
  }
  return doc;
}

describe('document edits', () => {
  it('adds nodes with readable unique ids and the op example params', () => {
    let doc = emptyDocument();
    doc = addNode(doc, 'Conv2D', { x: 10.4, y: 20.6 }).doc;
    const r = addNode(doc, 'Conv2D', { x: 0, y: 0 });
    expect(r.id).toBe('conv2d_2');
    expect(r.doc.nodes[0]).toMatchObject({ id: 'conv2d', type: 'Conv2D', params: { filters: 16, kernel: 3 }, position: { x: 10, y: 21 } });
    expect(doc.nodes).toHaveLength(1); // never mutates
  });

  it('connects a single-input node by replacing its input; refuses loops into itself and into Input', () => {
    let doc = chain(['Input'], ['Conv2D']);
    doc = addNode(doc, 'Input', { x: 0, y: 0 }).doc;
    const r = connect(doc, 'input_2', 'conv2d');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(incomingOrdered(r.doc, 'conv2d').map((e) => e.source)).toEqual(['input_2']);
    // The edge it replaced is reported, so the editor can say so (and offer undo).
    expect(r.replaced.map((e) => e.source)).toEqual(['input']);
    expect(connect(doc, 'conv2d', 'conv2d').ok).toBe(false);
    expect(connect(doc, 'conv2d', 'input').ok).toBe(false);
  });

  it('refuses an edge that would close a loop, and says which way data already flows', () => {
    const doc = chain(['Input'], ['Conv2D'], ['Activation'], ['Add']);
    const loop = connect(doc, 'add', 'conv2d');
    expect(loop).toEqual({ ok: false, reason: 'Conv 2D “conv2d” already feeds Add (skip connection) “add”, so this edge would make a loop — data must flow one way.' });
    // Named as their cards name them: by label when they have one.
    const labelled = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'conv2d' ? { ...n, label: 'C1 conv' } : n)) };
    expect(connect(labelled, 'add', 'conv2d')).toMatchObject({ reason: expect.stringMatching(/^“C1 conv” already feeds Add \(skip connection\) “add”/) });
    expect(connect(doc, 'activation', 'conv2d').ok).toBe(false);
    // A skip connection forward is fine.
    expect(connect(doc, 'conv2d', 'add', 1).ok).toBe(true);
  });

  it('inserts inputs of Concat at the port they were dropped on, keeping ports 0…n−1', () => {
    let doc = emptyDocument();
    for (const t of ['Input', 'Conv2D', 'Conv2D', 'Conv2D', 'Concat']) doc = addNode(doc, t, { x: 0, y: 0 }).doc;
    const step = (s: string, port: number) => {
      const r = connect(doc, s, 'concat', port);
      if (!r.ok) throw new Error(r.reason);
      doc = r.doc;
    };
    step('conv2d', 0);
    step('conv2d_2', 1);
    step('conv2d_3', 0);
    const ins = incomingOrdered(doc, 'concat');
    expect(ins.map((e) => e.source)).toEqual(['conv2d_3', 'conv2d', 'conv2d_2']);
    expect(ins.map((e) => e.targetPort)).toEqual([0, 1, 2]);
    doc = removeElements(doc, ['conv2d']);
    expect(incomingOrdered(doc, 'concat').map((e) => [e.source, e.targetPort])).toEqual([
      ['conv2d_3', 0],
      ['conv2d_2', 1],
    ]);
  });

  it('stores parameter values as given (no clamping) and removes them to restore the default', () => {
    const doc = chain(['Input'], ['Conv2D']);
    const bad = setParam(doc, 'conv2d', 'kernel', 0);
    expect(bad.nodes[1].params.kernel).toBe(0);
    expect(analyze(bad).diagnostics.some((d) => d.code === 'invalid-param' && d.nodeId === 'conv2d')).toBe(true);
    expect(setParam(bad, 'conv2d', 'kernel', 0)).toBe(bad);
    expect('stride' in setParam(setParam(doc, 'conv2d', 'stride', 2), 'conv2d', 'stride', undefined).nodes[1].params).toBe(false);
  });

  it('moves nodes without touching params (so the analysis can be reused)', () => {
    const doc = chain(['Input'], ['Conv2D']);
    const moved = setPositions(doc, new Map([['conv2d', { x: 5, y: 6 }]]));
    expect(moved.nodes[1].position).toEqual({ x: 5, y: 6 });
    expect(moved.nodes[1].params).toBe(doc.nodes[1].params);
    expect(moved.edges).toBe(doc.edges);
  });

  it('pastes copies with fresh ids and their internal edges', () => {
    const doc = chain(['Input'], ['Conv2D'], ['Activation']);
    const frag = copyFragment(doc, ['conv2d', 'activation']);
    expect(frag.edges).toHaveLength(1);
    const r = pasteFragment(doc, frag, { x: 40, y: 40 });
    expect(r.ids).toEqual(['conv2d_2', 'activation_2']);
    expect(r.doc.edges.at(-1)).toMatchObject({ source: 'conv2d_2', target: 'activation_2' });
    expect(r.doc.nodes.at(-1)!.position).toEqual({ x: 440, y: 40 });
  });
});

describe('quick fixes', () => {
  it('inserts Flatten before a Dense fed a feature map', () => {
    const doc = chain(['Input', { channels: 3, height: 8, width: 8 }], ['Dense', { units: 10 }]);
    const a = analyze(doc);
    const d = a.diagnostics.find((x) => x.code === 'dense-needs-flatten')!;
    const r = applyQuickFix(doc, a, d.fix!);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const after = analyze(r.doc);
    expect(after.valid).toBe(true);
    expect(after.nodes.dense.inputShapes[0]).toEqual([192]);
  });

  it('deletes an edge to a node that is not in the model, and an edge into an Input', () => {
    const base = chain(['Input', { channels: 3, height: 8, width: 8 }], ['Conv2D', { filters: 4, kernel: 3 }]);
    const second = { id: 'input_2', type: 'Input', params: { channels: 3, height: 8, width: 8 } };
    const doc = { ...base, nodes: [...base.nodes, second], edges: [...base.edges, { id: 'ghost', source: 'conv2d', target: 'gone' }, { id: 'back', source: 'input_2', target: 'input' }] };
    const a = analyze(doc);
    for (const [code, edge] of [['dangling-edge', 'ghost'], ['input-has-incoming', 'back']] as const) {
      const d = a.diagnostics.find((x) => x.code === code)!;
      expect(d.fix).toMatchObject({ kind: 'delete-edge', edgeId: edge });
      const r = applyQuickFix(doc, a, d.fix!);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.doc.edges.map((e) => e.id)).toEqual(doc.edges.map((e) => e.id).filter((id) => id !== edge));
      expect(r.nodeId).toBeUndefined();
    }
    const once = applyQuickFix(doc, a, a.diagnostics.find((x) => x.code === 'dangling-edge')!.fix!);
    const twice = once.ok ? applyQuickFix(once.doc, analyze(once.doc), a.diagnostics.find((x) => x.code === 'input-has-incoming')!.fix!) : once;
    expect(twice.ok && analyze(twice.doc).valid).toBe(true);
  });

  it('adds a 1×1 projection with the stride that matches the other input of Add', () => {
    let doc = chain(['Input', { channels: 3, height: 56, width: 56 }], ['Conv2D', { filters: 64, kernel: 3, stride: 2, padding: 1 }], ['Add']);
    const r0 = connect(doc, 'input', 'add', 1);
    if (!r0.ok) throw new Error(r0.reason);
    doc = r0.doc;
    const a = analyze(doc);
    const d = a.diagnostics.find((x) => x.code === 'add-shape-mismatch')!;
    expect(d.fix?.kind).toBe('add-projection');
    const r = applyQuickFix(doc, a, d.fix!);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.doc.nodes.find((n) => n.id === r.nodeId)!.params).toEqual({ filters: 64, kernel: 1, stride: 2, padding: 0 });
    const after = analyze(r.doc);
    expect(after.valid).toBe(true);
    expect(after.nodes.add.outputShape).toEqual([64, 28, 28]);
    // The Add keeps its input order.
    expect(incomingOrdered(r.doc, 'add').map((e) => e.source)).toEqual(['conv2d', r.nodeId]);
  });

  it('finds 1×1 strides as ResNet uses them (56 → 28, 7 → 4 with rounding up), and none for upsampling', () => {
    expect(strideFor(56, 28)).toBe(2);
    expect(strideFor(7, 4)).toBe(2);
    expect(strideFor(28, 56)).toBeUndefined();
    expect(projectionParams([3, 28, 28], [16, 56, 56]).ok).toBe(false);
  });

  it('leaves the analysis of presets valid (sanity: the editor edits real models)', () => {
    const doc = getPreset('resnet18');
    expect(analyze(doc).valid).toBe(true);
  });
});
