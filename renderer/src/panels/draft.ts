/**
 * A text field's draft. What is typed stays in the field and is applied to the document only when the
 * user commits — Enter, or leaving the field — so a half-typed value ("4" on the way from 84 to 48)
 * never reaches the model or starts a run; Escape puts the applied value back.
 */
import { useState, type ChangeEvent, type KeyboardEvent } from 'react';

/** undefined: the field shows the applied value; a string: the user's uncommitted text. */
export type Draft = string | undefined;

/** What committing `draft` does: apply it (when it differs), and what the field shows next. */
export function commitDraft(draft: Draft, applied: string, accept: (text: string) => boolean): { apply: boolean; next: Draft } {
  if (draft === undefined || draft === applied) return { apply: false, next: undefined };
  return accept(draft) ? { apply: true, next: undefined } : { apply: false, next: draft };
}

export interface DraftField {
  /** Props for the <input>. */
  props: {
    value: string;
    onChange(e: ChangeEvent<HTMLInputElement>): void;
    onBlur(): void;
    onKeyDown(e: KeyboardEvent<HTMLInputElement>): void;
  };
  /** True while the field holds text that is not applied yet. */
  pending: boolean;
}

export interface DraftOptions {
  /** Whether the text can be applied (an unparseable number cannot); it stays in the field on Enter, and is dropped on blur. */
  accept?(text: string): boolean;
  /** Apply the committed text to the document. */
  apply(text: string): void;
  /** Every keystroke (to show a parse error while typing, never to apply). */
  onType?(text: string): void;
  /** The draft was dropped (Escape, or an unacceptable value on blur). */
  onRevert?(): void;
}

/** The draft of a field whose applied value is `applied`: commit on Enter or blur, revert on Escape. */
export function useDraftField(applied: string, options: DraftOptions): DraftField {
  const [draft, setDraft] = useState<Draft>(undefined);
  const accept = options.accept ?? (() => true);
  const commit = (onRejected: 'keep' | 'revert') => {
    const r = commitDraft(draft, applied, accept);
    if (r.apply) options.apply(draft!);
    if (r.next !== undefined && onRejected === 'revert') {
      setDraft(undefined);
      options.onRevert?.();
    } else setDraft(r.next);
  };
  return {
    pending: draft !== undefined && draft !== applied,
    props: {
      value: draft ?? applied,
      onChange(e) {
        setDraft(e.target.value);
        options.onType?.(e.target.value);
      },
      onBlur: () => commit('revert'),
      onKeyDown(e) {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit('keep');
        } else if (e.key === 'Escape' && draft !== undefined) {
          e.preventDefault();
          e.stopPropagation();
          setDraft(undefined);
          options.onRevert?.();
        }
      },
    },
  };
}
