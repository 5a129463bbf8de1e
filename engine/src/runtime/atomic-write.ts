/**
 * Atomic file replacement, the one implementation the desktop app (main/atomic-write.ts) and the CLI
 * share: write a temporary file (O_EXCL, beside the real target), fsync it, rename it over the target,
 * fsync the folder. A failure at any step removes the temporary file and leaves the original exactly as
 * it was. A target that is a symbolic link is written through: the file the link points to is
 * replaced and the link stays a link. The error says why in words a user understands.
 */
import { constants, promises as nodeFs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** The slice of node:fs/promises used here — injectable so tests can fail a write halfway. */
export interface AtomicFs {
  open(path: string, flags: string | number, mode?: number): Promise<{
    write(data: Uint8Array, offset?: number, length?: number, position?: number | null): Promise<{ bytesWritten: number }>;
    sync(): Promise<void>;
    close(): Promise<void>;
    chmod?(mode: number): Promise<void>;
  }>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  stat(path: string): Promise<{ mode: number; isFile(): boolean }>;
  /** Optional in fakes: node:fs's are used when absent. */
  lstat?(path: string): Promise<{ isSymbolicLink(): boolean }>;
  readlink?(path: string): Promise<string>;
}

export interface AtomicWriteOptions {
  /** Permissions of a new file (default 0o644; an existing file keeps its own). */
  mode?: number;
  /** Permissions of the result even when the file exists (e.g. 0o600 for private snapshots). */
  forceMode?: number;
}

/** Why an atomic write failed; the target is unchanged. `reason` is the short cause ("the disk is full"). */
export class AtomicWriteError extends Error {
  constructor(
    readonly target: string,
    readonly reason: string,
    override readonly cause?: unknown,
  ) {
    super(`Could not save ${path.basename(target)}: ${reason}. The file on disk was not changed.`);
    this.name = 'AtomicWriteError';
  }
}

const CHUNK = 8 << 20;
const MAX_LINKS = 40;

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
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'EISDIR': return 'it is a folder';
    case 'ENAMETOOLONG': return 'the name is too long';
    case 'ELOOP': return 'too many symbolic links';
    case 'EBUSY': return 'the file is in use by another program';
    case 'EIO': return 'a disk input/output error occurred';
    default: return (e as Error)?.message ?? String(e);
  }
}

const isNotFound = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

/** The file a write to `target` must replace: `target` itself, or what its chain of links names (which may not exist yet). */
export async function resolveWriteTarget(target: string, fs: Pick<AtomicFs, 'lstat' | 'readlink'> = {}): Promise<string> {
  const lstat = fs.lstat?.bind(fs) ?? nodeFs.lstat;
  const readlink = fs.readlink?.bind(fs) ?? nodeFs.readlink;
  let at = path.resolve(target);
  for (let hops = 0; ; hops++) {
    let isLink: boolean;
    try {
      isLink = (await lstat(at)).isSymbolicLink();
    } catch (e) {
      if (isNotFound(e)) return at; // a new file (or a dangling link's destination)
      throw e;
    }
    if (!isLink) return at;
    if (hops >= MAX_LINKS) throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
    at = path.resolve(path.dirname(at), await readlink(at));
  }
}

export async function atomicWriteFile(target: string, data: Uint8Array | string, fs: AtomicFs = nodeFs as unknown as AtomicFs, options: AtomicWriteOptions = {}): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let real: string;
  try {
    real = await resolveWriteTarget(target, fs);
  } catch (e) {
    throw new AtomicWriteError(target, describeFsError(e), e);
  }
  const dir = path.dirname(real);
  const tmp = path.join(dir, `.${path.basename(real)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let mode = options.mode ?? 0o644;
  let existing = false;
  try {
    const st = await fs.stat(real);
    if (!st.isFile()) throw new AtomicWriteError(target, 'it is not a regular file');
    mode = st.mode & 0o777;
    existing = true;
  } catch (e) {
    if (e instanceof AtomicWriteError) throw e;
    // a new file: default mode
  }
  if (options.forceMode !== undefined) mode = options.forceMode;
  let created = false;
  try {
    const fh = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    created = true;
    try {
      // open()'s mode passes through the umask: a replaced file keeps its exact permissions.
      if ((existing || options.forceMode !== undefined) && fh.chmod) await fh.chmod(mode);
      for (let off = 0; off < bytes.length; ) {
        const { bytesWritten } = await fh.write(bytes, off, Math.min(CHUNK, bytes.length - off), null);
        if (bytesWritten <= 0) throw new Error('the disk accepted no more data');
        off += bytesWritten;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, real);
    created = false;
  } catch (e) {
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw new AtomicWriteError(target, describeFsError(e), e);
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
