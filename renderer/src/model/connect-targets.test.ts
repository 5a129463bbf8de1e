import { describe, expect, it } from 'vitest';
import { addNode, connect, emptyDocument, setLabel } from './edits';
import { connectTargets } from './connect-targets';
import type { ModelDocument } from '../engine';

/** input → conv2d → pool2d; dense (free); concat fed by input; relu fed by input. */
function graph(): ModelDocument {
  let doc = emptyDocument();
  for (const type of ['Input', 'Conv2D', 'Pool2D', 'Dense', 'Concat', 'Activation']) doc = addNode(doc, type, { x: 0, y: 0 }).doc;
  for (const [s, t] of [['input', 'conv2d'], ['conv2d', 'pool2d'], ['input', 'concat'], ['input', 'activation']]) {
    const r = connect(doc, s, t);
    if (!r.ok) throw new Error(r.reason);
    doc = r.doc;
  }
  return setLabel(doc, 'conv2d', 'C1');
}

describe('"Connect selected to…" lists where an output can go', () => {
  it('not to itself, not to an Input, not where it already goes; a multi-input node takes it as its next input; a fed node says what it replaces', () => {
    const targets = connectTargets(graph(), 'conv2d');
    expect(targets.map((t) => t.id)).toEqual(['dense', 'concat', 'activation']);
    expect(targets.find((t) => t.id === 'dense')).toEqual({ id: 'dense', name: 'Dense', port: 0 });
    expect(targets.find((t) => t.id === 'concat')).toMatchObject({ port: 1, note: 'as input 2' });
    expect(targets.find((t) => t.id === 'activation')?.note).toBe('replaces the edge from Input');
  });

  it('never back up the chain (that would be a loop)', () => {
    const ids = connectTargets(graph(), 'pool2d').map((t) => t.id);
    expect(ids).not.toContain('conv2d');
    expect(ids).not.toContain('input');
    expect(connectTargets(graph(), 'input').map((t) => t.name)).toEqual(['Pool 2D', 'Dense']);
  });
});
