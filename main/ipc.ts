/**
 * Desktop transport: one ipcMain.handle per contract call, all into the shared router. The sender
 * must be the editor window's own top-level frame showing the app:// origin — never an iframe, a
 * navigated-away page or another window.
 */
import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { CALL_NAMES, ipcChannel } from './channels';
import type { Router } from './router';
import { isAppUrl } from './window';

export type FrameLike = Pick<WebFrameMain, 'frameToken' | 'processId' | 'routingId' | 'url' | 'parent'>;

/** True only for the main frame of the editor window, at an app:// URL. */
export function isTrustedFrame(frame: FrameLike | null | undefined, mainFrame: FrameLike | null | undefined): boolean {
  if (!frame || !mainFrame) return false;
  if (frame.parent !== null) return false;
  const same = frame.frameToken === mainFrame.frameToken && frame.processId === mainFrame.processId && frame.routingId === mainFrame.routingId;
  return same && isAppUrl(frame.url);
}

/** Register every contract call; returns a function that removes the handlers. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, router: Router<FrameLike | null>): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(ipcChannel(name), (event: IpcMainInvokeEvent, args: unknown) => router.handle(name, args, event.senderFrame));
  }
  return () => {
    for (const name of CALL_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}
