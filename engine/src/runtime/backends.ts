/** The backends by name, loaded lazily (onnxruntime-node is only imported when asked for). */
import type { Backend } from './backend';
import type { BackendName } from './protocol';
import { ReferenceBackend } from './reference/backend';

export const DEFAULT_BACKEND: BackendName = 'ort';

/**
 * `bakeOnThread`: onnxruntime's baked sessions are created and run on a thread of their own
 * (ort/session-thread.ts) — for an engine process, whose thread must stay free for the next edit.
 */
export async function loadBackend(name: BackendName, options: { bakeOnThread?: boolean } = {}): Promise<Backend> {
  if (name === 'reference') return new ReferenceBackend();
  const { OrtBackend } = await import('./ort/ort-backend');
  if (!options.bakeOnThread) return new OrtBackend();
  const { SessionThread } = await import('./ort/session-thread');
  return new OrtBackend({ bakeOn: new SessionThread() });
}
