/**
 * FileClient for browser mode, with the browser's own file APIs (the server never touches the
 * user's files):
 *  - Open (and openBinary, for ONNX import): showOpenFilePicker where available (Chromium), else an <input type=file>.
 *  - Save: back to the same file handle when the file came from a picker (Chromium writes to a
 *    swap file and commits on close, so a failed write leaves the original intact); else
 *    showSaveFilePicker; else a download.
 *  - Recent: files opened or saved through a picker in this tab (their handles cannot outlive it).
 *  - Recovery: localStorage, debounced here (~1 s after the last call), so the editor may call
 *    writeRecovery after every edit — the same contract as the desktop file service.
 */
import type { FileClient } from '../../../engine/src/core/api';
import { parseDocument } from '../../../engine/src/core/document/load';
import { HostError, MAX_OPEN_BYTES } from '../../../main/contract';

const RECOVERY_KEY = 'cnn-studio:recovery';
export const RECOVERY_DEBOUNCE_MS = 1000;
const MODEL_TYPES = [{ description: 'CNN Studio model', accept: { 'application/json': ['.json'] } }];

// The File System Access API is not in TypeScript's DOM library yet.
interface WritableLike {
  write(data: Blob | BufferSource | string): Promise<void>;
  close(): Promise<void>;
  abort?(): Promise<void>;
}
interface FileHandleLike {
  readonly name: string;
  getFile(): Promise<File>;
  createWritable(): Promise<WritableLike>;
}
interface PickerWindow {
  showOpenFilePicker?(options: { types?: unknown[]; multiple?: boolean }): Promise<FileHandleLike[]>;
  showSaveFilePicker?(options: { suggestedName?: string; types?: unknown[] }): Promise<FileHandleLike>;
}

export interface BrowserFilesOptions {
  window?: Window & PickerWindow;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Injected for tests; defaults to setTimeout. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

const isAbort = (e: unknown) => (e as { name?: string })?.name === 'AbortError';

/** The same size cap as the desktop file service. */
function checkSize(file: File): void {
  if (file.size > MAX_OPEN_BYTES) {
    throw new HostError({ code: 'too-large', message: `${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MB; CNN Studio opens model files up to ${MAX_OPEN_BYTES / 2 ** 20} MB.` });
  }
}

async function readModelFile(file: File): Promise<string> {
  checkSize(file);
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    throw new HostError({ code: 'unreadable', message: `Could not read ${file.name}: ${(e as Error).message}` });
  }
  const loaded = parseDocument(text);
  if (!loaded.ok) throw new HostError({ code: 'not-a-model', message: `${file.name} is not a CNN Studio model. ${loaded.error.message}` });
  return text;
}

async function readBinaryFile(file: File): Promise<Uint8Array> {
  checkSize(file);
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new HostError({ code: 'unreadable', message: `Could not read ${file.name}: ${(e as Error).message}` });
  }
}

