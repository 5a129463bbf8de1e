/**
 * FileClient for browser mode, with the browser's own file APIs (the server never touches the
 * user's files):
 *  - Open (and openBinary, for ONNX import): showOpenFilePicker where available (Chromium), else an <input type=file>.
 *  - Save: back to the same file handle when the file came from a picker (Chromium writes to a
 *    swap file and commits on close, so a failed write leaves the original intact); else
 *    showSaveFilePicker; else a download.
 *  - Weights sidecars (docs/weights.md): the page can only read files the user picks, so Open lets
 *    the user pick the model's JSON and its weights file together. The sidecar's bytes go to the
 *    server once (`attachWeights`) and stay there; the editor keeps only the token. Saving a
 *    document whose sidecar is not on disk yet (an import, or Save As) saves the sidecar as well.
 *  - Recent: files opened or saved through a picker in this tab (their handles cannot outlive it).
 *  - Recovery: localStorage, debounced here (~1 s after the last call), so the editor may call
 *    writeRecovery after every edit — the same contract as the desktop file service.
 */
import type { FileClient, SidecarState, WeightsHandle } from '../../../engine/src/core/api';
import { parseDocument } from '../../../engine/src/core/document/load';
import { sidecarNameProblem, sidecarSizeProblem } from '../../../engine/src/core/weights/sidecar';
import { HostError, MAX_OPEN_BYTES } from '../../../main/contract';

