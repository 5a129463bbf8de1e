/**
 * The desktop FileClient: native dialogs, atomic saves, recent files and recovery snapshots.
 *
 * - The renderer can only name paths the user already chose (dialog, recent list, command line or
 *   OS "open with"): any other path is refused with 'path-not-allowed', so a compromised page
 *   cannot read or overwrite arbitrary files.
 * - Opening checks size (MAX_OPEN_BYTES) and parses with the core's parseDocument; anything else is
 *   a typed HostError with a sentence for the user, and nothing changes in the editor.
 * - Recovery snapshots are debounced HERE: the editor calls writeRecovery after every edit, and the
 *   snapshot is written RECOVERY_DEBOUNCE_MS after the last call (flushRecovery() writes a pending
 *   one at once, e.g. at quit). A successful save removes the snapshot.
 */
import { promises as nodeFs } from 'node:fs';
import path from 'node:path';
import type { FileClient } from '../engine/src/core/api';
import { parseDocument } from '../engine/src/core/document/load';
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
}

export const MODEL_FILTERS = [{ name: 'CNN Studio model', extensions: ['json'] }];

const mb = (n: number) => `${(n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0)} MB`;

export class FileService implements FileClient {
  private readonly fs: FileServiceFs;
  private readonly schedule: (fn: () => void, ms: number) => () => void;
  private readonly now: () => number;
  private readonly maxOpenBytes: number;
  private readonly allowed = new Set<string>();
  private recentList: string[] | null = null;
  private pendingRecovery: { text: string; cancel: () => void } | null = null;
  private recoveryWrite: Promise<void> = Promise.resolve();

  constructor(private readonly options: FileServiceOptions) {
    this.fs = options.fs ?? (nodeFs as unknown as FileServiceFs);
    this.schedule = options.schedule ?? ((fn, ms) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
    this.now = options.now ?? Date.now;
    this.maxOpenBytes = options.maxOpenBytes ?? MAX_OPEN_BYTES;
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

  async open(p?: string): Promise<{ path: string; text: string } | null> {
    await this.recent(); // recent entries are allowed paths
    let file: string;
    if (p === undefined) {
      const picked = await this.options.dialogs.showOpen();
      if (!picked) return null;
      file = this.grant(picked);
    } else file = this.checkAllowed(p);
    const text = await this.readModel(file);
    await this.addRecent(file);
    return { path: file, text };
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
    return text;
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

  async save(text: string, p?: string, suggestedName?: string): Promise<{ path: string } | null> {
    const loaded = parseDocument(text);
    if (!loaded.ok) throw new HostError({ code: 'not-a-model', message: `Refusing to save: the editor sent something that is not a model document. ${loaded.error.message}` });
    await this.recent();
    let file: string;
    if (p === undefined) {
      const picked = await this.options.dialogs.showSave(suggestedName ?? 'model.cnn.json', MODEL_FILTERS);
      if (!picked) return null;
      file = this.grant(picked);
    } else file = this.checkAllowed(p);
    this.cancelPendingRecovery();
    await atomicWriteFile(file, text, this.fs);
    await this.addRecent(file);
    await this.clearRecovery();
    return { path: file };
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
          await atomicWriteFile(this.recoveryPath, body, this.fs);
        } catch (e) {
          console.warn(`CNN Studio: recovery snapshot not written (${(e as Error).message}).`);
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
