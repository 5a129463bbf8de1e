/**
 * Live inference for one open document: debounces edits that change what the network computes,
 * sends them to the engine (a newer run of the same docId supersedes an older one), ignores stale
 * and superseded replies, and tracks the state the Run panel shows. A crashed engine worker only
 * fails the run in flight — the host restarts the worker and the next run goes through.
 * Plain TypeScript (no React, no DOM), so it is tested directly; use-live-run.ts wraps it in a hook.
 */
import type { EngineClient, EngineEvent, InputPayload, RunResult } from '../../../engine/src/core/api';
import type { ModelDocument } from '../../../engine/src/core/document/schema';

export type LiveRunStatus =
  | { kind: 'idle'; reason: string }
  | { kind: 'waiting' }
  | { kind: 'queued' }
  | { kind: 'running'; startedAt: number }
  | { kind: 'done'; workerMs: number; totalMs: number; skipped: number }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'cancelled' };

export interface LiveRunInputs {
  document: ModelDocument;
  /** What enters the Input node(s); no run happens without one. */
  input?: InputPayload;
  /** Weight seed; overrides document.seed. */
  seed?: number;
  /** The document's sidecar weights, held by the host (RunRequest.weightsToken). */
  weightsToken?: string;
  /** Run on every edit (debounced); otherwise only on runNow(). */
  autoRun: boolean;
  /** Why there is no input, shown while idle (default: asks for an image). */
  idleReason?: string;
  /** A training run of this document: run on its weights as they are now (RunRequest.trainId). */
  trainId?: string;
}

export interface LiveRunSnapshot {
  status: LiveRunStatus;
  /** The latest successful result, kept while newer runs are in flight or after a failure. */
  result?: RunResult;
  /** The document that produced `result`. */
  resultDocument?: ModelDocument;
  /** Wall time from the request to the result, ms (includes transport). */
  lastTotalMs?: number;
  /** Set when the engine worker restarted (crash, out of memory); cleared by the next successful run. */
  notice?: string;
  /** Whether inputs changed since the last run started (the Run button is then highlighted). */
  stale: boolean;
}

export interface LiveRunOptions {
  debounceMs?: number;
  now?: () => number;
  /** Extra fields for every request (timeouts, tensors to return). */
  request?: { timeoutMs?: number; tensors?: 'outputs' | 'all' | 'none' | string[] };
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

function errorInfo(e: unknown): { code: string; message: string } {
  const x = (e ?? {}) as ErrorLike;
  const code = typeof x.code === 'string' ? x.code : 'internal';
  const message = typeof x.message === 'string' && x.message ? x.message : String(e);
  return { code, message };
}

/** Whether going from a to b changes what the network computes (moving or renaming nodes does not). */
export function changesComputation(a: LiveRunInputs | undefined, b: LiveRunInputs): boolean {
  if (!a) return true;
  if (a.input !== b.input || a.seed !== b.seed || a.weightsToken !== b.weightsToken || a.trainId !== b.trainId) return true;
  const x = a.document;
  const y = b.document;
  if (x === y) return false;
  if (x.seed !== y.seed || x.edges !== y.edges || x.nodes.length !== y.nodes.length || x.weightsFile !== y.weightsFile) return true;
  for (let i = 0; i < x.nodes.length; i++) {
    const p = x.nodes[i];
    const q = y.nodes[i];
    if (p !== q && (p.id !== q.id || p.type !== q.type || p.params !== q.params || p.weights !== q.weights)) return true;
  }
  return false;
}

export class LiveRunController {
  private snapshot: LiveRunSnapshot = { status: { kind: 'idle', reason: 'Give the network an image to run it.' }, stale: false };
  private readonly listeners = new Set<() => void>();
  private inputs?: LiveRunInputs;
  /** Inputs of the last run sent. */
  private sent?: LiveRunInputs;
  private timer?: ReturnType<typeof setTimeout>;
  private seq = 0;
  private inFlight = false;
  private readonly unsubscribe: () => void;
  private readonly debounceMs: number;
  private readonly now: () => number;
  private disposed = false;
  /** refresh() came while a run was in flight: run again when it ends. */
  private refreshPending = false;

  constructor(
    private readonly engine: EngineClient,
    readonly docId: string,
    private readonly options: LiveRunOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 150;
    this.now = options.now ?? (() => performance.now());
    this.unsubscribe = engine.onEvent((e) => this.onEngineEvent(e));
  }

