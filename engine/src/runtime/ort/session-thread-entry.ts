/**
 * The thread of session-thread.ts: creates onnxruntime sessions from the model bytes it is lent
 * (and gives them back), runs them on the feeds it is sent and sends their outputs back, transferred.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

/** A tensor as it crosses between threads. */
export interface WireTensor {
  type: string;
  dims: number[];
  data: ort.Tensor['data'];
}

export type SessionThreadRequest =
  | { type: 'create'; id: number; model: Uint8Array; options: ort.InferenceSession.SessionOptions }
  | { type: 'run'; id: number; session: number; feeds: Record<string, WireTensor>; fetches: string[] }
  | { type: 'release'; id: number; session: number }
  | { type: 'shutdown'; id: number };

export type SessionThreadAnswer =
  | { type: 'created'; id: number; session: number; buffer?: ArrayBuffer }
  | { type: 'ran'; id: number; outputs: Record<string, WireTensor> }
  | { type: 'released'; id: number }
  | { type: 'failed'; id: number; message: string };

const sessions = new Map<number, ort.InferenceSession>();
let nextSession = 1;
/** Requests are served one at a time, in order (a run never overlaps its session's release). */
let queue: Promise<void> = Promise.resolve();

async function serve(req: SessionThreadRequest): Promise<void> {
  const port = parentPort!;
  try {
    if (req.type === 'create') {
      const session = await ort.InferenceSession.create(req.model, req.options);
      const id = nextSession++;
      sessions.set(id, session);
      // onnxruntime has read the bytes: the buffer goes back to be encoded into again.
      const buffer = req.model.buffer as ArrayBuffer;
      port.postMessage({ type: 'created', id: req.id, session: id, buffer } satisfies SessionThreadAnswer, [buffer]);
    } else if (req.type === 'run') {
      const session = sessions.get(req.session);
      if (!session) throw new Error(`no session ${req.session} on this thread`);
      const feeds: Record<string, ort.Tensor> = Object.create(null);
      for (const [name, t] of Object.entries(req.feeds)) feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
      const result = await session.run(feeds, req.fetches);
      const outputs: Record<string, WireTensor> = Object.create(null);
      const buffers = new Set<ArrayBuffer>();
      for (const [name, t] of Object.entries(result)) {
        outputs[name] = { type: t.type, dims: [...t.dims], data: t.data };
        const buffer = (t.data as Float32Array).buffer;
        if (buffer instanceof ArrayBuffer) buffers.add(buffer);
      }
      try {
        port.postMessage({ type: 'ran', id: req.id, outputs } satisfies SessionThreadAnswer, [...buffers]);
      } catch {
        // Buffers that cannot be transferred (held by onnxruntime) are copied.
        port.postMessage({ type: 'ran', id: req.id, outputs } satisfies SessionThreadAnswer);
      }
    } else if (req.type === 'release') {
      const session = sessions.get(req.session);
      sessions.delete(req.session);
      await session?.release();
      port.postMessage({ type: 'released', id: req.id } satisfies SessionThreadAnswer);
    } else {
      for (const session of sessions.values()) await session.release().catch(() => undefined);
      sessions.clear();
      port.close();
      process.exit(0);
    }
  } catch (e) {
    port.postMessage({ type: 'failed', id: req.id, message: e instanceof Error ? e.message : String(e) } satisfies SessionThreadAnswer);
  }
}

parentPort?.on('message', (req: SessionThreadRequest) => {
  queue = queue.then(() => serve(req));
});
