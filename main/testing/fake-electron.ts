/**
 * A stand-in for the `electron` module, enough to run the bundled main process (dist/main/main.cjs)
 * under plain Node: records windows, IPC handlers, protocol handlers, menus, dialogs and messages.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

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
  /** What the next Save dialogs answer (a path), or undefined: cancelled. */
  saveDialogAnswer?: string;
  /** What the next Open dialogs answer (a path), or undefined: cancelled. */
  openDialogAnswer?: string;
  openedExternal: string[];
  /** Module paths given to utilityProcess.fork. */
  utilityForks: string[];
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
    utilityForks: [],
  };
  fake.module = {
    app: Object.assign(app, {
      requestSingleInstanceLock: () => true,
      getPath: (name: string) => (name === 'userData' ? userData : `/tmp/${name}`),
      getLocale: () => 'en-US',
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
      showOpenDialog: async (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'open', options }), fake.openDialogAnswer ? { canceled: false, filePaths: [fake.openDialogAnswer] } : { canceled: true, filePaths: [] }),
      showSaveDialog: async (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'save', options }), fake.saveDialogAnswer ? { canceled: false, filePath: fake.saveDialogAnswer } : { canceled: true }),
      showMessageBox: async (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'message', options }), { response: 1 }),
      showMessageBoxSync: (_w: unknown, options: unknown) => (fake.dialogs.push({ kind: 'message-sync', options }), fake.messageBoxAnswer),
    },
    nativeTheme: { themeSource: 'system' },
    shell: { openExternal: async (url: string) => void fake.openedExternal.push(url) },
    utilityProcess: fakeUtilityProcess(fake.utilityForks),
  };
  return fake;
}

const FAKE_PARENT_PORT = fileURLToPath(new URL('./fake-parent-port.cjs', import.meta.url));

export interface FakeUtilityProcess extends EventEmitter {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
}

/**
 * Electron's `utilityProcess`, played by a Node child process that gets a stand-in
 * `process.parentPort` (fake-parent-port.cjs): 'spawn', 'message' and 'exit' (code only, as
 * Electron reports it) events, pid, postMessage (structured clone), kill (SIGTERM).
 */
export function fakeUtilityProcess(forks: string[] = []) {
  return {
    fork(modulePath: string, args: string[] = [], options: { execArgv?: string[] } = {}): FakeUtilityProcess {
      forks.push(modulePath);
      const child = fork(modulePath, args, { serialization: 'advanced', execArgv: [...(options.execArgv ?? []), '--require', FAKE_PARENT_PORT] });
      const proc = Object.assign(new EventEmitter(), {
        get pid() {
          return child.pid;
        },
        postMessage: (message: unknown) => void (child.connected && child.send(message as object)),
        kill: () => child.kill('SIGTERM'),
      });
      child.on('spawn', () => proc.emit('spawn'));
      child.on('message', (m) => proc.emit('message', m));
      child.on('exit', (code, signal) => proc.emit('exit', code ?? 128 + (signal ? constants.signals[signal] : 0)));
      return proc;
    },
  };
}
