import { describe, expect, it } from 'vitest';
import { afterPosition, placeFree } from './placing';
import { addNode, copyFragment, emptyDocument, pasteFragment } from '../model/edits';
import { PLACEMENT_MARGIN } from '../layout/placement';

const CARD = { width: 190, height: 146 };

function row() {
  let doc = emptyDocument();
  doc = addNode(doc, 'Input', { x: 0, y: 0 }).doc;
  doc = addNode(doc, 'Conv2D', { x: 260, y: 0 }).doc;
  doc = addNode(doc, 'Dense', { x: 520, y: 0 }).doc;
  return doc;
}

describe('placeFree', () => {
  it('moves a pasted group beside what it was copied from, keeping its arrangement', () => {
    const doc = row();
    const pasted = pasteFragment(doc, copyFragment(doc, ['input', 'conv2d']), { x: 40, y: 40 });
    const placed = placeFree(pasted.doc, pasted.ids, CARD);
    const at = Object.fromEntries(placed.nodes.map((n) => [n.id, n.position!]));
    // The copy keeps its 260 px spacing and clears the row below by the margin.
    expect(at.conv2d_2.x - at.input_2.x).toBe(260);
    expect(at.input_2.y).toBe(CARD.height + PLACEMENT_MARGIN);
    expect(at.input_2.x).toBe(40);
  });

  it('leaves a node alone where it is free, and returns the same document', () => {
    const doc = addNode(row(), 'Softmax', { x: 780, y: 0 }).doc;
    expect(placeFree(doc, ['softmax'], CARD)).toBe(doc);
  });
});

describe('afterPosition', () => {
  it('is one layer further along the layout direction', () => {
    expect(afterPosition({ x: 520, y: 0 }, CARD, 'LR')).toEqual({ x: 520 + 190 + 70, y: 0 });
    expect(afterPosition({ x: 0, y: 100 }, CARD, 'TB')).toEqual({ x: 0, y: 100 + 146 + 70 });
  });
});
