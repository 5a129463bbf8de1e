/**
 * Atomic file replacement: write a temporary file beside the target, fsync it, rename it over the
 * target, fsync the folder. A failure at any step removes the temporary file and leaves the
 * original exactly as it was; the error says why in words a user understands.
 */
import { constants, promises as nodeFs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { HostError } from './contract';

/** The slice of node:fs/promises used here — injectable so tests can fail a write halfway. */
export interface AtomicFs {
  open(path: string, flags: string | number, mode?: number): Promise<{
    write(data: Uint8Array, offset?: number, length?: number, position?: number | null): Promise<{ bytesWritten: number }>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  stat(path: string): Promise<{ mode: number; isFile(): boolean }>;
}

const CHUNK = 8 << 20;

/** A sentence for an errno, for "Could not save X: <reason>." */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC': return 'the disk is full';
    case 'EDQUOT': return 'the disk quota is exhausted';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the disk is read-only';
    case 'ENOENT': return 'the folder does not exist';
    case 'EISDIR': return 'it is a folder';
    case 'ENAMETOOLONG': return 'the name is too long';
    case 'EBUSY': return 'the file is in use by another program';
    case 'EIO': return 'a disk input/output error occurred';
    default: return (e as Error)?.message ?? String(e);
  }
}

export async function atomicWriteFile(target: string, data: Uint8Array | string, fs: AtomicFs = nodeFs as unknown as AtomicFs): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let mode = 0o644;
  try {
    const st = await fs.stat(target);
    if (!st.isFile()) throw new HostError({ code: 'write-failed', message: `Could not save to ${target}: it is not a regular file.` });
    mode = st.mode & 0o777;
  } catch (e) {
    if (e instanceof HostError) throw e;
    // a new file: default mode
  }
  let created = false;
  try {
    const fh = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    created = true;
    try {
      for (let off = 0; off < bytes.length; ) {
        const { bytesWritten } = await fh.write(bytes, off, Math.min(CHUNK, bytes.length - off), null);
        if (bytesWritten <= 0) throw new Error('the disk accepted no more data');
        off += bytesWritten;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, target);
    created = false;
  } catch (e) {
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw new HostError({
      code: 'write-failed',
      message: `Could not save ${path.basename(target)}: ${describeFsError(e)}. The file on disk was not changed.`,
    });
  }
  // Make the rename itself durable (POSIX; Windows cannot open folders — the rename is already done).
  try {
    const dh = await fs.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* best effort */
  }
}
