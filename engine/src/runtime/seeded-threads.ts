/**
 * Seeded weights generated on every core at once. A seed edit of ResNet-50 makes 25.5 M He-normal
 * values (core/weights/seeded.ts: ≈ 7 ns each on one core in JavaScript, ~180 ms; 3–4 ns in its
 * WebAssembly transcription, normal.wat, plus ~2 ns a value to fault in fresh memory); the onnxruntime backend
 * hands the weights a compilation will need to this pool first (`generate`), which splits them
 * among its threads and this one, largest first. The values are the same as generating them here
 * (each weight is one stream, made whole by one thread).
 *
 * The threads start on first use and stay (unreferenced: they never keep a process alive). Where
 * the thread entry cannot be found (a bundle without it: the CLI's), or the work is small, weights
 * are made on this thread as before.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { numel } from '../core/shape';
import { seededWeight } from '../core/weights/resolve';
import type { SeededAnswer, SeededJob } from './seeded-thread';
import { startThread } from './thread-start';

/** Below this many values in all, threads are not worth a message (≈ 7 ms of work). */
export const SEEDED_THREADS_MIN_VALUES = 1 << 20;

const count = (j: SeededJob) => numel(j.spec.shape);
/** A job's work, in values made: a prefix is copied (about a quarter of making a value), the rest made. */
const work = (j: SeededJob) => (j.prefix ? Math.max(0, count(j) - j.prefix.values.length) + Math.min(count(j), j.prefix.values.length) / 4 : count(j));

/** Weights made, in the order asked, with each He-normal stream's state after them (undefined where not known). */
export interface SeededWeights {
  arrays: Float32Array[];
  states: (number | undefined)[];
}

interface Pending {
  resolve(answer: SeededAnswer): void;
  reject(e: Error): void;
}

export class SeededThreads {
  private workers: Worker[] | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** `threads`: helper threads beside this one (default: one per core but this one's). */
  constructor(private readonly threads = Math.max(1, availableParallelism() - 1)) {}

  /**
   * The weights of `jobs`, in order. A job's `out` is filled and returned (as another view of the
   * same memory when a thread filled it: the given view is detached by the transfer).
   */
  async generate(jobs: readonly SeededJob[]): Promise<SeededWeights> {
    const arrays = new Array<Float32Array>(jobs.length);
    const states = new Array<number | undefined>(jobs.length);
    const here = (i: number) => {
      const made = seededWeight(jobs[i].spec, jobs[i].primId, jobs[i].seed, jobs[i].out, jobs[i].prefix);
      arrays[i] = made.data;
      states[i] = made.state;
    };
    const total = jobs.reduce((n, j) => n + work(j), 0);
    const workers = total >= SEEDED_THREADS_MIN_VALUES ? this.start() : undefined;
    if (!workers?.length) {
      jobs.forEach((_, i) => here(i));
      return { arrays, states };
    }
    // Largest first, each to the least loaded of the helpers and this thread (index workers.length);
    // jobs made from a prefix (held by the caller) on this thread.
    const loads = new Array<number>(workers.length + 1).fill(0);
    const shares: number[][] = loads.map(() => []);
    const order = jobs.map((j, i) => i).sort((a, b) => Number(!!jobs[b].prefix) - Number(!!jobs[a].prefix) || work(jobs[b]) - work(jobs[a]));
    for (const i of order) {
      const k = jobs[i].prefix ? workers.length : loads.indexOf(Math.min(...loads));
      shares[k].push(i);
      loads[k] += work(jobs[i]);
    }
    const asked = workers.map((w, k) => (shares[k].length ? this.ask(w, shares[k].map((i) => jobs[i])) : Promise.resolve(undefined)));
    for (const i of shares[workers.length]) here(i);
    const answers = await Promise.all(asked);
    answers.forEach((answer, k) =>
      answer?.out.forEach((a, m) => {
        arrays[shares[k][m]] = a;
        states[shares[k][m]] = answer.states[m];
      }),
    );
    return { arrays, states };
  }

  /** Helper threads running (tests). */
  get started(): number {
    return this.workers?.length ?? 0;
  }

  async dispose(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private ask(worker: Worker, jobs: SeededJob[]): Promise<SeededAnswer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, jobs }, jobs.flatMap((j) => (j.out ? [j.out.buffer as ArrayBuffer] : [])));
    });
  }

  /** The helper threads, started on first use; none where the thread entry is missing. */
  private start(): Worker[] {
    if (this.workers) return this.workers;
    this.workers = [];
    for (let k = 0; k < this.threads; k++) {
      // Bundled: beside the engine worker.
      const worker = startThread(import.meta.url, './seeded-thread.ts', './seeded-thread.cjs');
      if (!worker) return this.workers;
      worker.unref();
      worker.on('message', (msg: SeededAnswer) => {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg);
      });
      worker.on('error', (e) => this.fail(worker, e));
      worker.on('exit', () => this.fail(worker, new Error('a seeded-weights thread exited')));
      this.workers.push(worker);
    }
    return this.workers;
  }

  /** A thread died: what waits fails (the caller then compiles on its own thread) and no thread is used again. */
  private fail(worker: Worker, e: Error): void {
    if (!this.workers?.includes(worker)) return;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    void this.dispose();
    this.workers = [];
  }
}

/** The thread entry: the TypeScript file through tsx's bootstrap in dev and tests, else seeded-thread.cjs beside this bundle. */
