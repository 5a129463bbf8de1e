/**
 * Atomic file replacement for the desktop host: the engine's shared writer
 * (engine/src/runtime/atomic-write.ts — O_EXCL temporary file beside the target, fsync, rename,
 * folder fsync, cleanup on failure, written through symbolic links), with failures as HostError
 * 'write-failed' so they cross IPC and the wire like every other host error.
 */
import { atomicWriteFile as writeShared, AtomicWriteError, describeFsError, type AtomicFs, type AtomicWriteOptions } from '../engine/src/runtime/atomic-write';
import { HostError } from './contract';

export { describeFsError, type AtomicFs, type AtomicWriteOptions };

export async function atomicWriteFile(target: string, data: Uint8Array | string, fs?: AtomicFs, options?: AtomicWriteOptions): Promise<void> {
  try {
    await writeShared(target, data, fs, options);
  } catch (e) {
    if (e instanceof AtomicWriteError) throw new HostError({ code: 'write-failed', message: e.message });
    throw e;
  }
}