export function createBrowserFiles(options: BrowserFilesOptions = {}): FileClient {
  const win = options.window ?? (window as Window & PickerWindow);
  const storage = options.storage ?? win.localStorage;
  const schedule = options.schedule ?? ((fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  });
  const handles = new Map<string, FileHandleLike>(); // name → handle, most recent last
  let cancelPending: (() => void) | null = null;
  let pendingWrite: (() => void) | null = null;
  // Leaving the page (reload, close, crash-free navigation) writes a waiting snapshot at once.
  win.addEventListener?.('pagehide', () => pendingWrite?.());

  const remember = (h: FileHandleLike) => {
    handles.delete(h.name);
    handles.set(h.name, h);
  };

  const pickWithInput = (accept = '.json,application/json') =>
    new Promise<File | null>((resolve) => {
      const input = win.document.createElement('input');
      input.type = 'file';
      input.accept = accept;
      input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true });
      input.addEventListener('cancel', () => resolve(null), { once: true });
      input.click();
    });

  const download = (data: BlobPart, name: string, type: string) => {
    const url = URL.createObjectURL(new Blob([data], { type }));
    const a = win.document.createElement('a');
    a.href = url;
    a.download = name;
    a.rel = 'noopener';
    win.document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  const writeTo = async (handle: FileHandleLike, data: Blob | BufferSource | string) => {
    let w: WritableLike;
    try {
      w = await handle.createWritable();
      await w.write(data);
      await w.close();
    } catch (e) {
      if (isAbort(e)) return false;
      throw new HostError({ code: 'write-failed', message: `Could not save ${handle.name}: ${(e as Error).message}. The original file is unchanged.` });
    }
    remember(handle);
    return true;
  };

  const saveBlob = async (data: string | Uint8Array, type: string, suggestedName: string, path?: string): Promise<{ path: string } | null> => {
    const body = typeof data === 'string' ? data : new Blob([data as Uint8Array<ArrayBuffer>], { type });
    const known = path ? handles.get(path) : undefined;
    if (known) return (await writeTo(known, body)) ? { path: known.name } : null;
    if (win.showSaveFilePicker) {
      let handle: FileHandleLike;
      try {
        handle = await win.showSaveFilePicker({ suggestedName, types: type === 'application/json' ? MODEL_TYPES : undefined });
      } catch (e) {
        if (isAbort(e)) return null;
        throw new HostError({ code: 'write-failed', message: `Could not choose where to save: ${(e as Error).message}` });
      }
      return (await writeTo(handle, body)) ? { path: handle.name } : null;
    }
    download(body, suggestedName, type);
    return { path: suggestedName };
  };

  return {
    async open(path) {
      const known = path ? handles.get(path) : undefined;
      if (path && !known) throw new HostError({ code: 'path-not-allowed', message: `${path} can only be reopened through Open in browser mode.` });
      let file: File | null;
      let handle: FileHandleLike | undefined = known;
      if (known) file = await known.getFile();
      else if (win.showOpenFilePicker) {
        try {
          [handle] = await win.showOpenFilePicker({ types: MODEL_TYPES, multiple: false });
        } catch (e) {
          if (isAbort(e)) return null;
          throw new HostError({ code: 'unreadable', message: `Could not open the file picker: ${(e as Error).message}` });
        }
        file = handle ? await handle.getFile() : null;
      } else file = await pickWithInput();
      if (!file) return null;
      const text = await readModelFile(file);
      if (handle) remember(handle);
      return { path: file.name, text };
    },
    async openBinary(filters) {
      const extensions = filters.flatMap((f) => f.extensions).filter((x) => x !== '*');
      let file: File | null;
      if (win.showOpenFilePicker) {
        const types = filters
          .map((f) => ({ description: f.name, accept: { 'application/octet-stream': f.extensions.filter((x) => x !== '*').map((x) => `.${x}`) } }))
          .filter((t) => t.accept['application/octet-stream'].length > 0);
        try {
          const [handle] = await win.showOpenFilePicker({ types, multiple: false });
          file = handle ? await handle.getFile() : null;
        } catch (e) {
          if (isAbort(e)) return null;
          throw new HostError({ code: 'unreadable', message: `Could not open the file picker: ${(e as Error).message}` });
        }
      } else file = await pickWithInput(extensions.map((x) => `.${x}`).join(','));
      if (!file) return null;
      return { path: file.name, bytes: await readBinaryFile(file) };
    },
    save: (text, path, suggestedName) => saveBlob(text, 'application/json', suggestedName ?? path ?? 'model.cnn.json', path),
    exportBinary: (bytes, suggestedName) => saveBlob(bytes, 'application/octet-stream', suggestedName),
    recent: async () => [...handles.keys()].reverse(),
    async writeRecovery(text) {
      cancelPending?.();
      const write = () => {
        cancelPending?.();
        cancelPending = null;
        pendingWrite = null;
        try {
          storage.setItem(RECOVERY_KEY, JSON.stringify({ text, savedAt: Date.now() }));
        } catch (e) {
          console.warn(`CNN Studio: recovery snapshot not stored (${(e as Error).message}).`);
        }
      };
      pendingWrite = write;
      cancelPending = schedule(write, RECOVERY_DEBOUNCE_MS);
    },
    async readRecovery() {
      const raw = storage.getItem(RECOVERY_KEY);
      if (!raw) return null;
      try {
        const v = JSON.parse(raw) as { text?: unknown; savedAt?: unknown };
        return typeof v.text === 'string' && typeof v.savedAt === 'number' ? { text: v.text, savedAt: v.savedAt } : null;
      } catch {
        return null;
      }
    },
    async clearRecovery() {
      cancelPending?.();
      cancelPending = null;
      pendingWrite = null;
      storage.removeItem(RECOVERY_KEY);
    },
  };
}
