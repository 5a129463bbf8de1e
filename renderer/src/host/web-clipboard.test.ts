import { describe, expect, it } from 'vitest';
import { copyTextInPage } from './web-clipboard';
import { HostError } from '../../../main/contract';

/** Just enough of a page for the textarea fallback: records what execCommand('copy') would copy. */
function fakePage(opts: { clipboard?: (t: string) => Promise<void>; execCopies?: boolean }) {
  const copied: string[] = [];
  const body: unknown[] = [];
  let selected = '';
  const focused = { focus: () => void (doc.focusBack = true) };
  const doc = {
    focusBack: false,
    activeElement: focused,
    body: { appendChild: (el: unknown) => void body.push(el) },
    createElement: () => {
      const el = {
        value: '',
        style: {} as Record<string, string>,
        setAttribute: () => undefined,
        select: () => void (selected = el.value),
        remove: () => void body.splice(body.indexOf(el), 1),
      };
      return el;
    },
    execCommand: (cmd: string) => {
      if (cmd !== 'copy' || !opts.execCopies) return false;
      copied.push(selected);
      return true;
    },
  };
  const win = { document: doc, navigator: opts.clipboard ? { clipboard: { writeText: opts.clipboard } } : {} };
  return { win: win as unknown as Parameters<typeof copyTextInPage>[1], copied, body, doc };
}

describe('browser-mode copyText', () => {
  it('uses the Clipboard API when it works', async () => {
    const got: string[] = [];
    const page = fakePage({ clipboard: async (t) => void got.push(t), execCopies: true });
    await copyTextInPage('| a |', page.win);
    expect(got).toEqual(['| a |']);
    expect(page.copied).toEqual([]);
  });

  it('falls back to a selected textarea and execCommand when the Clipboard API is refused, then restores focus', async () => {
    const page = fakePage({ clipboard: async () => { throw new DOMException('Write permission denied.', 'NotAllowedError'); }, execCopies: true });
    await copyTextInPage('a,b\n1,2\n', page.win);
    expect(page.copied).toEqual(['a,b\n1,2\n']);
    expect(page.body).toEqual([]); // the textarea is gone
    expect(page.doc.focusBack).toBe(true);
  });

  it('says why when neither way works', async () => {
    const page = fakePage({ clipboard: async () => { throw new Error('Write permission denied.'); }, execCopies: false });
    const err = (await copyTextInPage('x', page.win).catch((e: unknown) => e)) as HostError;
    expect(err).toBeInstanceOf(HostError);
    expect(err.code).toBe('unsupported');
    expect(err.message).toBe('The browser did not allow copying to the clipboard (Write permission denied.). Select the text and copy it by hand.');
  });
});
