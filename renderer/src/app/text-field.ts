/**
 * Edit commands that belong to a focused text field. The desktop Edit menu's Undo / Redo / Select
 * All accelerators reach the editor as AppCommands even while the user types in a field; there they
 * must act on the field's text (its native undo stack), not on the model.
 */
const NOT_TEXT = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image', 'hidden']);

type ElementLike = { tagName: string; isContentEditable?: boolean; type?: string };

/** True for an input that takes text, a textarea or contenteditable content. */
export function isTextField(el: ElementLike | null | undefined): boolean {
  if (!el) return false;
  if (el.isContentEditable || el.tagName === 'TEXTAREA') return true;
  return el.tagName === 'INPUT' && !NOT_TEXT.has((el.type ?? 'text').toLowerCase());
}

export type TextFieldCommand = 'undo' | 'redo' | 'selectAll';

/** Runs the command on the focused text field and returns true; false (nothing done) when focus is elsewhere. */
export function applyInTextField(
  command: TextFieldCommand,
  doc: { activeElement: ElementLike | null; execCommand(command: string): boolean } = document as unknown as { activeElement: ElementLike | null; execCommand(command: string): boolean },
): boolean {
  if (!isTextField(doc.activeElement)) return false;
  doc.execCommand(command);
  return true;
}
