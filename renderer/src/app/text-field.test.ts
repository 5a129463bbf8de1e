import { describe, expect, it } from 'vitest';
import { applyInTextField, isTextField } from './text-field';

function page(active: { tagName: string; type?: string; isContentEditable?: boolean } | null) {
  const ran: string[] = [];
  return { doc: { activeElement: active, execCommand: (c: string) => (ran.push(c), true) }, ran };
}

describe('edit commands in a focused text field', () => {
  it.each([
    [{ tagName: 'INPUT', type: 'text' }, true],
    [{ tagName: 'INPUT', type: 'number' }, true],
    [{ tagName: 'INPUT', type: 'search' }, true],
    [{ tagName: 'TEXTAREA' }, true],
    [{ tagName: 'DIV', isContentEditable: true }, true],
    [{ tagName: 'INPUT', type: 'checkbox' }, false],
    [{ tagName: 'INPUT', type: 'range' }, false],
    [{ tagName: 'SELECT' }, false],
    [{ tagName: 'BUTTON' }, false],
    [{ tagName: 'DIV' }, false],
  ])('%o is a text field: %s', (el, expected) => {
    expect(isTextField(el)).toBe(expected);
  });

  it('undo / redo / select all go to the field (its own text history) when one has focus', () => {
    const p = page({ tagName: 'INPUT', type: 'number' });
    expect(applyInTextField('undo', p.doc)).toBe(true);
    expect(applyInTextField('redo', p.doc)).toBe(true);
    expect(applyInTextField('selectAll', p.doc)).toBe(true);
    expect(p.ran).toEqual(['undo', 'redo', 'selectAll']);
  });

  it('does nothing when focus is on the canvas or nowhere, so the model command runs', () => {
    for (const active of [{ tagName: 'DIV' }, { tagName: 'BODY' }, null]) {
      const p = page(active);
      expect(applyInTextField('undo', p.doc)).toBe(false);
      expect(p.ran).toEqual([]);
    }
  });
});
