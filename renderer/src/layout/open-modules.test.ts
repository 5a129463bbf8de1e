import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { docPositionFor, pushedPositions, type LayoutBox, type OpenSizes } from './open-modules';

const card = (id: string, x: number, y: number): LayoutBox => ({ id, x, y, width: 190, height: 78 });

/** Two rows of a wrapped chain, as the layout makes them: 70 px between cards and between rows. */
const rows = (): LayoutBox[] => [card('a', 0, 0), card('m', 260, 0), card('b', 520, 0), card('c', 780, 0), card('d', 0, 148), card('e', 260, 148), card('f', 520, 148)];

function overlapping(boxes: { id: string; x: number; y: number; width: number; height: number }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push(`${a.id}/${b.id}`);
    }
  return out;
}

function shownBoxes(boxes: LayoutBox[], open: OpenSizes) {
  const at = pushedPositions(boxes, open);
  return boxes.map((b) => ({ id: b.id, ...at.get(b.id)!, ...(open.get(b.id) ?? { width: b.width, height: b.height }) }));
}

describe('pushedPositions (opened modules as a view)', () => {
  it('changes nothing while no module is open', () => {
    const boxes = rows();
    const at = pushedPositions(boxes, new Map());
    for (const b of boxes) expect(at.get(b.id)).toEqual({ x: b.x, y: b.y });
  });

  it('makes room for an opened module: its row moves right, the rows below move down, the spacing stays 70 px', () => {
    const open = new Map([['m', { width: 500, height: 300 }]]);
    const at = pushedPositions(rows(), open);
    expect(at.get('a')).toEqual({ x: 0, y: 0 });
    expect(at.get('m')).toEqual({ x: 260, y: 0 });
    expect(at.get('b')).toEqual({ x: 260 + 500 + 70, y: 0 });
    expect(at.get('c')).toEqual({ x: 260 + 500 + 70 + 260, y: 0 });
    // The next row starts 70 px below the opened box and stays a row.
    for (const id of ['d', 'e', 'f']) expect(at.get(id)!.y).toBe(300 + 70);
    expect(at.get('d')!.x).toBe(0);
    expect(overlapping(shownBoxes(rows(), open))).toEqual([]);
  });

  it('two modules opened on one row push the next row down once, by the taller', () => {
    const open = new Map([
      ['m', { width: 400, height: 300 }],
      ['c', { width: 400, height: 250 }],
    ]);
    const at = pushedPositions(rows(), open);
    expect(at.get('e')!.y).toBe(300 + 70);
    expect(at.get('c')!.x).toBe(780 + (400 - 190));
    expect(overlapping(shownBoxes(rows(), open))).toEqual([]);
  });

  it('never makes two cards overlap that did not (random layouts, random opened modules)', () => {
    // Cards on a jittered grid never overlap as laid out; any of them may be opened, up to 3× bigger.
    const layout = fc.array(fc.record({ col: fc.nat(5), row: fc.nat(5), dx: fc.nat(40), dy: fc.nat(40), w: fc.integer({ min: 190, max: 600 }), h: fc.integer({ min: 78, max: 400 }), open: fc.boolean() }), { maxLength: 25 });
    fc.assert(
      fc.property(layout, (cells) => {
        const seen = new Set<string>();
        const boxes: LayoutBox[] = [];
        const open = new Map<string, { width: number; height: number }>();
        for (const c of cells) {
          const key = `${c.col},${c.row}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const b = { id: key, x: c.col * 300 + c.dx, y: c.row * 160 + c.dy, width: 190, height: 78 };
          boxes.push(b);
          if (c.open) open.set(key, { width: c.w, height: c.h });
        }
        expect(overlapping(boxes)).toEqual([]);
        expect(overlapping(shownBoxes(boxes, open))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('docPositionFor', () => {
  const open = new Map([['m', { width: 500, height: 300 }]]);

  it('gives back the document position of a card shown where pushedPositions put it', () => {
    const boxes = rows();
    const at = pushedPositions(boxes, open);
    for (const b of boxes) expect(docPositionFor(boxes, open, b, at.get(b.id)!)).toEqual({ x: b.x, y: b.y });
  });

  it('places a card dropped on screen so that it is shown exactly there', () => {
    const boxes = rows();
    const moving = { id: 'new', width: 190, height: 78 };
    for (const view of [{ x: 1200, y: 10 }, { x: 40, y: 900 }, { x: 900, y: 700 }]) {
      const doc = docPositionFor(boxes, open, moving, view);
      expect(pushedPositions([...boxes, { ...moving, ...doc }], open).get('new')).toEqual(view);
    }
  });
});