  getSnapshot = (): LiveRunSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** New document/input/seed/auto-run state. Schedules a debounced run when auto-run is on and the change matters. */
  setInputs(next: LiveRunInputs): void {
    const prev = this.inputs;
    this.inputs = next;
    const changed = changesComputation(this.sent, next);
    if (changed !== this.snapshot.stale) this.patch({ stale: changed });
    if (!next.input) {
      this.clearTimer();
      if (!this.inFlight) this.patch({ status: { kind: 'idle', reason: next.idleReason ?? 'Give the network an image to run it: drop one, pick a sample, paste, or draw.' } });
      return;
    }
    const relevant = changesComputation(prev, next) || (prev !== undefined && !prev.autoRun && next.autoRun && changed);
    if (next.autoRun && relevant && changed) this.schedule();
  }

  /** Run now (the Run button, Ctrl/Cmd+Enter), skipping the debounce. */
  runNow(): void {
    this.clearTimer();
    void this.start();
  }

  /**
   * The weights behind the same inputs changed (a training step): run again when auto-run is on —
   * at once when idle, else once after the run in flight, so a fast trainer never queues runs up.
   */
  refresh(): void {
    if (!this.inputs?.input || !this.inputs.autoRun || this.disposed) return;
    if (this.inFlight || this.timer !== undefined) {
      this.refreshPending = true;
      return;
    }
    void this.start();
  }

  /** Stop the run in flight (and any pending one). */
  async cancel(): Promise<void> {
    this.clearTimer();
    const wasActive = this.inFlight || this.snapshot.status.kind === 'waiting';
    this.seq++; // whatever comes back now is stale
    this.inFlight = false;
    if (wasActive) this.patch({ status: { kind: 'cancelled' } });
    try {
      await this.engine.cancel(this.docId);
    } catch {
      // Nothing to cancel, or the host is gone; the state above already says cancelled.
    }
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.unsubscribe();
    this.listeners.clear();
  }

  private schedule(): void {
    this.clearTimer();
    if (!this.inFlight) this.patch({ status: { kind: 'waiting' } });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.start();
    }, this.debounceMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async start(): Promise<void> {
    const inputs = this.inputs;
    if (!inputs?.input || this.disposed) return;
    const seq = ++this.seq;
    this.sent = inputs;
    this.inFlight = true;
    const t0 = this.now();
    this.patch({ status: { kind: 'queued' }, stale: false });
    try {
      const result = await this.engine.run({
        docId: this.docId,
        document: inputs.document,
        inputs: inputs.input,
        ...(inputs.seed !== undefined ? { seed: inputs.seed } : {}),
        ...(inputs.weightsToken !== undefined ? { weightsToken: inputs.weightsToken } : {}),
        ...(inputs.trainId !== undefined ? { trainId: inputs.trainId } : {}),
        ...this.options.request,
      });
      if (seq !== this.seq || this.disposed) return;
      this.inFlight = false;
      const totalMs = this.now() - t0;
      this.patch({
        status: { kind: 'done', workerMs: result.timeMs, totalMs, skipped: result.skipped.length },
        result,
        resultDocument: inputs.document,
        lastTotalMs: totalMs,
        notice: undefined,
      });
      if (this.refreshPending && this.timer === undefined) {
        this.refreshPending = false;
        void this.start();
      }
    } catch (e) {
      const { code, message } = errorInfo(e);
      if (code === 'superseded' || seq !== this.seq || this.disposed) return;
      this.inFlight = false;
      if (code === 'cancelled') {
        this.patch({ status: { kind: 'cancelled' } });
        return;
      }
      const why = code === 'worker-crashed' ? `${message} The engine restarted — edit the model or press Run to try again.` : message;
      // The run did not happen: the same inputs may be tried again.
      this.sent = undefined;
      this.patch({ status: { kind: 'failed', code, message: why }, stale: true });
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    if (this.disposed) return;
    if (e.type === 'worker-restarted') {
      this.patch({ notice: `The engine worker restarted (${e.reason}).` });
      return;
    }
    if (e.type !== 'run-state' || e.docId !== this.docId || !this.inFlight) return;
    if (e.state === 'running' && this.snapshot.status.kind === 'queued') this.patch({ status: { kind: 'running', startedAt: this.now() } });
  }

  private patch(p: Partial<LiveRunSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...p };
    for (const l of [...this.listeners]) l();
  }
}
