import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir, chmod } from 'node:fs/promises';
import { promises as realFs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileService, MAX_RECENT, RECOVERY_DEBOUNCE_MS, type FileDialogs, type FileServiceFs } from './file-service';
import { atomicWriteFile } from './atomic-write';
import { HostError } from './contract';
import { serializeDocument } from '../engine/src/core/document/load';
import { tinyDocument } from './testing/fakes';

let dir: string;
let dataDir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-files-'));
  dataDir = path.join(dir, 'userData');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MODEL = serializeDocument(tinyDocument());
const EDITED = serializeDocument({ ...tinyDocument(), name: 'edited' });

/** Dialogs that answer from a queue (null = the user cancelled). */
function dialogs(answers: (string | null)[] = []): FileDialogs & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    showOpen: async (filters) => (asked.push(filters ? `open:${filters.flatMap((f) => f.extensions).join(',')}` : 'open'), answers.shift() ?? null),
    showSave: async (name) => (asked.push(`save:${name}`), answers.shift() ?? null),
  };
}

/** A manual timer: tests fire the debounce explicitly instead of waiting. */
function manualTimer() {
  const queue: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    queue,
    schedule: (fn: () => void, ms: number) => {
      const t = { fn, ms, cancelled: false };
      queue.push(t);
      return () => void (t.cancelled = true);
    },
    fire() {
      for (const t of queue.splice(0)) if (!t.cancelled) t.fn();
    },
    live: () => queue.filter((t) => !t.cancelled).length,
  };
}

/** Real fs, except that writes fail after `failAfter` bytes with ENOSPC. */
function diskFillsUp(failAfter: number): FileServiceFs {
  let written = 0;
  return {
    ...(realFs as unknown as FileServiceFs),
    open: async (p: string, flags: string | number, mode?: number) => {
      const fh = await realFs.open(p, flags, mode);
      return {
        write: async (data: Uint8Array, offset = 0, length = data.length - offset) => {
          const room = Math.max(0, failAfter - written);
          if (room < length) {
            if (room > 0) await fh.write(data, offset, room, null);
            written += room;
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          written += length;
          return fh.write(data, offset, length, null);
        },
        sync: () => fh.sync(),
        close: () => fh.close(),
      };
    },
  };
}

const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as HostError);

describe('atomic save', () => {
  it('writes the file and leaves no temporary file behind', async () => {
    const target = path.join(dir, 'm.cnn.json');
    await atomicWriteFile(target, MODEL);
    expect(await readFile(target, 'utf8')).toBe(MODEL);
    expect(await readdir(dir)).toEqual(['m.cnn.json']);
  });

  it('a failure mid-write leaves the original intact, removes the temp file, and says why', async () => {
    const target = path.join(dir, 'm.cnn.json');
    await writeFile(target, MODEL);
    const big = serializeDocument({ ...tinyDocument(), description: 'x'.repeat(100_000) });
    const err = await rejection(atomicWriteFile(target, big, diskFillsUp(5000)));
    expect(err).toBeInstanceOf(HostError);
    expect(err.code).toBe('write-failed');
    expect(err.message).toBe('Could not save m.cnn.json: the disk is full. The file on disk was not changed.');
    expect(await readFile(target, 'utf8')).toBe(MODEL);
    expect(await readdir(dir)).toEqual(['m.cnn.json']);
  });

  it('through the service: a failed save keeps the original, the recent list and the recovery snapshot', async () => {
    const target = path.join(dir, 'm.cnn.json');
    await writeFile(target, MODEL);
    const timer = manualTimer();
    const svc = new FileService({ dataDir, dialogs: dialogs([target]), schedule: timer.schedule, fs: diskFillsUp(1000) });
    await svc.open(); // user picks the file
    await svc.writeRecovery(EDITED);
    await svc.flushRecovery();
    const failing = new FileService({ dataDir, dialogs: dialogs(), fs: diskFillsUp(10) });
    failing.grant(target);
    const err = await rejection(failing.save(EDITED, target));
    expect(err.code).toBe('write-failed');
    expect(await readFile(target, 'utf8')).toBe(MODEL);
    expect((await failing.readRecovery())?.text).toBe(EDITED);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const target = path.join(dir, 'm.cnn.json');
    await writeFile(target, MODEL);
    await chmod(target, 0o600);
    await atomicWriteFile(target, EDITED);
    expect((await realFs.stat(target)).mode & 0o777).toBe(0o600);
  });
});

