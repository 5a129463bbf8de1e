/**
 * Reading a file a user or a document names, safely: only a regular file (not a folder, device, FIFO
 * or socket), no bigger than a cap, and never more bytes than it had when it was opened. The file is
 * opened with O_NONBLOCK, so a FIFO cannot hang the open, and its kind and size come from the open
 * handle (fstat), so what is checked is what is read. A device's stat size is 0: /dev/zero is refused
 * as "not a regular file" before any byte is read.
 */
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync, type Stats } from 'node:fs';

export type FileReadErrorCode = 'not-found' | 'not-a-file' | 'too-large' | 'unreadable';

/** Why a file could not be read; `reason` completes "Cannot read X: <reason>." */
export class FileReadError extends Error {
  constructor(
    readonly code: FileReadErrorCode,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Cannot read "${path}": ${reason}.`);
    this.name = 'FileReadError';
  }
}

export interface ReadLimits {
  /** Files above this many bytes are refused before reading. */
  maxBytes: number;
}

/** O_NONBLOCK where the platform has it (not Windows, which has no FIFOs at file paths). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function formatSize(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

function fsReason(e: unknown): { code: FileReadErrorCode; reason: string } {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return { code: 'not-found', reason: 'no such file' };
    case 'ENOTDIR':
      return { code: 'not-found', reason: 'a part of the path is not a folder' };
    case 'EISDIR':
      return { code: 'not-a-file', reason: 'it is a directory, not a file' };
    case 'EACCES':
    case 'EPERM':
      return { code: 'unreadable', reason: 'permission denied' };
    case 'ELOOP':
      return { code: 'unreadable', reason: 'too many symbolic links' };
    case 'ENXIO':
      return { code: 'not-a-file', reason: 'it is not a regular file (a device, pipe or socket)' };
    default:
      return { code: 'unreadable', reason: (e as Error)?.message ?? String(e) };
  }
}

/** Why a file of these stats cannot be read under `limits`, or undefined. */
export function regularFileProblem(st: Pick<Stats, 'size' | 'isFile' | 'isDirectory'>, limits: ReadLimits): { code: FileReadErrorCode; reason: string } | undefined {
  if (st.isDirectory()) return { code: 'not-a-file', reason: 'it is a directory, not a file' };
  if (!st.isFile()) return { code: 'not-a-file', reason: 'it is not a regular file (a device, pipe or socket)' };
  if (st.size > limits.maxBytes) return { code: 'too-large', reason: `it is ${formatSize(st.size)}, over the limit of ${formatSize(limits.maxBytes)}` };
  return undefined;
}

/** A FileReadError for `path` from whatever opening or reading threw. */
function readError(path: string, e: unknown): FileReadError {
  if (e instanceof FileReadError) return e;
  const { code, reason } = fsReason(e);
  return new FileReadError(code, path, reason);
}

/** A buffer for the whole file once its fstat passes the rule (its own ArrayBuffer, not a slice of the pool). */
function bufferFor(path: string, st: Stats, limits: ReadLimits): Buffer {
  const bad = regularFileProblem(st, limits);
  if (bad) throw new FileReadError(bad.code, path, bad.reason);
  return Buffer.allocUnsafeSlow(st.size);
}

/** The bytes of the regular file at `path` (at most `limits.maxBytes`), or a FileReadError. */
export async function readRegularFile(path: string, limits: ReadLimits): Promise<Uint8Array> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, OPEN_FLAGS);
  } catch (e) {
    throw readError(path, e);
  }
  try {
    const st = await fh.stat();
    const buf = bufferFor(path, st, limits);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break; // shrank since the fstat
      got += bytesRead;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } catch (e) {
    throw readError(path, e);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** As readRegularFile, synchronously (for callbacks that must return bytes, e.g. ONNX external data). */
export function readRegularFileSync(path: string, limits: ReadLimits): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw readError(path, e);
  }
  try {
    const st = fstatSync(fd);
    const buf = bufferFor(path, st, limits);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } catch (e) {
    throw readError(path, e);
  } finally {
    closeSync(fd);
  }
}
