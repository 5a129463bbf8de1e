/** The backends by name, loaded lazily (onnxruntime-node is only imported when asked for). */
import type { Backend } from './backend';
import type { BackendName } from './protocol';
import { ReferenceBackend } from './reference/backend';

export const DEFAULT_BACKEND: BackendName = 'ort';

export async function loadBackend(name: BackendName): Promise<Backend> {
  if (name === 'reference') return new ReferenceBackend();
  const { OrtBackend } = await import('./ort/ort-backend');
  return new OrtBackend();
}
