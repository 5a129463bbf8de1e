import { beforeEach, describe, expect, it } from 'vitest';
import { useDocumentStore, selectDirty } from './document-store';
import { analysisOf } from './analysis';
import { addNode, emptyDocument, setParam, setPositions } from '../model/edits';

const s = () => useDocumentStore.getState();

describe('document store', () => {
  beforeEach(() => s().load(emptyDocument()));

  it('undoes and redoes every edit, and knows when it is back at the saved state', () => {
    expect(selectDirty(s())).toBe(false);
    s().edit('add', (d) => addNode(d, 'Input', { x: 0, y: 0 }).doc);
    s().edit('add', (d) => addNode(d, 'Conv2D', { x: 0, y: 0 }).doc);
    expect(s().doc.nodes).toHaveLength(2);
    expect(selectDirty(s())).toBe(true);
    s().undo();
    expect(s().doc.nodes).toHaveLength(1);
    s().undo();
    expect(s().doc.nodes).toHaveLength(0);
    expect(selectDirty(s())).toBe(false);
    expect(s().undo()).toBe(false);
    s().redo();
    s().redo();
    expect(s().doc.nodes.map((n) => n.id)).toEqual(['input', 'conv2d']);
    s().edit('again', (d) => addNode(d, 'Dense', { x: 0, y: 0 }).doc);
    expect(s().redo()).toBe(false); // a new edit drops the redo branch
  });

  it('merges edits with the same coalescing key into one undo step; no-op edits leave no step', () => {
    s().edit('add', (d) => addNode(d, 'Conv2D', { x: 0, y: 0 }).doc);
    for (const f of [1, 12, 123]) s().edit('filters', (d) => setParam(d, 'conv2d', 'filters', f), { coalesce: 'param:conv2d:filters:0' });
    expect(s().past).toHaveLength(2);
    expect(s().edit('same', (d) => setParam(d, 'conv2d', 'filters', 123))).toBe(false);
    s().undo();
    expect(s().doc.nodes[0].params.filters).toBe(16);
  });

  it('marks saved and loads with a fresh history', () => {
    s().edit('add', (d) => addNode(d, 'Input', { x: 0, y: 0 }).doc);
    s().markSaved('/tmp/a.json');
    expect(selectDirty(s())).toBe(false);
    expect(s().path).toBe('/tmp/a.json');
    const id = s().docId;
    s().load(emptyDocument('b'));
    expect(s().past).toHaveLength(0);
    expect(s().docId).toBe(id + 1);
    expect(s().path).toBeUndefined();
  });

  it('reuses the analysis when only positions change', () => {
    const doc = addNode(addNode(emptyDocument(), 'Input', { x: 0, y: 0 }).doc, 'Conv2D', { x: 0, y: 0 }).doc;
    const a = analysisOf(doc);
    expect(analysisOf(setPositions(doc, new Map([['conv2d', { x: 9, y: 9 }]])))).toBe(a);
    expect(analysisOf(setParam(doc, 'conv2d', 'filters', 3))).not.toBe(a);
  });
});
