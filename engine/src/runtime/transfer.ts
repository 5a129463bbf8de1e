import * as threads from 'node:worker_threads';

/** Node ≥ 21 has isMarkedAsUntransferable (and throws when such a buffer is in a transfer list); Node 20 just copies them. */
const isUntransferable = (b: ArrayBuffer): boolean => (threads as { isMarkedAsUntransferable?: (o: unknown) => boolean }).isMarkedAsUntransferable?.(b) ?? false;

/**
 * The ArrayBuffers under a value (typed arrays in results), each once, for a transfer list: moved
 * to the other thread, not copied. Buffers Node marks untransferable (its shared Buffer pool) are
 * left out and copied, and so are those `keep` claims (buffers the worker goes on using).
 */
export function transferables(value: unknown, into = new Set<ArrayBuffer>(), keep: (b: ArrayBuffer) => boolean = () => false): ArrayBuffer[] {
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !isUntransferable(v.buffer) && !keep(v.buffer)) into.add(v.buffer);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(value);
  return [...into];
}
