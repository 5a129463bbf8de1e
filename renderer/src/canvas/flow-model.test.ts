import { describe, expect, it } from 'vitest';
import { analyze } from '../../../engine/src/core/graph/analyze';
import { addNode, connect, emptyDocument, setParam } from '../model/edits';
import { buildFlow, FlowCache, type LayerData, type FlowInput } from './flow-model';
import type { ModelDocument } from '../engine';

function skipDoc(): ModelDocument {
  let doc = emptyDocument();
  for (const [t, p] of [['Input', { channels: 3, height: 32, width: 32 }], ['Conv2D', { filters: 8, kernel: 3, padding: 'same' }], ['Add', {}]] as const)
    doc = addNode(doc, t, { x: 0, y: 0 }, { ...p }).doc;
  for (const [s, t, port] of [['input', 'conv2d', 0], ['conv2d', 'add', 0], ['input', 'add', 1]] as const) {
    const r = connect(doc, s, t, port);
    if (!r.ok) throw new Error(r.reason);
    doc = r.doc;
  }
  return doc;
}

const input = (doc: ModelDocument, extra: Partial<FlowInput> = {}): FlowInput => ({
  doc,
  analysis: analyze(doc),
  selectedNodes: new Set(),
  selectedEdges: new Set(),
  openModules: new Set(),
  direction: 'LR',
  dims: new Map(),
  drag: null,
  ...extra,
});

describe('canvas model', () => {
  it('labels edges with shapes, marks the mismatched Add input in red and gives Add a free extra port', () => {
    const { nodes, edges } = buildFlow(input(skipDoc()), new FlowCache());
    const add = nodes.find((n) => n.id === 'add')!.data as LayerData;
    expect(add.inputs).toBe(3);
    expect(add.severity).toBe('error');
    expect(add.problem).toContain('8×32×32 and 3×32×32 differ');
    const byId = Object.fromEntries(edges.map((e) => [e.id, e]));
    expect(byId['conv2d->add']).toMatchObject({ targetHandle: 'in-0', data: { label: '8×32×32' } });
    expect(byId['input->add'].targetHandle).toBe('in-1');
    expect(byId['input->add'].data?.error).toContain('differ');
    expect(byId['input->conv2d'].data?.error).toBeUndefined();
  });

  it('reuses node objects an edit did not change, so only touched cards re-render', () => {
    const cache = new FlowCache();
    const doc = skipDoc();
    const first = buildFlow(input(doc), cache);
    const edited = setParam(doc, 'add', 'unused', 1);
    const second = buildFlow(input(edited), cache);
    expect(second.nodes.find((n) => n.id === 'input')).toBe(first.nodes.find((n) => n.id === 'input'));
    const third = buildFlow(input(setParam(doc, 'conv2d', 'filters', 3)), cache);
    expect(third.nodes.find((n) => n.id === 'conv2d')).not.toBe(first.nodes.find((n) => n.id === 'conv2d'));
    expect(third.nodes.find((n) => n.id === 'input')).toBe(first.nodes.find((n) => n.id === 'input'));
  });

  it('shows an opened residual unit as a box with its primitives inside', () => {
    let doc = emptyDocument();
    doc = addNode(doc, 'Input', { x: 0, y: 0 }, { channels: 64, height: 56, width: 56 }).doc;
    doc = addNode(doc, 'ResidualUnit', { x: 300, y: 0 }, { block: 'bottleneck', filters: 64, stride: 1 }).doc;
    const r = connect(doc, 'input', 'residualunit');
    if (!r.ok) throw new Error(r.reason);
    const a = analyze(r.doc);
    const { nodes, edges } = buildFlow(input(r.doc, { openModules: new Set(['residualunit']) }), new FlowCache());
    const box = nodes.find((n) => n.id === 'residualunit')!;
    expect(box.type).toBe('module');
    const inside = nodes.filter((n) => n.parentId === 'residualunit');
    expect(inside.map((n) => n.id)).toEqual(a.nodes.residualunit.primitives);
    expect(inside.find((n) => n.id === 'residualunit/proj')?.data).toMatchObject({ role: 'shortcut: 1×1 projection', shape: '256×56×56' });
    expect(edges.some((e) => e.source === 'residualunit' && e.sourceHandle === 'inner-src')).toBe(true);
    // Edges are drawn above an opened box…
    expect(edges.find((e) => e.id === 'input->residualunit')?.zIndex).toBe(2);
    // …but below the cards when nothing is open, so clicks on a card under a wrapping edge reach the card.
    const closed = buildFlow(input(r.doc), new FlowCache());
    expect(closed.edges.find((e) => e.id === 'input->residualunit')?.zIndex).toBeUndefined();
  });

  it('makes an opened module taller by the thumbnail slot and puts its primitives below it', () => {
    let doc = emptyDocument();
    doc = addNode(doc, 'Input', { x: 0, y: 0 }, { channels: 64, height: 56, width: 56 }).doc;
    doc = addNode(doc, 'ResidualUnit', { x: 300, y: 0 }, { block: 'bottleneck', filters: 64, stride: 1 }).doc;
    const r = connect(doc, 'input', 'residualunit');
    if (!r.ok) throw new Error(r.reason);
    const open = { openModules: new Set(['residualunit']) };
    const plain = buildFlow(input(r.doc, open), new FlowCache()).nodes;
    const thumbs = buildFlow({ ...input(r.doc, open), cardExtraHeight: 68 }, new FlowCache()).nodes;
    const box = (ns: typeof plain) => ns.find((n) => n.id === 'residualunit')!;
    expect(box(thumbs).height).toBe(box(plain).height! + 68);
    const conv1 = (ns: typeof plain) => ns.find((n) => n.id === 'residualunit/conv1')!.position;
    expect(conv1(thumbs)).toEqual({ x: conv1(plain).x, y: conv1(plain).y + 68 });
  });
});

describe('canvas model arrays', () => {
  it('keeps the same edge array when only a node changed', () => {
    const cache = new FlowCache();
    const doc = skipDoc();
    const a = buildFlow(input(doc), cache);
    const b = buildFlow(input(doc, { selectedNodes: new Set(['input']) }), cache);
    expect(b.edges).toBe(a.edges);
    expect(b.nodes).not.toBe(a.nodes);
  });
});
