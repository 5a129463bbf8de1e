/**
 * A stand-in for the `electron` module, enough to run the bundled main process (dist/main/main.cjs)
 * under plain Node: records windows, IPC handlers, protocol handlers, menus, dialogs and messages.
 */
import { EventEmitter } from 'node:events';

export interface FakeElectron {
  module: Record<string, unknown>;
  app: EventEmitter & { quitCalls: number; ready(): void; readyPromise: Promise<void> };
  windows: FakeBrowserWindow[];
  ipcHandlers: Map<string, (event: unknown, args: unknown) => Promise<unknown>>;
  protocolHandlers: Map<string, (req: { url: string; method: string }) => Promise<Response>>;
  privileged: unknown[];
  menus: unknown[][];
  dialogs: { kind: string; options: unknown }[];
  messageBoxAnswer: number;
  openedExternal: string[];
}

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly mainFrame = { frameToken: 'main-token', processId: 7, routingId: 1, url: 'app://cnn-studio/index.html', parent: null };
  openHandler?: (d: { url: string }) => unknown;
  readonly session = { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} };
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(fn: (d: { url: string }) => unknown) {
    this.openHandler = fn;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  title = '';
  loaded: string[] = [];
  destroyed = false;
  focused = 0;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  static getAllWindows() {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  async loadURL(url: string) {
    this.loaded.push(url);
  }
  show() {}
  focus() {
    this.focused++;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  reload() {}
  isDestroyed() {
    return this.destroyed;
  }
  setTitle(t: string) {
    this.title = t;
  }
  setDocumentEdited() {}
  setRepresentedFilename() {}
  /** Like Electron: emit 'close' with a preventable event; destroy unless prevented. */
  close() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.destroyed = true;
      this.emit('closed');
    }
  }
}

export function createFakeElectron(userData: string): FakeElectron {
  FakeBrowserWindow.all = [];
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    ready: () => ready(),
    readyPromise,
  });
  const fake: FakeElectron = {
    module: {},
    app,
    windows: FakeBrowserWindow.all,
    ipcHandlers: new Map(),
    protocolHandlers: new Map(),
    privileged: [],
    menus: [],
    dialogs: [],
    messageBoxAnswer: 2,
    openedExternal: [],
  };
  fake.module = {
    app: Object.assign(app, {
      requestSingleInstanceLock: () => true,
      getPath: (name: string) => (name === 'userData' ? userData : `/tmp/${name}`),
      whenReady: () => readyPromise,
      quit: () => {
        app.quitCalls++;
      },
    }),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (ch: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => void fake.ipcHandlers.set(ch, fn),
      removeHandler: (ch: string) => void fake.ipcHandlers.delete(ch),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void fake.privileged.push(...s),
      handle: (scheme: string, fn: (req: { url: string; method: string }) => Promise<Response>) => void fake.protocolHandlers.set(scheme, fn),
    },
    Menu: {
      buildFromTemplate: (t: unknown[]) => t,
      setApplicationMenu: (m: unknown[]) => void fake.menus.push(m),
    },
    dialog: {
      showOpenDialog: async (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'open', options }), { canceled: true, filePaths: [] }),
      showSaveDialog: async (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'save', options }), { canceled: true }),
      showMessageBox: async (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'message', options }), { response: 1 }),
      showMessageBoxSync: (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'message-sync', options }), fake.messageBoxAnswer),
    },
    nativeTheme: { themeSource: 'system' },
    shell: { openExternal: async (url: string) => void fake.openedExternal.push(url) },
  };
  return fake;
}
