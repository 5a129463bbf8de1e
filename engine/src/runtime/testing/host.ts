import type { EngineEvent } from '../../core/api';
import type { EngineHost } from '../engine-host';

/** The rejection of a promise that must reject (EngineErrorInfo-shaped). */
export async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string; diagnostics?: unknown[] }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

/** The next event of the host that matches. */
export function nextEvent(host: EngineHost, match: (e: EngineEvent) => boolean): Promise<EngineEvent> {
  return new Promise((resolve) => {
    const off = host.onEvent((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
}
