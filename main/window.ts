/**
 * The main window and its security policy. Electron objects come in as parameters (typed against
 * electron.d.ts) so the policy is tested under plain Node with fakes; only main.ts imports electron.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Event, HandlerDetails, Session, Shell, WebContents, WebPreferences, WindowOpenHandlerResponse } from 'electron';

/** The renderer is served from this origin by the app:// protocol handler (main/protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'cnn-studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The webPreferences of every window we create. Tested and audited: change with care. DevTools only
 * in development (`devTools`: main.ts passes !app.isPackaged): an installed app has none.
 */
export function secureWebPreferences(preloadPath: string, devTools = false): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

/** True for URLs of the app itself (app://cnn-studio/...). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Links we hand to the system browser: https only, a real host, no credentials. */
export function isSafeExternalUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !!u.hostname && !u.username && !u.password;
  } catch {
    return false;
  }
}

export type ExternalOpener = Pick<Shell, 'openExternal'>;

/** window.open and target=_blank: never a new Electron window; safe https links go to the browser. */
export function windowOpenHandler(shell: ExternalOpener) {
  return (details: Pick<HandlerDetails, 'url'>): WindowOpenHandlerResponse => {
    if (isSafeExternalUrl(details.url)) void shell.openExternal(details.url).catch(() => undefined);
    return { action: 'deny' };
  };
}

/** will-navigate / will-redirect: stay inside the app; a safe https link opens in the browser instead. */
export function navigationGuard(shell: ExternalOpener) {
  return (event: Pick<Event, 'preventDefault'>, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isSafeExternalUrl(url)) void shell.openExternal(url).catch(() => undefined);
  };
}

type GuardedContents = Pick<WebContents, 'setWindowOpenHandler'> & {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: Event, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Event) => void): unknown;
};

/** Install the navigation, window-open and webview policy on a window's contents. */
export function hardenWebContents(contents: GuardedContents, shell: ExternalOpener): void {
  const guard = navigationGuard(shell);
  contents.on('will-navigate', (event, url) => guard(event, url));
  contents.on('will-redirect', (event, url) => guard(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(windowOpenHandler(shell));
}

/** Deny every permission (camera, notifications, clipboard read, HID, …): the editor needs none. */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export interface MainWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  shell: ExternalOpener;
}

export interface MainWindowOptions {
  preloadPath: string;
  iconPath?: string;
  width?: number;
  height?: number;
  /** Development builds only. */
  devTools?: boolean;
}

export function mainWindowOptions(options: MainWindowOptions): BrowserWindowConstructorOptions {
  return {
    width: options.width ?? 1400,
    height: options.height ?? 900,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'CNN Studio',
    backgroundColor: '#1e1e1e',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences(options.preloadPath, options.devTools ?? false),
  };
}

/** Create the one editor window, hardened, and load the app. */
export function createMainWindow(deps: MainWindowDeps, options: MainWindowOptions): BrowserWindow {
  const win = new deps.BrowserWindow(mainWindowOptions(options));
  denyAllPermissions(win.webContents.session);
  hardenWebContents(win.webContents as unknown as GuardedContents, deps.shell);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_INDEX_URL);
  return win;
}

/** "• resnet50.cnn.json — CNN Studio" (the dot marks unsaved changes). */
export function windowTitle(state: { title: string; dirty: boolean }): string {
  const name = state.title.trim() || 'Untitled';
  return `${state.dirty ? '• ' : ''}${name} — CNN Studio`;
}
