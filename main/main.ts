/**
 * The Electron main process — thin wiring only; the logic lives in the modules it imports, each
 * tested under Node: window.ts (window + security policy), protocol.ts (app://), ipc.ts + router.ts
 * (the typed contract), file-service.ts (atomic saves, recent, recovery), menu.ts, close-guard.ts.
 * Bundled by scripts/build.mjs to dist/main/main.cjs.
 */
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeTheme, protocol, shell, utilityProcess, type WebContents } from 'electron';
import path from 'node:path';
import type { AppCommand, EngineEvent, FileClient } from '../engine/src/core/api';
import { PRESETS } from '../engine/src/core/presets';
import { EngineHost } from '../engine/src/runtime/engine-host';
import type { EngineService } from './engine-service';
import { IPC_APP_COMMAND, IPC_ENGINE_EVENT } from './channels';
import { CLOSE_DIALOG_BUTTONS, CloseGuard, closeDialogOptions } from './close-guard';
import { FileService, MODEL_FILTERS } from './file-service';
import { isTrustedFrame, registerIpc, type FrameLike } from './ipc';
import { modelPathFromArgv } from './launch-args';
import { buildMenuTemplate, DOCUMENTATION_URL } from './menu';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './protocol';
import { createRouter } from './router';
import { createMainWindow, hardenWebContents, windowTitle } from './window';
import { utilityProcessChannel } from './utility-process-channel';

// Layout of the build: dist/main/{main,preload}.cjs, dist/renderer/, dist/engine/worker.cjs.
const distDir = path.resolve(__dirname, '..');
const rendererDir = path.join(distDir, 'renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');
// The worker runs from inside app.asar, under its integrity check (a utility process reads the archive as
// main does); only onnxruntime's native binaries are unpacked beside it (see electron-builder.yml).
const workerPath = path.join(distDir, 'engine', 'worker.cjs');
const iconPath = path.join(distDir, '..', 'assets', 'icons', '512x512.png');

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  runApp();
}

