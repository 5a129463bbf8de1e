/**
 * The renderer's host: `import { host } from './host'`. Desktop (Electron) when the preload put
 * `window.cnnStudio` there; otherwise browser mode, over a WebSocket to the page's own server
 * (with the launch token from the page's address or this tab's sessionStorage).
 */
import type { AppCommand, Host, ShellClient } from '../../../engine/src/core/api';
import type { CnnStudioBridge } from '../../../main/bridge';
import { createDesktopHost } from './preload-client';
import { createWsEngine, createWsTransport, launchToken, sameOriginSocketUrl } from './ws-client';
import { createBrowserFiles } from './browser-files';
import { copyTextInPage } from './web-clipboard';

export { HostError } from '../../../main/contract';
export type { HostErrorCode, HostErrorInfo } from '../../../main/contract';

declare global {
  interface Window {
    cnnStudio?: CnnStudioBridge;
  }
}

/** Browser mode's window "shell": the tab title, and the browser's own leave-page prompt when dirty. */
export function createWebShell(win: Window): ShellClient {
  const listeners = new Set<(c: AppCommand) => void>();
  let dirty = false;
  win.addEventListener('beforeunload', (e) => {
    if (dirty) e.preventDefault();
  });
  return {
    platform: 'web',
    onCommand(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setDocumentState(state) {
      dirty = state.dirty;
      win.document.title = `${state.dirty ? '• ' : ''}${state.title} — CNN Studio`;
    },
    copyText: (text) => copyTextInPage(text, win),
  };
}

export function createWebHost(win: Window): Host {
  const transport = createWsTransport(sameOriginSocketUrl(win.location, launchToken(win)), (url) => new WebSocket(url));
  const engine = createWsEngine(transport);
  // Sidecar weights the user picks go to the server once; the page keeps only their token.
  const weights = { attach: engine.attachWeights!, read: engine.readWeights! };
  return { engine, files: createBrowserFiles({ window: win, weights }), shell: createWebShell(win) };
}

export const host: Host = window.cnnStudio ? createDesktopHost(window.cnnStudio) : createWebHost(window);
