/**
 * Browser mode's shell.copyText: the async Clipboard API, and where it is refused (no permission,
 * page not focused, an insecure origin) the old way — a hidden textarea, select, execCommand('copy').
 */
import { HostError } from '../../../main/contract';

type ClipboardWindow = Pick<Window, 'document'> & { navigator: { clipboard?: Pick<Clipboard, 'writeText'> } };

export async function copyTextInPage(text: string, win: ClipboardWindow): Promise<void> {
  let reason = 'the Clipboard API is not available';
  if (win.navigator.clipboard?.writeText) {
    try {
      await win.navigator.clipboard.writeText(text);
      return;
    } catch (e) {
      reason = (e as Error)?.message || String(e);
    }
  }
  const doc = win.document;
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '-1000px';
  area.style.opacity = '0';
  const previous = doc.activeElement as HTMLElement | null;
  doc.body.appendChild(area);
  let copied = false;
  try {
    area.select();
    copied = doc.execCommand('copy');
  } finally {
    area.remove();
    previous?.focus?.();
  }
  if (!copied) throw new HostError({ code: 'unsupported', message: `The browser did not allow copying to the clipboard (${reason}). Select the text and copy it by hand.` });
}
