/**
 * Issue 22 item 7: the one atomic writer the desktop and the CLI share — O_EXCL temporary file beside
 * the real target, fsync, rename, folder fsync, cleanup on failure, symbolic links written through.
 */
import { promises as realFs, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWriteFile, AtomicWriteError, type AtomicFs } from './atomic-write';

const root = mkdtempSync(join(tmpdir(), 'cnn-studio-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = join(root, `t${n++}`);
  mkdirSync(d);
  return d;
};
const posix = process.platform !== 'win32';

/** Real fs, recording every call; `failWrite` makes writes fail with ENOSPC. */
function recordingFs(options: { failWrite?: boolean } = {}) {
  const calls: string[] = [];
  const fs: AtomicFs = {
    ...(realFs as unknown as AtomicFs),
    open: async (p, flags, mode) => {
      calls.push(`open ${p} ${typeof flags === 'number' ? flags : flags}`);
      const fh = await realFs.open(p, flags, mode);
      return {
        write: async (data: Uint8Array, offset?: number, length?: number) => {
          if (options.failWrite) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          return fh.write(data, offset, length, null);
        },
        sync: async () => (calls.push(`sync ${p}`), fh.sync()),
        close: () => fh.close(),
        chmod: (m: number) => fh.chmod(m),
      };
    },
    rename: async (a, b) => (calls.push(`rename ${a} ${b}`), realFs.rename(a, b)),
    unlink: async (p) => (calls.push(`unlink ${p}`), realFs.unlink(p)),
  };
  return { fs, calls };
}

describe('atomicWriteFile', () => {
  it('writes an O_EXCL temporary file beside the target, fsyncs it, renames it, fsyncs the folder', async () => {
    const d = fresh();
    const target = join(d, 'model.json');
    const { fs, calls } = recordingFs();
    await atomicWriteFile(target, 'hello', fs);
    expect(readFileSync(target, 'utf8')).toBe('hello');
    expect(readdirSync(d)).toEqual(['model.json']);
    const [open, syncFile, rename, openDir, syncDir] = calls;
    const tmp = /^open (.*) (\d+)$/.exec(open)!;
    expect(tmp[1].startsWith(join(d, '.model.json.'))).toBe(true);
    expect(Number(tmp[2]) & realFs.constants.O_EXCL).toBe(realFs.constants.O_EXCL);
    expect(syncFile).toBe(`sync ${tmp[1]}`);
    expect(rename).toBe(`rename ${tmp[1]} ${target}`);
    expect(openDir).toBe(`open ${d} r`);
    expect(syncDir).toBe(`sync ${d}`);
  });

  it('a failed write removes the temporary file and leaves the original as it was', async () => {
    const d = fresh();
    const target = join(d, 'model.json');
    writeFileSync(target, 'original');
    const { fs, calls } = recordingFs({ failWrite: true });
    const err = await atomicWriteFile(target, 'new', fs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtomicWriteError);
    expect((err as AtomicWriteError).reason).toBe('the disk is full');
    expect((err as Error).message).toBe('Could not save model.json: the disk is full. The file on disk was not changed.');
    expect(calls.some((c) => c.startsWith('unlink '))).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('original');
    expect(readdirSync(d)).toEqual(['model.json']);
  });

  it.runIf(posix)('writes through a symbolic link to its target: the link stays a link', async () => {
    const d = fresh();
    const elsewhere = fresh();
    const real = join(elsewhere, 'real.py');
    writeFileSync(real, 'old');
    const link = join(d, 'model.py');
    symlinkSync(real, link);
    await atomicWriteFile(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('new');
    // The temporary file went beside the real file (same file system for the rename), and is gone.
    expect(readdirSync(elsewhere)).toEqual(['real.py']);
    expect(readdirSync(d)).toEqual(['model.py']);
    // A dangling link (a chain, relative) creates the file it names.
    symlinkSync('made.py', join(elsewhere, 'hop.py'));
    symlinkSync(join(elsewhere, 'hop.py'), join(d, 'dangling.py'));
    await atomicWriteFile(join(d, 'dangling.py'), 'made');
    expect(readFileSync(join(elsewhere, 'made.py'), 'utf8')).toBe('made');
    expect(lstatSync(join(d, 'dangling.py')).isSymbolicLink()).toBe(true);
  });

  it.runIf(posix)('keeps the exact permissions of the file it replaces, whatever the umask', async () => {
    const d = fresh();
    const target = join(d, 'shared.json');
    writeFileSync(target, 'x');
    chmodSync(target, 0o664);
    const old = process.umask(0o022);
    try {
      await atomicWriteFile(target, 'y');
    } finally {
      process.umask(old);
    }
    expect(statSync(target).mode & 0o777).toBe(0o664);
    await atomicWriteFile(join(d, 'private.json'), 'z', undefined, { forceMode: 0o600 });
    expect(statSync(join(d, 'private.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses to replace something that is not a regular file', async () => {
    const d = fresh();
    mkdirSync(join(d, 'out.json'));
    const err = await atomicWriteFile(join(d, 'out.json'), 'x').catch((e: unknown) => e);
    expect((err as AtomicWriteError).reason).toBe('it is not a regular file');
    expect(readdirSync(d)).toEqual(['out.json']);
  });
});
