/** Issue 22 item 5: only regular files, within a cap — never a device, a FIFO or a folder. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileReadError, readRegularFile, readRegularFileSync } from './file-read';

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const posix = process.platform !== 'win32';
const limits = { maxBytes: 1024 };

async function refusal(path: string, max = limits.maxBytes): Promise<FileReadError> {
  const e = await readRegularFile(path, { maxBytes: max }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FileReadError);
  // The synchronous reader (ONNX external data) says the same.
  let sync: unknown;
  try {
    readRegularFileSync(path, { maxBytes: max });
  } catch (err) {
    sync = err;
  }
  expect((sync as FileReadError).message).toBe((e as FileReadError).message);
  return e as FileReadError;
}

describe('readRegularFile', () => {
  it('reads a regular file, through a link too, into its own ArrayBuffer', async () => {
    const f = join(dir, 'a.bin');
    writeFileSync(f, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const bytes = await readRegularFile(f, limits);
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(8);
    if (posix) symlinkSync(f, join(dir, 'link.bin'));
    if (posix) expect([...readRegularFileSync(join(dir, 'link.bin'), limits)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.runIf(posix)('refuses /dev/zero unread (its stat size is 0), fast', async () => {
    const t0 = performance.now();
    const e = await refusal('/dev/zero');
    expect(e.code).toBe('not-a-file');
    expect(e.message).toBe('Cannot read "/dev/zero": it is not a regular file (a device, pipe or socket).');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it.runIf(posix)('refuses a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const e = await refusal(fifo);
    expect(e.code).toBe('not-a-file');
    expect(e.reason).toBe('it is not a regular file (a device, pipe or socket)');
  });

  it('refuses a directory, a missing file, and a file over the cap', async () => {
    const sub = join(dir, 'folder');
    mkdirSync(sub);
    expect((await refusal(sub)).reason).toBe('it is a directory, not a file');
    expect((await refusal(join(dir, 'missing'))).code).toBe('not-found');
    const big = join(dir, 'big.bin');
    writeFileSync(big, new Uint8Array(2048));
    const e = await refusal(big);
    expect(e.code).toBe('too-large');
    expect(e.reason).toBe('it is 2.0 KiB, over the limit of 1.0 KiB');
  });
});