describe('file service: open', () => {
  it('opens a model the user picks and refuses paths the user never chose', async () => {
    const target = path.join(dir, 'm.cnn.json');
    await writeFile(target, MODEL);
    await writeFile(path.join(dir, 'secret.txt'), 'secret');
    const svc = new FileService({ dataDir, dialogs: dialogs([target]) });
    expect(await svc.open()).toEqual({ path: target, text: MODEL });
    expect(await svc.open(target)).toEqual({ path: target, text: MODEL }); // now known (recent)
    const err = await rejection(svc.open(path.join(dir, 'secret.txt')));
    expect(err.code).toBe('path-not-allowed');
    expect((await rejection(svc.save(MODEL, path.join(dir, 'other.cnn.json')))).code).toBe('path-not-allowed');
  });

  it('returns null when the user cancels', async () => {
    const svc = new FileService({ dataDir, dialogs: dialogs([null, null]) });
    expect(await svc.open()).toBeNull();
    expect(await svc.save(MODEL)).toBeNull();
  });

  it.each([
    ['not JSON', 'hello', 'not-a-model', /m\.cnn\.json is not a CNN Studio model\. Not valid JSON/],
    ['JSON but not a model', '{"a":1}', 'not-a-model', /"format" must be "cnn-studio\.model"/],
    ['a broken model', JSON.stringify({ ...tinyDocument(), nodes: 'x' }), 'not-a-model', /nodes/],
  ])('explains a file that is %s', async (_what, content, code, message) => {
    const target = path.join(dir, 'm.cnn.json');
    await writeFile(target, content);
    const svc = new FileService({ dataDir, dialogs: dialogs([target]) });
    const err = await rejection(svc.open());
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('refuses files over the size cap before reading them', async () => {
    const target = path.join(dir, 'big.cnn.json');
    await writeFile(target, MODEL + ' '.repeat(2000));
    const svc = new FileService({ dataDir, dialogs: dialogs([target]), maxOpenBytes: 1024 });
    const err = await rejection(svc.open());
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/big\.cnn\.json is 0\.0 MB; CNN Studio opens model files up to 0\.0 MB/);
  });

  it('caps at 512 MB by default', async () => {
    const { MAX_OPEN_BYTES } = await import('./contract');
    expect(MAX_OPEN_BYTES).toBe(512 * 2 ** 20);
  });

  it('explains a missing file and a folder', async () => {
    const gone = path.join(dir, 'gone.cnn.json');
    const folder = path.join(dir, 'folder.cnn.json');
    await mkdir(folder);
    const svc = new FileService({ dataDir, dialogs: dialogs([gone, folder]) });
    expect((await rejection(svc.open())).code).toBe('not-found');
    const err = await rejection(svc.open());
    expect(err.code).toBe('unreadable');
    expect(err.message).toBe('folder.cnn.json is a folder, not a model file.');
  });

  it('grants paths handed over by the OS (command line, open-file)', async () => {
    const target = path.join(dir, 'm.cnn.json');
    await writeFile(target, MODEL);
    const svc = new FileService({ dataDir, dialogs: dialogs() });
    svc.grant(target);
    expect((await svc.open(target))?.text).toBe(MODEL);
  });
});

describe('file service: open a binary file (ONNX import)', () => {
  const ONNX = [{ name: 'ONNX model', extensions: ['onnx'] }];

  it('reads the bytes of the file the user picks with the given filters, and grants only that path', async () => {
    const target = path.join(dir, 'net.onnx');
    await writeFile(target, Uint8Array.of(8, 7, 0, 255));
    const d = dialogs([target, null]);
    const svc = new FileService({ dataDir, dialogs: d });
    const r = await svc.openBinary(ONNX);
    expect(r?.path).toBe(target);
    expect(r?.bytes).toBeInstanceOf(Uint8Array);
    expect([...r!.bytes]).toEqual([8, 7, 0, 255]);
    expect(await svc.openBinary(ONNX)).toBeNull(); // cancelled
    expect(d.asked).toEqual(['open:onnx', 'open:onnx']);
    expect(await svc.recent()).toEqual([]); // an import is not a model file to reopen
    expect((await rejection(svc.open(path.join(dir, 'other.onnx')))).code).toBe('path-not-allowed');
  });

  it('applies the size cap before reading, and explains a missing file and a folder', async () => {
    const big = path.join(dir, 'big.onnx');
    await writeFile(big, new Uint8Array(2048));
    const folder = path.join(dir, 'folder.onnx');
    await mkdir(folder);
    const svc = new FileService({ dataDir, dialogs: dialogs([big, path.join(dir, 'gone.onnx'), folder]), maxOpenBytes: 1024 });
    const tooLarge = await rejection(svc.openBinary(ONNX));
    expect(tooLarge.code).toBe('too-large');
    expect(tooLarge.message).toMatch(/^big\.onnx is 0\.0 MB; CNN Studio opens model files up to 0\.0 MB\.$/);
    expect((await rejection(svc.openBinary(ONNX))).code).toBe('not-found');
    expect((await rejection(svc.openBinary(ONNX))).message).toBe('folder.onnx is a folder, not a model file.');
  });
});

describe('file service: save, recent, recovery', () => {
  it('saves through Save As, then to the same path, and refuses non-model text', async () => {
    const target = path.join(dir, 'new.cnn.json');
    const d = dialogs([target]);
    const svc = new FileService({ dataDir, dialogs: d });
    expect(await svc.save(MODEL, undefined, 'tiny.cnn.json')).toEqual({ path: target });
    expect(d.asked).toEqual(['save:tiny.cnn.json']);
    expect(await svc.save(EDITED, target)).toEqual({ path: target });
    expect(await readFile(target, 'utf8')).toBe(EDITED);
    expect((await rejection(svc.save('{"nope":1}', target))).code).toBe('not-a-model');
    expect(await readFile(target, 'utf8')).toBe(EDITED);
  });

  it('exports binary files atomically where the user chooses', async () => {
    const target = path.join(dir, 'm.onnx');
    const svc = new FileService({ dataDir, dialogs: dialogs([target]) });
    expect(await svc.exportBinary(Uint8Array.of(1, 2, 3), 'm.onnx', [{ name: 'ONNX', extensions: ['onnx'] }])).toEqual({ path: target });
    expect([...(await readFile(target))]).toEqual([1, 2, 3]);
  });

  it('keeps the recent list across restarts, newest first, without duplicates, capped', async () => {
    const files = Array.from({ length: MAX_RECENT + 2 }, (_, i) => path.join(dir, `m${i}.cnn.json`));
    for (const f of files) await writeFile(f, MODEL);
    const svc = new FileService({ dataDir, dialogs: dialogs([...files, files[0]!]) });
    for (let i = 0; i <= files.length; i++) await svc.open();
    const expected = [files[0]!, ...files.slice(1).reverse()].slice(0, MAX_RECENT);
    expect(await svc.recent()).toEqual(expected);
    const restarted = new FileService({ dataDir, dialogs: dialogs() });
    expect(await restarted.recent()).toEqual(expected);
    expect((await restarted.open(files[0]))?.path).toBe(files[0]); // recent entries may be reopened
  });

  it('drops a recent entry whose file has gone', async () => {
    const f = path.join(dir, 'm.cnn.json');
    await writeFile(f, MODEL);
    const svc = new FileService({ dataDir, dialogs: dialogs([f]) });
    await svc.open();
    await rm(f);
    expect((await rejection(svc.open(f))).code).toBe('not-found');
    expect(await svc.recent()).toEqual([]);
  });

  it('debounces recovery snapshots: only the last edit is written, one second after it', async () => {
    const timer = manualTimer();
    const svc = new FileService({ dataDir, dialogs: dialogs(), schedule: timer.schedule, now: () => 1234 });
    await svc.writeRecovery('{"v":1}');
    await svc.writeRecovery('{"v":2}');
    await svc.writeRecovery(EDITED);
    expect(timer.live()).toBe(1);
    expect(timer.queue.at(-1)!.ms).toBe(RECOVERY_DEBOUNCE_MS);
    expect(await svc.readRecovery()).toBeNull(); // nothing written before the timer fires
    timer.fire();
    await svc.flushRecovery();
    expect(await svc.readRecovery()).toEqual({ text: EDITED, savedAt: 1234 });
  });

  it('recovery snapshots are private (0600); a snapshot that cannot be written is reported at the next edit, once', async () => {
    const timer = manualTimer();
    const svc = new FileService({ dataDir, dialogs: dialogs(), schedule: timer.schedule });
    await svc.writeRecovery(EDITED);
    timer.fire();
    await svc.flushRecovery();
    expect((await realFs.stat(path.join(dataDir, 'recovery.cnn-recovery.json'))).mode & 0o777).toBe(0o600);
    // The data folder becomes a file: the next snapshot cannot be written.
    const blocked = path.join(dir, 'blocked');
    await writeFile(blocked, 'x');
    const broken = new FileService({ dataDir: blocked, dialogs: dialogs(), schedule: timer.schedule });
    await broken.writeRecovery(EDITED);
    timer.fire();
    await broken.flushRecovery();
    const told = await rejection(broken.writeRecovery(EDITED));
    expect(told.code).toBe('write-failed');
    expect(told.message).toMatch(/^Unsaved changes cannot be kept for recovery \(.+\) — save your work to keep it\.$/);
    await broken.writeRecovery(EDITED); // told once, not on every edit
  });

  it('offers the snapshot at the next launch, and a save removes it', async () => {
    const timer = manualTimer();
    const target = path.join(dir, 'm.cnn.json');
    const first = new FileService({ dataDir, dialogs: dialogs([target]), schedule: timer.schedule });
    await first.writeRecovery(EDITED);
    timer.fire();
    await first.flushRecovery();
    // "crash": a new service (next launch) finds it
    const next = new FileService({ dataDir, dialogs: dialogs([target]), schedule: timer.schedule });
    expect((await next.readRecovery())?.text).toBe(EDITED);
    await next.writeRecovery(EDITED); // pending when the save happens: must not resurrect the snapshot
    await next.save(EDITED);
    timer.fire();
    await next.flushRecovery();
    expect(await next.readRecovery()).toBeNull();
    expect(await readdir(dataDir)).toEqual(['recent-files.json']);
  });

  it('clearRecovery cancels a pending snapshot and removes the stored one', async () => {
    const timer = manualTimer();
    const svc = new FileService({ dataDir, dialogs: dialogs(), schedule: timer.schedule });
    await svc.writeRecovery(MODEL);
    await svc.flushRecovery();
    await svc.writeRecovery(EDITED);
    await svc.clearRecovery();
    timer.fire();
    await svc.flushRecovery();
    expect(await svc.readRecovery()).toBeNull();
  });

  it('ignores a damaged recovery file instead of failing the launch', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'recovery.cnn-recovery.json'), '{broken');
    expect(await new FileService({ dataDir, dialogs: dialogs() }).readRecovery()).toBeNull();
  });
});
