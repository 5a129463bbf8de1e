import { describe, expect, it } from 'vitest';
import { commitDraft } from './draft';

const isNumber = (t: string) => /^\d+$/.test(t);

describe('a field draft is applied only when committed', () => {
  it('nothing typed, or the applied text typed again: nothing to apply', () => {
    expect(commitDraft(undefined, '84', isNumber)).toEqual({ apply: false, next: undefined });
    expect(commitDraft('84', '84', isNumber)).toEqual({ apply: false, next: undefined });
  });

  it('a new acceptable value is applied and the field follows the document again', () => {
    expect(commitDraft('4', '84', isNumber)).toEqual({ apply: true, next: undefined });
  });

  it('an unacceptable value is not applied and stays in the field (the caller drops it on blur)', () => {
    expect(commitDraft('4x', '84', isNumber)).toEqual({ apply: false, next: '4x' });
  });
});
