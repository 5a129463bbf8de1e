/**
 * The desktop FileClient: native dialogs, atomic saves, recent files and recovery snapshots.
 *
 * - The renderer can only name paths the user already chose (dialog, recent list, command line or
 *   OS "open with"): any other path is refused with 'path-not-allowed', so a compromised page
 *   cannot read or overwrite arbitrary files.
 * - Opening checks size (MAX_OPEN_BYTES) and parses with the core's parseDocument; anything else is
 *   a typed HostError with a sentence for the user, and nothing changes in the editor.
 * - A document naming a `weightsFile` (docs/weights.md) has it read from the document's own folder
 *   on open and handed to the shared WeightsStore: the editor gets a token, never the bytes or a
 *   path it could name. A missing, short or unreadable sidecar does not stop the open: `weights`
 *   says what is wrong. Saving with the token writes the sidecar beside the JSON (atomically,
 *   before the JSON) unless that file is the one the bytes came from.
 * - Recovery snapshots are debounced HERE: the editor calls writeRecovery after every edit, and the
 *   snapshot is written RECOVERY_DEBOUNCE_MS after the last call (flushRecovery() writes a pending
 *   one at once, e.g. at quit). A successful save removes the snapshot.
 */
import { promises as nodeFs } from 'node:fs';
import path from 'node:path';
import type { FileClient, SidecarState } from '../engine/src/core/api';
import type { ModelDocument } from '../engine/src/core/document/schema';
import { parseDocument } from '../engine/src/core/document/load';
import { formatBytes, sidecarNameProblem, sidecarReadProblem, sidecarSizeProblem } from '../engine/src/core/weights/sidecar';
import type { WeightsStore } from '../engine/src/runtime/weights-store';
import { HostError, MAX_OPEN_BYTES } from './contract';
import { atomicWriteFile, describeFsError, type AtomicFs } from './atomic-write';

export const RECOVERY_DEBOUNCE_MS = 1000;
export const MAX_RECENT = 10;
const RECENT_FILE = 'recent-files.json';
const RECOVERY_FILE = 'recovery.cnn-recovery.json';
const RECOVERY_FORMAT = 'cnn-studio.recovery';

export interface FileDialogs {
  /** Absolute path the user picked, or null if cancelled. `filters` when given (binary open), else model files. */
  showOpen(filters?: { name: string; extensions: string[] }[]): Promise<string | null>;
  showSave(suggestedName: string, filters: { name: string; extensions: string[] }[]): Promise<string | null>;
  /** A folder the user picked (training data), or null if cancelled. */
  showOpenFolder?(): Promise<string | null>;
}

export type FileServiceFs = Omit<AtomicFs, 'stat'> & {
  readFile(path: string): Promise<Buffer>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  stat(path: string): Promise<{ mode: number; size: number; isFile(): boolean; isDirectory(): boolean }>;
};

export interface FileServiceOptions {
  /** Where recent files and recovery snapshots live (Electron: app.getPath('userData')). */
  dataDir: string;
  dialogs: FileDialogs;
  fs?: FileServiceFs;
  /** Timer for the recovery debounce (injected by tests). */
  schedule?: (fn: () => void, ms: number) => () => void;
  now?: () => number;
  maxOpenBytes?: number;
  /** Where sidecar weights are held (EngineHost's `weights`, so runs find them). Without it, sidecars are not read. */
  weights?: WeightsStore;
  /** Largest sidecar read (default MAX_SIDECAR_BYTES). */
  maxSidecarBytes?: number;
}

/** Largest weights sidecar the app reads (VGG-16 with every tensor in the sidecar is 528 MiB). */
export const MAX_SIDECAR_BYTES = 2 * 1024 ** 3;

export const MODEL_FILTERS = [{ name: 'CNN Studio model', extensions: ['json'] }];

const mb = (n: number) => `${(n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0)} MB`;

export class FileService implements FileClient {
  private readonly fs: FileServiceFs;
  private readonly schedule: (fn: () => void, ms: number) => () => void;
  private readonly now: () => number;
  private readonly maxOpenBytes: number;
  private readonly allowed = new Set<string>();
  private readonly chosenFolders = new Set<string>();
  private recentList: string[] | null = null;
  private pendingRecovery: { text: string; cancel: () => void } | null = null;
  private recoveryWrite: Promise<void> = Promise.resolve();
  /** Why the last recovery snapshot could not be written; the next writeRecovery call reports it once. */
  private recoveryFailure: string | undefined;

