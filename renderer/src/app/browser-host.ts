/**
 * A Host for when the renderer runs without a host transport (a plain static server): files through
 * the browser (file picker, downloads), recovery in localStorage, no engine — live inference needs
 * the engine host (browser mode's WebSocket or the desktop app). Replaced by renderer/src/host when present.
 */
import type { AppCommand, EngineClient, FileClient, Host, ShellClient } from '../engine';

const noEngine = () => Promise.reject({ code: 'internal', message: 'The CNN engine is not connected: start the editor with `npm run web` or the desktop app to run models.' });

const engine: EngineClient = {
  run: noEngine,
  cancel: () => Promise.resolve(),
  fetchTensor: noEngine,
  exportOnnx: noEngine,
  exportPyTorch: noEngine,
  importOnnx: noEngine,
  onEvent: () => () => {},
};

function pickFile(accept: string): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve(input.files?.[0] ?? null);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve(null);
      input.remove();
    });
    document.body.append(input);
    input.click();
  });
}

function download(data: BlobPart, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const RECOVERY_KEY = 'cnn-studio.recovery';

const files: FileClient = {
  async open() {
    const file = await pickFile('.json,application/json');
    if (!file) return null;
    return { path: file.name, text: await file.text() };
  },
  async save(text, path, suggestedName) {
    const name = (path ?? suggestedName ?? 'model.cnn.json').split(/[\\/]/).pop()!;
    download(text, name, 'application/json');
    return { path: name };
  },
  async exportBinary(bytes, suggestedName) {
    download(bytes as Uint8Array<ArrayBuffer>, suggestedName, 'application/octet-stream');
    return { path: suggestedName };
  },
  recent: async () => [],
  async writeRecovery(text) {
    localStorage.setItem(RECOVERY_KEY, JSON.stringify({ text, savedAt: Date.now() }));
  },
  async readRecovery() {
    const raw = localStorage.getItem(RECOVERY_KEY);
    return raw ? (JSON.parse(raw) as { text: string; savedAt: number }) : null;
  },
  async clearRecovery() {
    localStorage.removeItem(RECOVERY_KEY);
  },
};

const shell: ShellClient = {
  platform: 'web',
  onCommand: (_listener: (c: AppCommand) => void) => () => {},
  setDocumentState(state) {
    document.title = `${state.dirty ? '• ' : ''}${state.title} — CNN Studio`;
  },
};

export const browserHost: Host = { engine, files, shell };
