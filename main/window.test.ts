import { describe, expect, it } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import { createMainWindow, isAppUrl, isSafeExternalUrl, secureWebPreferences, windowTitle, APP_INDEX_URL } from './window';

/** A stand-in for Electron's BrowserWindow that records what the factory does to it. */
class FakeWindow {
  static last: FakeWindow;
  readonly handlers = new Map<string, ((...a: unknown[]) => void)[]>();
  readonly loaded: string[] = [];
  openHandler?: (d: { url: string }) => { action: string };
  readonly perm: { request?: Function; check?: Function; device?: Function } = {};
  readonly webContents = {
    on: (event: string, fn: (...a: unknown[]) => void) => {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    },
    setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => {
      this.openHandler = fn;
    },
    session: {
      setPermissionRequestHandler: (fn: Function) => (this.perm.request = fn),
      setPermissionCheckHandler: (fn: Function) => (this.perm.check = fn),
      setDevicePermissionHandler: (fn: Function) => (this.perm.device = fn),
    },
  };
  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeWindow.last = this;
  }
  once() {}
  show() {}
  async loadURL(url: string) {
    this.loaded.push(url);
  }
  /** Fire a webContents event the way Electron does; returns whether it was prevented. */
  fire(event: string, url?: string): boolean {
    let prevented = false;
    const e = { preventDefault: () => void (prevented = true) };
    for (const fn of this.handlers.get(event) ?? []) fn(e, url);
    return prevented;
  }
}

function make() {
  const opened: string[] = [];
  createMainWindow(
    { BrowserWindow: FakeWindow as never, shell: { openExternal: async (url: string) => void opened.push(url) } },
    { preloadPath: '/app/dist/main/preload.cjs' },
  );
  return { win: FakeWindow.last, opened };
}

describe('window factory', () => {
  it('creates the window with exactly the secure webPreferences', () => {
    const { win } = make();
    expect(win.options.webPreferences).toEqual({
      preload: '/app/dist/main/preload.cjs',
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
      devTools: false,
    });
    expect(win.options.webPreferences).toEqual(secureWebPreferences('/app/dist/main/preload.cjs'));
  });

  it('DevTools only in development builds (issue 22, item 10)', () => {
    expect(secureWebPreferences('/p.cjs').devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs', true).devTools).toBe(true);
  });

  it('loads the app from app://, not file://', () => {
    expect(make().win.loaded).toEqual([APP_INDEX_URL]);
    expect(APP_INDEX_URL).toBe('app://cnn-studio/index.html');
  });

  it('blocks navigation away from the app, and sends safe https links to the system browser', () => {
    const { win, opened } = make();
    expect(win.fire('will-navigate', 'app://cnn-studio/index.html')).toBe(false);
    for (const url of ['https://example.com/x', 'http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'app://other/index.html', 'smb://host/share']) {
      expect(win.fire('will-navigate', url), url).toBe(true);
      expect(win.fire('will-redirect', url), url).toBe(true);
    }
    expect(opened).toEqual(['https://example.com/x', 'https://example.com/x']);
  });

  it('denies window.open always; only https goes to the browser', () => {
    const { win, opened } = make();
    for (const url of ['https://pytorch.org/docs', 'http://insecure.example', 'file:///etc/passwd', 'app://cnn-studio/index.html', 'https://user:pw@example.com', 'not a url']) {
      expect(win.openHandler!({ url }), url).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://pytorch.org/docs']);
  });

  it('refuses webviews', () => {
    expect(make().win.fire('will-attach-webview')).toBe(true);
  });

  it('denies every permission request and check', () => {
    const { win } = make();
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid']) {
      win.perm.request!({}, p, (granted: boolean) => answers.push(granted), {});
      answers.push(win.perm.check!({}, p, 'app://cnn-studio', {}));
    }
    answers.push(win.perm.device!({}));
    expect(answers.length).toBe(15);
    expect(answers.every((a) => a === false)).toBe(true);
  });

  it('classifies URLs', () => {
    expect(isAppUrl('app://cnn-studio/assets/x.js')).toBe(true);
    expect(isAppUrl('app://evil/x')).toBe(false);
    expect(isSafeExternalUrl('https://a.b/c')).toBe(true);
    expect(isSafeExternalUrl('https://')).toBe(false);
    expect(isSafeExternalUrl('HTTPS://A.B')).toBe(true);
    expect(isSafeExternalUrl('https://a.b/' + 'x'.repeat(3000))).toBe(false);
  });

  it('titles the window with the file name and an unsaved mark', () => {
    expect(windowTitle({ title: 'resnet50.cnn.json', dirty: false })).toBe('resnet50.cnn.json — CNN Studio');
    expect(windowTitle({ title: 'resnet50.cnn.json', dirty: true })).toBe('• resnet50.cnn.json — CNN Studio');
    expect(windowTitle({ title: ' ', dirty: true })).toBe('• Untitled — CNN Studio');
  });
});