  constructor(private readonly options: FileServiceOptions) {
    this.fs = options.fs ?? (nodeFs as unknown as FileServiceFs);
    this.schedule = options.schedule ?? ((fn, ms) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
    this.now = options.now ?? Date.now;
    this.maxOpenBytes = options.maxOpenBytes ?? MAX_OPEN_BYTES;
  }

  /** A training-data folder from the folder dialog; the engine may then read it (router: dataFolderAllowed). */
  async chooseDataFolder(): Promise<string | null> {
    const picked = await this.options.dialogs.showOpenFolder?.();
    if (!picked) return null;
    const abs = path.resolve(picked);
    this.chosenFolders.add(abs);
    return abs;
  }

  isChosenFolder(p: string): boolean {
    return path.isAbsolute(p) && this.chosenFolders.has(path.resolve(p));
  }

  /** Let the renderer name this path (given by the OS: command line, "open with", dock). */
  grant(p: string): string {
    const abs = path.resolve(p);
    this.allowed.add(abs);
    return abs;
  }

  private checkAllowed(p: string): string {
    const abs = path.resolve(p);
    if (!this.allowed.has(abs)) {
      throw new HostError({ code: 'path-not-allowed', message: `CNN Studio will only open or save files you chose; ${abs} was not chosen. Use Open… or Save As….` });
    }
    return abs;
  }

  async open(p?: string): Promise<{ path: string; text: string; weights?: SidecarState } | null> {
    await this.recent(); // recent entries are allowed paths
    let file: string;
    if (p === undefined) {
      const picked = await this.options.dialogs.showOpen();
      if (!picked) return null;
      file = this.grant(picked);
    } else file = this.checkAllowed(p);
    const { text, document } = await this.readModelDocument(file);
    await this.addRecent(file);
    const weights = document.weightsFile !== undefined && this.options.weights ? await this.readSidecar(file, document) : undefined;
    return { path: file, text, ...(weights ? { weights } : {}) };
  }

  /** The document's sidecar, from the document's folder, into the weights store — or why not. */
  private async readSidecar(jsonFile: string, doc: ModelDocument): Promise<SidecarState> {
    const file = doc.weightsFile!;
    const missing = (message: string): SidecarState => ({ state: 'missing', file, message });
    const badName = sidecarReadProblem(file);
    if (badName) return missing(badName);
    const jsonName = path.basename(jsonFile);
    const sidecarPath = path.join(path.dirname(jsonFile), file);
    let st: { size: number; isFile(): boolean };
    try {
      st = await this.fs.stat(sidecarPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        return missing(`${file} was not found next to ${jsonName} (in ${path.dirname(jsonFile)}). The model's stored weights live there: put the weights file beside the model and open it again.`);
      }
      return missing(`Could not read ${file} next to ${jsonName}: ${describeFsError(e)}.`);
    }
    if (!st.isFile()) return missing(`${file} next to ${jsonName} is not a file.`);
    const max = this.options.maxSidecarBytes ?? MAX_SIDECAR_BYTES;
    if (st.size > max) return missing(`${file} is ${formatBytes(st.size)}; CNN Studio reads weights files up to ${formatBytes(max)}.`);
    const short = sidecarSizeProblem(doc, file, st.size);
    if (short) return missing(short);
    let buf: Buffer;
    try {
      buf = await this.fs.readFile(sidecarPath);
    } catch (e) {
      return missing(`Could not read ${file} next to ${jsonName}: ${describeFsError(e)}.`);
    }
    const rechecked = sidecarSizeProblem(doc, file, buf.byteLength); // it may have changed since the stat
    if (rechecked) return missing(rechecked);
    const handle = this.options.weights!.add(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file, sidecarPath);
    return { state: 'loaded', ...handle };
  }

  /**
   * A binary file the user picks (e.g. an ONNX model to import): the same path rule (the dialog's
   * answer is granted) and size cap as open. The bytes are not checked here — the importer does.
   * Not added to the recent list: that list reopens model documents.
   */
  async openBinary(filters: { name: string; extensions: string[] }[]): Promise<{ path: string; bytes: Uint8Array } | null> {
    const picked = await this.options.dialogs.showOpen(filters);
    if (!picked) return null;
    const file = this.grant(picked);
    await this.checkOpenable(file);
    let buf: Buffer;
    try {
      buf = await this.fs.readFile(file);
    } catch (e) {
      throw new HostError({ code: 'unreadable', message: `Could not read ${path.basename(file)}: ${describeFsError(e)}.` });
    }
    return { path: file, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
  }

  /** Read and check a model file; HostError with a clear reason otherwise. */
  async readModel(file: string): Promise<string> {
    return (await this.readModelDocument(file)).text;
  }

  private async readModelDocument(file: string): Promise<{ text: string; document: ModelDocument }> {
    const name = path.basename(file);
    await this.checkOpenable(file);
    let text: string;
    try {
      text = await this.fs.readFile(file, 'utf8');
    } catch (e) {
      throw new HostError({ code: 'unreadable', message: `Could not read ${name}: ${describeFsError(e)}.` });
    }
    const loaded = parseDocument(text);
    if (!loaded.ok) throw new HostError({ code: 'not-a-model', message: `${name} is not a CNN Studio model. ${loaded.error.message}` });
    return { text, document: loaded.document };
  }

  /** The file exists, is a file, and is within the size cap; HostError otherwise. */
  private async checkOpenable(file: string): Promise<void> {
    const name = path.basename(file);
    let st: { size: number; isFile(): boolean; isDirectory(): boolean };
    try {
      st = await this.fs.stat(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        await this.removeRecent(file);
        throw new HostError({ code: 'not-found', message: `${file} does not exist any more (moved or deleted?).` });
      }
      throw new HostError({ code: 'unreadable', message: `Could not open ${name}: ${describeFsError(e)}.` });
    }
    if (st.isDirectory()) throw new HostError({ code: 'unreadable', message: `${name} is a folder, not a model file.` });
    if (st.size > this.maxOpenBytes) {
      throw new HostError({ code: 'too-large', message: `${name} is ${mb(st.size)}; CNN Studio opens model files up to ${mb(this.maxOpenBytes)}.` });
    }
  }

  async save(text: string, p?: string, suggestedName?: string, weightsToken?: string): Promise<{ path: string; warning?: string } | null> {
    const loaded = parseDocument(text);
    if (!loaded.ok) throw new HostError({ code: 'not-a-model', message: `Refusing to save: the editor sent something that is not a model document. ${loaded.error.message}` });
    await this.recent();
    let file: string;
    if (p === undefined) {
      const picked = await this.options.dialogs.showSave(suggestedName ?? 'model.cnn.json', MODEL_FILTERS);
      if (!picked) return null;
      file = this.grant(picked);
    } else file = this.checkAllowed(p);
    // The sidecar first: if it cannot be written, the JSON is not either (both originals untouched).
    const warning = loaded.document.weightsFile !== undefined ? await this.saveSidecar(file, loaded.document.weightsFile, weightsToken) : undefined;
    this.cancelPendingRecovery();
    await atomicWriteFile(file, text, this.fs);
    await this.addRecent(file);
    await this.clearRecovery();
    return { path: file, ...(warning ? { warning } : {}) };
  }

  /**
   * Put the held sidecar beside `jsonFile` unless it is already there (same folder as it came from,
   * or saved there before). Returns a warning when the document's weights cannot go with it.
   */
  private async saveSidecar(jsonFile: string, weightsFile: string, token: string | undefined): Promise<string | undefined> {
    const badName = sidecarNameProblem(weightsFile);
    if (badName) throw new HostError({ code: 'write-failed', message: `Not saved: ${badName}` });
    const target = path.join(path.dirname(jsonFile), weightsFile);
    const held = token !== undefined ? this.options.weights?.get(token) : undefined;
    if (!held) {
      const exists = await this.fs.stat(target).then(() => true, () => false);
      return exists ? undefined : `${path.basename(jsonFile)} was saved without its weights: ${weightsFile} was not loaded, so it is not next to the saved model. Copy it there to keep the stored weights.`;
    }
    if (held.origin === target) return undefined;
    try {
      await atomicWriteFile(target, held.bytes, this.fs);
    } catch (e) {
      const reason = e instanceof HostError ? e.message : describeFsError(e);
      throw new HostError({ code: 'write-failed', message: `Could not save the weights file ${weightsFile} next to ${path.basename(jsonFile)}, so the model was not saved either: ${reason}` });
    }
    this.options.weights!.setOrigin(held.token, target);
    return undefined;
  }

  async exportBinary(bytes: Uint8Array, suggestedName: string, filters: { name: string; extensions: string[] }[]): Promise<{ path: string } | null> {
    const picked = await this.options.dialogs.showSave(suggestedName, filters);
    if (!picked) return null;
    const file = this.grant(picked);
    await atomicWriteFile(file, bytes, this.fs);
    return { path: file };
  }

  // ── Recent files ─────────────────────────────────────────────────────────────────────────

  async recent(): Promise<string[]> {
    if (!this.recentList) {
      let list: string[] = [];
      try {
        const raw = JSON.parse(await this.fs.readFile(path.join(this.options.dataDir, RECENT_FILE), 'utf8')) as { files?: unknown };
        if (Array.isArray(raw.files)) list = raw.files.filter((f): f is string => typeof f === 'string' && path.isAbsolute(f)).slice(0, MAX_RECENT);
      } catch {
        list = []; // none yet, or unreadable: start afresh
      }
      this.recentList = list;
      for (const f of list) this.allowed.add(f);
    }
    return [...this.recentList];
  }

  private async addRecent(file: string) {
    const list = await this.recent();
    this.recentList = [file, ...list.filter((f) => f !== file)].slice(0, MAX_RECENT);
    await this.persistRecent();
  }

  private async removeRecent(file: string) {
    const list = await this.recent();
    if (!list.includes(file)) return;
    this.recentList = list.filter((f) => f !== file);
    await this.persistRecent();
  }

  private async persistRecent() {
    try {
      await this.fs.mkdir(this.options.dataDir, { recursive: true });
      await atomicWriteFile(path.join(this.options.dataDir, RECENT_FILE), JSON.stringify({ version: 1, files: this.recentList }, null, 2), this.fs);
    } catch {
      /* the recent list is a convenience: never fail an open or save over it */
    }
  }

  // ── Recovery snapshots ───────────────────────────────────────────────────────────────────

  private get recoveryPath() {
    return path.join(this.options.dataDir, RECOVERY_FILE);
  }

  async writeRecovery(text: string): Promise<void> {
    this.cancelPendingRecovery();
    const cancel = this.schedule(() => void this.flushRecovery(), RECOVERY_DEBOUNCE_MS);
    this.pendingRecovery = { text, cancel };
    // The write happens later: a failure of the previous one is told now, once, so the user can save.
    const failure = this.recoveryFailure;
    this.recoveryFailure = undefined;
    if (failure) throw new HostError({ code: 'write-failed', message: `Unsaved changes cannot be kept for recovery (${failure}) — save your work to keep it.` });
  }

  /** Write a pending snapshot now (the debounce timer calls this; so does quit). */
  async flushRecovery(): Promise<void> {
    const pending = this.pendingRecovery;
    this.pendingRecovery = null;
    if (pending) {
      pending.cancel();
      const body = JSON.stringify({ format: RECOVERY_FORMAT, savedAt: this.now(), text: pending.text });
      this.recoveryWrite = this.recoveryWrite.then(async () => {
        try {
          await this.fs.mkdir(this.options.dataDir, { recursive: true });
          // Unsaved work is private: the snapshot is readable by its owner only.
          await atomicWriteFile(this.recoveryPath, body, this.fs, { forceMode: 0o600 });
          this.recoveryFailure = undefined;
        } catch (e) {
          console.warn(`CNN Studio: recovery snapshot not written (${(e as Error).message}).`);
          this.recoveryFailure = e instanceof HostError ? e.message : describeFsError(e);
        }
      });
    }
    await this.recoveryWrite;
  }

  /** True while a snapshot is waiting for its debounce timer. */
  get hasPendingRecovery(): boolean {
    return this.pendingRecovery !== null;
  }

  private cancelPendingRecovery() {
    this.pendingRecovery?.cancel();
    this.pendingRecovery = null;
  }

  async readRecovery(): Promise<{ text: string; savedAt: number } | null> {
    await this.recoveryWrite;
    try {
      const raw = JSON.parse(await this.fs.readFile(this.recoveryPath, 'utf8')) as { format?: unknown; savedAt?: unknown; text?: unknown };
      if (raw.format !== RECOVERY_FORMAT || typeof raw.text !== 'string' || typeof raw.savedAt !== 'number') return null;
      return { text: raw.text, savedAt: raw.savedAt };
    } catch {
      return null;
    }
  }

  async clearRecovery(): Promise<void> {
    this.cancelPendingRecovery();
    await this.recoveryWrite;
    await this.fs.unlink(this.recoveryPath).catch(() => undefined);
  }
}
