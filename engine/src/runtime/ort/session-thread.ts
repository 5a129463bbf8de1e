/**
 * onnxruntime sessions on a thread of their own (session-thread-entry.ts). onnxruntime-node creates
 * a session synchronously on the calling thread — baking ResNet-50's seeded weights into a session
 * (OrtBackend.bake) blocked the engine's thread for 300–700 ms, and an edit arriving meanwhile waited
 * for it. A session made here is created, run and released on the helper thread: the engine's thread
 * only encodes the model (into a buffer lent to the thread and given back) and copies each run's
 * feeds over; the outputs come back transferred.
 *
 * One thread per process, started on first use and never terminated while it may hold onnxruntime
 * (docs/engine-runtime.md, "never terminate() a thread that has onnxruntime loaded"): `shutdown()`
 * asks it to release its sessions and exit. A thread that fails or exits rejects what was asked of it,
 * and the next `create` starts another.
 */
import type { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { SessionThreadAnswer, SessionThreadRequest, WireTensor } from './session-thread-entry';
import { startThread } from '../thread-start';

/** What a run needs of a session: OrtBackend runs an `ort.InferenceSession` or one of these alike. */
export interface RunnableSession {
  run(feeds: Record<string, ort.Tensor>, fetches: string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

/** Makes sessions elsewhere (a SessionThread; tests put a slower or failing one in its place). */
export interface SessionMaker {
  /** A session of the model that `encode` writes into the buffer it is given (of the size it asks for). */
  create(encode: (buffer: (size: number) => Uint8Array) => Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<RunnableSession>;
  shutdown(): Promise<void>;
}

interface Pending {
  resolve(answer: SessionThreadAnswer): void;
  reject(e: Error): void;
}

export class SessionThread implements SessionMaker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /**
   * The buffer models are encoded into, lent to the thread with each model and given back once its
   * session exists: memory already touched is many times faster to fill than fresh (ResNet-50 with its
   * weights: ~100 MB). Absent while lent (a second model meanwhile gets a buffer of its own).
   */
  private modelBuffer: ArrayBuffer | undefined = new ArrayBuffer(0);

  async create(encode: (buffer: (size: number) => Uint8Array) => Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<RunnableSession> {
    const worker = this.start();
    const lent = this.modelBuffer;
    this.modelBuffer = undefined;
    const model = encode((size) => {
      const buffer = lent && lent.byteLength >= size ? lent : new ArrayBuffer(Math.ceil(size * 1.05));
      return new Uint8Array(buffer, 0, size);
    });
    const answer = await this.ask(worker, { type: 'create', id: 0, model, options }, [model.buffer as ArrayBuffer]).catch((e: Error) => {
      // Not transferred (the message failed before it left): still ours. A transferred one has length 0.
      if (lent && lent.byteLength > 0) this.modelBuffer ??= lent;
      throw e;
    });
    if (answer.type !== 'created') throw new Error('session thread: unexpected answer');
    const held = this.modelBuffer as ArrayBuffer | undefined; // another model may have been lent and given back meanwhile
    if (answer.buffer && answer.buffer.byteLength >= (held?.byteLength ?? 0)) this.modelBuffer = answer.buffer;
    return this.session(worker, answer.session);
  }

  /** Asks the thread to release every session and exit, and waits for it (terminated only if it does not exit within 10 s). */
  async shutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'shutdown', id: 0 } satisfies SessionThreadRequest);
    const timer = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private session(worker: Worker, id: number): RunnableSession {
    let released = false;
    return {
      run: async (feeds, fetches) => {
        if (released) throw new Error('session thread: the session was released');
        const wire: Record<string, WireTensor> = Object.create(null);
        const transfer: ArrayBuffer[] = [];
        for (const [name, t] of Object.entries(feeds)) {
          // A copy of just the tensor's values (a view's whole buffer would otherwise be cloned), which
          // the thread may keep: the caller's arrays stay the caller's.
          const data = (t.data as Float32Array).slice();
          transfer.push(data.buffer);
          wire[name] = { type: t.type, dims: [...t.dims], data };
        }
        const answer = await this.ask(worker, { type: 'run', id: 0, session: id, feeds: wire, fetches }, transfer);
        if (answer.type !== 'ran') throw new Error('session thread: unexpected answer');
        const out: Record<string, ort.Tensor> = Object.create(null);
        for (const [name, t] of Object.entries(answer.outputs)) out[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
        return out;
      },
      release: async () => {
        if (released) return;
        released = true;
        // A thread that is gone took its sessions with it.
        if (this.worker !== worker) return;
        await this.ask(worker, { type: 'release', id: 0, session: id }, []).catch(() => undefined);
      },
    };
  }

  private ask(worker: Worker, request: SessionThreadRequest, transfer: ArrayBuffer[]): Promise<SessionThreadAnswer> {
    // A thread that exited, or was shut down, answers nothing.
    if (this.worker !== worker) return Promise.reject(new Error('the session thread exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ ...request, id }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(e as Error);
      }
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // Bundled (scripts/build.mjs): beside the engine worker.
    const worker = startThread(import.meta.url, './session-thread-entry.ts', './session-thread.cjs');
    if (!worker) throw new Error('session thread: its file is missing');
    // Never keeps a process alive (the CLI); sessions it holds go with the process.
    worker.unref();
    worker.on('message', (answer: SessionThreadAnswer) => {
      const p = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (!p) return;
      if (answer.type === 'failed') p.reject(new Error(answer.message));
      else p.resolve(answer);
    });
    worker.on('error', (e) => this.fail(worker, e));
    worker.on('exit', () => this.fail(worker, new Error('the session thread exited')));
    this.worker = worker;
    return worker;
  }

  private fail(worker: Worker, e: Error): void {
    if (this.worker === worker) this.worker = undefined;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