const RECOVERY_KEY = 'cnn-studio:recovery';
export const RECOVERY_DEBOUNCE_MS = 1000;
const MODEL_TYPES = [{ description: 'CNN Studio model', accept: { 'application/json': ['.json'] } }];
/** Open accepts a model and, picked with it, its weights file. */
const OPEN_TYPES = [{ description: 'CNN Studio model (and its weights file)', accept: { 'application/json': ['.json'], 'application/octet-stream': ['.bin'] } }];
const OPEN_ACCEPT = '.json,application/json,.bin';

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
  /** The host's weights calls (the engine client's attachWeights / readWeights); without them sidecars are not read. */
  weights?: {
    attach(bytes: Uint8Array, file: string): Promise<WeightsHandle>;
    read(token: string): Promise<Uint8Array>;
  };
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
  /** Model name → the weights file picked with it (reopening through the recent list reads it again). */
  const sidecarFiles = new Map<string, () => Promise<File>>();
  /** Tokens whose bytes are the file the user picked them from (saving back to that model leaves it). */
  const fromDisk = new Map<string, string>(); // token → model name
  let cancelPending: (() => void) | null = null;
  let pendingWrite: (() => void) | null = null;
  // Leaving the page (reload, close, crash-free navigation) writes a waiting snapshot at once.
  win.addEventListener?.('pagehide', () => pendingWrite?.());

  const remember = (h: FileHandleLike) => {
    handles.delete(h.name);
    handles.set(h.name, h);
  };

  const pickManyWithInput = (accept: string, multiple: boolean) =>
    new Promise<File[] | null>((resolve) => {
      const input = win.document.createElement('input');
      input.type = 'file';
      input.accept = accept;
      input.multiple = multiple;
      input.addEventListener('change', () => resolve(input.files?.length ? [...input.files] : null), { once: true });
      input.addEventListener('cancel', () => resolve(null), { once: true });
      input.click();
    });
  const pickWithInput = async (accept = '.json,application/json') => (await pickManyWithInput(accept, false))?.[0] ?? null;

  /** The document's sidecar among the files picked with it, handed to the host — or why not. */
  const loadSidecar = async (modelName: string, text: string, picked: (() => Promise<File>) | undefined): Promise<SidecarState | undefined> => {
    const loaded = parseDocument(text);
    const file = loaded.ok ? loaded.document.weightsFile : undefined;
    if (!loaded.ok || file === undefined || !options.weights) return undefined;
    const missing = (message: string): SidecarState => ({ state: 'missing', file, message });
    const badName = sidecarNameProblem(file);
    if (badName) return missing(badName);
    if (!picked) return missing(`${file} was not opened with ${modelName}. The browser can only read files you pick: choose Open again and select ${modelName} and ${file} together.`);
    let f: File;
    try {
      f = await picked();
    } catch (e) {
      return missing(`Could not read ${file}: ${(e as Error).message}`);
    }
    const short = sidecarSizeProblem(loaded.document, file, f.size);
    if (short) return missing(short);
    if (f.size > MAX_OPEN_BYTES) return missing(`${file} is ${(f.size / 2 ** 20).toFixed(0)} MiB; in browser mode CNN Studio reads weights files up to ${MAX_OPEN_BYTES / 2 ** 20} MiB (the desktop app reads larger ones).`);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await f.arrayBuffer());
    } catch (e) {
      return missing(`Could not read ${file}: ${(e as Error).message}`);
    }
    try {
      const handle = await options.weights.attach(bytes, file);
      fromDisk.set(handle.token, modelName);
      return { state: 'loaded', ...handle };
    } catch (e) {
      return missing(`${file} could not be handed to the engine: ${(e as Error).message}`);
    }
  };

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

  /** Where a save went: `download` (a new file in the downloads folder every time) or a file handle. */
  const saveVia = async (data: string | Uint8Array, type: string, suggestedName: string, path?: string): Promise<{ path: string; download: boolean } | null> => {
    const body = typeof data === 'string' ? data : new Blob([data as Uint8Array<ArrayBuffer>], { type });
    const known = path ? handles.get(path) : undefined;
    if (known) return (await writeTo(known, body)) ? { path: known.name, download: false } : null;
    if (win.showSaveFilePicker) {
      let handle: FileHandleLike;
      try {
        handle = await win.showSaveFilePicker({ suggestedName, types: type === 'application/json' ? MODEL_TYPES : undefined });
      } catch (e) {
        if (isAbort(e)) return null;
        throw new HostError({ code: 'write-failed', message: `Could not choose where to save: ${(e as Error).message}` });
      }
      return (await writeTo(handle, body)) ? { path: handle.name, download: false } : null;
    }
    download(body, suggestedName, type);
    return { path: suggestedName, download: true };
  };
  const saveBlob = async (data: string | Uint8Array, type: string, suggestedName: string, path?: string): Promise<{ path: string; downloaded?: boolean } | null> => {
    const r = await saveVia(data, type, suggestedName, path);
    return r && (r.download ? { path: r.path, downloaded: true } : { path: r.path });
  };

  return {
    async open(path) {
      const known = path ? handles.get(path) : undefined;
      if (path && !known) throw new HostError({ code: 'path-not-allowed', message: `${path} can only be reopened through Open in browser mode.` });
      let file: File | null;
      let handle: FileHandleLike | undefined = known;
      /** The other files picked with the model (its weights file, when the user picked it too). */
      let others: { name: string; get: () => Promise<File> }[] = [];
      if (known) file = await known.getFile();
      else if (win.showOpenFilePicker) {
        let picked: FileHandleLike[];
        try {
          picked = await win.showOpenFilePicker({ types: OPEN_TYPES, multiple: true });
        } catch (e) {
          if (isAbort(e)) return null;
          throw new HostError({ code: 'unreadable', message: `Could not open the file picker: ${(e as Error).message}` });
        }
        handle = picked.find((h) => !/\.bin$/i.test(h.name)) ?? picked[0];
        others = picked.filter((h) => h !== handle).map((h) => ({ name: h.name, get: () => h.getFile() }));
        file = handle ? await handle.getFile() : null;
      } else {
        const picked = await pickManyWithInput(OPEN_ACCEPT, true);
        file = picked?.find((f) => !/\.bin$/i.test(f.name)) ?? picked?.[0] ?? null;
        others = (picked ?? []).filter((f) => f !== file).map((f) => ({ name: f.name, get: async () => f }));
      }
      if (!file) return null;
      const text = await readModelFile(file);
      if (handle) remember(handle);
      const name = file.name;
      const parsed = parseDocument(text);
      const wanted = parsed.ok ? parsed.document.weightsFile : undefined;
      const withIt = others.find((o) => o.name === wanted)?.get ?? (known ? sidecarFiles.get(name) : undefined);
      if (withIt && handle) sidecarFiles.set(name, withIt);
      const weights = await loadSidecar(name, text, withIt);
      return { path: name, text, ...(weights ? { weights } : {}) };
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
    async save(text, path, suggestedName, token) {
      const how = await saveVia(text, 'application/json', suggestedName ?? path ?? 'model.cnn.json', path);
      if (!how) return null;
      const saved: { path: string; downloaded?: boolean } = how.download ? { path: how.path, downloaded: true } : { path: how.path };
      const parsed = parseDocument(text);
      const weightsFile = parsed.ok ? parsed.document.weightsFile : undefined;
      if (weightsFile === undefined || sidecarNameProblem(weightsFile)) return saved;
      if (token === undefined || !options.weights) {
        return { ...saved, warning: `${saved.path} was saved without its weights: ${weightsFile} was not loaded. Keep ${weightsFile} next to it.` };
      }
      // Written back to the file the weights were picked (or last saved) with: that weights file is
      // still beside it. A download lands in the downloads folder: the weights go along every time.
      if (!how.download && fromDisk.get(token) === saved.path) return saved;
      let written: { path: string } | null;
      try {
        written = await saveBlob(await options.weights.read(token), 'application/octet-stream', weightsFile);
      } catch (e) {
        return { ...saved, warning: `${saved.path} was saved, but its weights file ${weightsFile} could not be: ${(e as Error).message}` };
      }
      if (!written) return { ...saved, warning: `${saved.path} was saved, but its weights file ${weightsFile} was not: save again and keep ${weightsFile} next to it.` };
      fromDisk.set(token, saved.path);
      return saved;
    },
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
