import { describe, expect, it } from 'vitest';
import { CLOSE_DIALOG_BUTTONS, CloseGuard, closeDialogOptions } from './close-guard';

describe('close guard', () => {
  it('closes a clean document without asking', () => {
    const g = new CloseGuard();
    expect(g.onCloseRequested()).toBe('close');
    g.onDocumentState(false);
    expect(g.onCloseRequested()).toBe('close');
  });

  it('asks when dirty; Cancel stays, Don\'t Save closes', () => {
    const g = new CloseGuard();
    g.onDocumentState(true);
    expect(g.onCloseRequested()).toBe('ask');
    expect(g.onChoice('cancel')).toBe('stay');
    expect(g.onCloseRequested()).toBe('ask');
    expect(g.onChoice('discard')).toBe('close');
    expect(g.onCloseRequested()).toBe('close');
  });

  it('Save closes once the editor reports the document clean', () => {
    const g = new CloseGuard();
    g.onDocumentState(true);
    expect(g.onChoice('save')).toBe('save');
    g.onSaveFinished(true);
    expect(g.onDocumentState(false)).toBe('close');
    expect(g.onCloseRequested()).toBe('close');
  });

  it('a cancelled or failed save calls the close off', () => {
    const g = new CloseGuard();
    g.onDocumentState(true);
    g.onChoice('save');
    g.onSaveFinished(false);
    expect(g.onDocumentState(true)).toBe('none');
    expect(g.onDocumentState(false)).toBe('none'); // a later, unrelated save does not close the window
    g.onDocumentState(true);
    expect(g.onCloseRequested()).toBe('ask');
  });

  it('maps dialog buttons to choices', () => {
    const o = closeDialogOptions('resnet50.cnn.json');
    expect(o.buttons.map((_, i) => CLOSE_DIALOG_BUTTONS[i])).toEqual(['save', 'discard', 'cancel']);
    expect(CLOSE_DIALOG_BUTTONS[o.cancelId]).toBe('cancel');
    expect(o.message).toContain('resnet50.cnn.json');
  });
});