function runApp() {
  let win: BrowserWindow | null = null;
  let rendererReady = false;
  let theme: 'system' | 'light' | 'dark' = 'system';
  let docTitle = 'Untitled';
  const pendingCommands: AppCommand[] = [];
  const guard = new CloseGuard();

  // The engine runs in a utility process: an onnxruntime crash (native abort, out of memory) ends
  // that process, not this one — the host restarts it and the editor stays up.
  const engineHost = new EngineHost({ workerPath, mnistDir: path.join(path.dirname(workerPath), 'mnist'), isolation: 'process', spawnChannel: (spawn) => utilityProcessChannel(utilityProcess, spawn) });
  const engine: EngineService = engineHost;
  const fileService = new FileService({
    dataDir: app.getPath('userData'),
    // Sidecar weights read on open (and made by imports) are held here, where the engine finds them by token.
    weights: engineHost.weights,
    dialogs: {
      showOpen: async (filters) => {
        const r = await dialog.showOpenDialog(win!, { title: filters ? 'Import' : 'Open Model', properties: ['openFile'], filters: filters ?? MODEL_FILTERS });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      showOpenFolder: async () => {
        const r = await dialog.showOpenDialog(win!, { title: 'Open Image Folder (one subfolder per class)', properties: ['openDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      showSave: async (suggestedName, filters) => {
        const r = await dialog.showSaveDialog(win!, { title: 'Save', defaultPath: suggestedName, filters, properties: ['showOverwriteConfirmation', 'createDirectory'] });
        return r.canceled ? null : (r.filePath ?? null);
      },
    },
  });

  const send = (command: AppCommand) => {
    if (command.type === 'theme') {
      theme = command.theme;
      nativeTheme.themeSource = theme;
      refreshMenu();
    }
    if (!win || !rendererReady) pendingCommands.push(command);
    else win.webContents.send(IPC_APP_COMMAND, command);
  };

  const refreshMenu = () => {
    void fileService.recent().then((recent) => {
      const template = buildMenuTemplate(
        {
          platform: process.platform,
          recent,
          presets: PRESETS.map((p) => ({ name: p.name, title: p.title })),
          theme,
          devTools: !app.isPackaged,
          // The system's language, as the editor's default; the editor's own switch does not reach the native menu.
          language: app.getLocale().toLowerCase().startsWith('ko') ? 'ko' : 'en',
        },
        { send, openDocumentation: () => void shell.openExternal(DOCUMENTATION_URL) },
      );
      Menu.setApplicationMenu(Menu.buildFromTemplate(template));
    });
  };

  /** A model file from the OS (argv, second instance, macOS open-file): allow it, ask the editor to open it. */
  const openFromOs = (file: string | null) => {
    if (!file) return;
    fileService.grant(file);
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    send({ type: 'open', path: path.resolve(file) });
  };

  // The FileClient the router uses: the service, plus menu refresh and close-guard bookkeeping.
  const files: FileClient = {
    open: async (p) => {
      const r = await fileService.open(p);
      refreshMenu();
      return r;
    },
    save: async (text, p, suggestedName, weightsToken) => {
      try {
        const r = await fileService.save(text, p, suggestedName, weightsToken);
        guard.onSaveFinished(r !== null);
        refreshMenu();
        return r;
      } catch (e) {
        guard.onSaveFinished(false);
        throw e;
      }
    },
    openBinary: (filters) => fileService.openBinary(filters),
    exportBinary: (bytes, name, filters) => fileService.exportBinary(bytes, name, filters),
    recent: () => fileService.recent(),
    writeRecovery: (text) => fileService.writeRecovery(text),
    readRecovery: () => fileService.readRecovery(),
    clearRecovery: () => fileService.clearRecovery(),
    chooseDataFolder: () => fileService.chooseDataFolder(),
  };

  const router = createRouter<FrameLike | null>({
    engine,
    files,
    clipboard,
    shell: {
      setDocumentState: (state) => {
        docTitle = state.title;
        if (win) {
          win.setTitle(windowTitle(state));
          if (process.platform === 'darwin') {
            win.setDocumentEdited(state.dirty);
            if (state.path) win.setRepresentedFilename(state.path);
          }
        }
        if (guard.onDocumentState(state.dirty) === 'close') win?.close();
      },
    },
    dataFolderAllowed: (p) => fileService.isChosenFolder(p),
    senderIsTrusted: (frame) => !!win && !win.isDestroyed() && isTrustedFrame(frame, win.webContents.mainFrame),
  });

  const offerRecovery = async (contents: WebContents) => {
    const snapshot = await fileService.readRecovery();
    if (!snapshot || !win) return;
    const when = new Date(snapshot.savedAt).toLocaleString();
    const { response } = await dialog.showMessageBox(win, {
      type: 'question',
      buttons: ['Restore', 'Discard'],
      defaultId: 0,
      cancelId: 1,
      noLink: true,
      message: 'CNN Studio closed without saving your last changes.',
      detail: `A recovery copy from ${when} was found. Restore it?`,
    });
    if (response === 0) contents.send(IPC_APP_COMMAND, { type: 'restore-recovery' } satisfies AppCommand);
    else await fileService.clearRecovery();
  };

  const createWindow = () => {
    rendererReady = false;
    win = createMainWindow({ BrowserWindow, shell }, { preloadPath, iconPath, devTools: !app.isPackaged });
    const contents = win.webContents;
    contents.on('did-finish-load', () => {
      rendererReady = true;
      for (const c of pendingCommands.splice(0)) contents.send(IPC_APP_COMMAND, c);
      void offerRecovery(contents);
    });
    contents.on('render-process-gone', (_e, details) => {
      // The document lives in the renderer; its recovery snapshot survives on disk. Reload and offer it.
      if (details.reason !== 'clean-exit' && win && !win.isDestroyed()) win.reload();
    });
    win.on('close', (event) => {
      if (guard.onCloseRequested() === 'close') return;
      event.preventDefault();
      const choice = CLOSE_DIALOG_BUTTONS[dialog.showMessageBoxSync(win!, closeDialogOptions(docTitle))] ?? 'cancel';
      const next = guard.onChoice(choice);
      if (next === 'save') send({ type: 'save' });
      else if (next === 'close') void fileService.clearRecovery().finally(() => win?.close());
    });
    win.on('closed', () => {
      win = null;
    });
  };

  // Every web contents (including any a future feature creates): no webviews, no new windows,
  // no navigation away from app:// — the same policy as the main window.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));

  app.on('second-instance', (_event, argv, cwd) => {
    if (!win) createWindow();
    openFromOs(modelPathFromArgv(argv, cwd));
    win?.focus();
  });

  // macOS: Finder "Open With" and dropping on the dock icon (may come before ready).
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openFromOs(file);
  });

  app.whenReady().then(async () => {
    registerAppProtocol(protocol, rendererDir);
    registerIpc(ipcMain, router);
    engine.onEvent((e: EngineEvent) => {
      if (win && !win.isDestroyed()) win.webContents.send(IPC_ENGINE_EVENT, e);
    });
    void engine.start().catch((e: unknown) => {
      // The editor still works without live inference; the failure reaches it as an event.
      const reason = `The inference engine did not start: ${(e as Error)?.message ?? e}`;
      if (win && !win.isDestroyed()) win.webContents.send(IPC_ENGINE_EVENT, { type: 'worker-restarted', reason } satisfies EngineEvent);
    });
    refreshMenu();
    createWindow();
    openFromOs(modelPathFromArgv(process.argv, process.cwd()));
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let engineStopped = false;
  app.on('will-quit', (event) => {
    if (engineStopped) return;
    event.preventDefault();
    engineStopped = true;
    void engine.stop().finally(() => app.quit());
  });
}
