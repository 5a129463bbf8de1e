/**
 * Live inference for one open document: an edit that changes what the network computes runs at once
 * when no run of the document is in flight; while one is, only the newest inputs wait and run as soon
 * as it ends (no fixed debounce: a fast model answers every edit, a slow one skips the edits made
 * while it ran). Sends them to the engine (a newer run of the same docId supersedes an older one), ignores stale
 * and superseded replies, and tracks the state the Run panel shows. A crashed engine worker only
 * fails the run in flight — the host restarts the worker and the next run goes through.
 * Plain TypeScript (no React, no DOM), so it is tested directly; use-live-run.ts wraps it in a hook.
 */
import type { EngineClient, EngineEvent, InputPayload, RunResult } from '../../../engine/src/core/api';
import type { ModelDocument } from '../../../engine/src/core/document/schema';
import { keepUnchanged } from './keep-unchanged';
import { t } from '../i18n';

export type LiveRunStatus =
  | { kind: 'idle'; reason: string }
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
  /** Run on every edit (at once, or after the run in flight); otherwise only on runNow(). */
  autoRun: boolean;
  /** Why there is no input, shown while idle (default: asks for an image). */
  idleReason?: string;
  /** A training run of this document: run on its weights as they are now (RunRequest.trainId). */
  trainId?: string;
  /**
   * Nodes whose previews come with every channel (RunRequest.fullPreviews; absent: all). Not part
   * of what the network computes: a change alone runs nothing (the caller refreshes when it needs one).
   */
  fullPreviews?: string[];
  /** Seeds likely next (RunRequest.nextSeeds: next-seeds.ts). Not part of what is computed, like fullPreviews. */
  nextSeeds?: number[];
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

/**
 * Whether going from a to b changes what the network computes (moving or renaming nodes does not).
 * A training run starting does not: it starts from the document's weights, and its updates come
 * through refresh(); one ending (or another taking its place) does.
 */
export function changesComputation(a: LiveRunInputs | undefined, b: LiveRunInputs): boolean {
  if (!a) return true;
  if (a.input !== b.input || a.seed !== b.seed || a.weightsToken !== b.weightsToken || (a.trainId !== b.trainId && a.trainId !== undefined)) return true;
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
  private snapshot: LiveRunSnapshot = { status: { kind: 'idle', reason: t('live.giveImage') }, stale: false };
  private readonly listeners = new Set<() => void>();
  private inputs?: LiveRunInputs;
  /** Inputs of the last run sent. */
  private sent?: LiveRunInputs;
  /** A start is queued for the end of this task (edits in one burst — one event handler — make one run). */
  private startQueued = false;
  private seq = 0;
  private inFlight = false;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  private disposed = false;
  /** Inputs changed (or refresh() came) while a run was in flight: run the newest when it ends. */
  private pending = false;
  /**
   * The input the host was last sent for this document, under its key: the next run of the same
   * input sends `{ kind: 'same', key }` (RunRequest.inputsKey), a few KB instead of the image.
   */
  private named?: { input: InputPayload; key: string };
  private keys = 0;

  constructor(
    private readonly engine: EngineClient,
    readonly docId: string,
    private readonly options: LiveRunOptions = {},
  ) {
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

  /** New document/input/seed/auto-run state. Runs (now, or after the run in flight) when auto-run is on and the change matters. */
  setInputs(next: LiveRunInputs): void {
    const prev = this.inputs;
    this.inputs = next;
    const changed = changesComputation(this.sent, next);
    // The run is queued before listeners hear of the change: a listener that re-renders (React
    // schedules its render as a microtask) would otherwise run first and delay the request.
    const relevant = changesComputation(prev, next) || (prev !== undefined && !prev.autoRun && next.autoRun && changed);
    if (next.input && next.autoRun && relevant && changed) this.schedule();
    if (changed !== this.snapshot.stale) this.patch({ stale: changed });
    if (!next.input) {
      this.pending = false;
      if (!this.inFlight) this.patch({ status: { kind: 'idle', reason: next.idleReason ?? t('live.giveImageHow') } });
    }
  }

  /** Run now (the Run button, Ctrl/Cmd+Enter), superseding a run in flight. */
  runNow(): void {
    this.pending = false;
    this.startQueued = false;
    void this.start();
  }

  /**
   * The weights behind the same inputs changed (a training step): run again when auto-run is on —
   * at once when idle, else once after the run in flight, so a fast trainer never queues runs up.
   */
  refresh(): void {
    if (!this.inputs?.input || !this.inputs.autoRun || this.disposed) return;
    this.schedule();
  }

  /** Stop the run in flight (and any pending one). */
  async cancel(): Promise<void> {
    const wasActive = this.inFlight || this.pending || this.startQueued;
    this.pending = false;
    this.startQueued = false;
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
    this.pending = false;
    this.unsubscribe();
    this.listeners.clear();
  }

  /**
   * Idle: start at the end of this task (a microtask), so the edits of one burst make one run.
   * Busy: remember that the newest inputs must run once the run in flight ends (only the newest:
   * `this.inputs` is always the latest).
   */
  private schedule(): void {
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    if (this.startQueued) return;
    this.startQueued = true;
    queueMicrotask(() => {
      if (!this.startQueued) return;
      this.startQueued = false;
      void this.start();
    });
  }

  /** The run in flight ended (any way): run what waits for it. */
  private next(): void {
    if (!this.pending || this.disposed) return;
    this.pending = false;
    if (this.inputs?.input && this.inputs.autoRun) void this.start();
  }

  private async start(): Promise<void> {
    const inputs = this.inputs;
    if (!inputs?.input || this.disposed) return;
    const seq = ++this.seq;
    this.sent = inputs;
    this.inFlight = true;
    const t0 = this.now();
    const same = this.named?.input === inputs.input;
    if (!same) this.named = { input: inputs.input, key: `input-${++this.keys}` };
    const key = this.named!.key;
    try {
      // The request leaves before anyone hears of the queued state (a listener's render would go first).
      const running = this.engine.run({
        docId: this.docId,
        document: inputs.document,
        ...(same ? { inputs: { kind: 'same', key } } : { inputs: inputs.input, inputsKey: key }),
        ...(inputs.seed !== undefined ? { seed: inputs.seed } : {}),
        ...(inputs.weightsToken !== undefined ? { weightsToken: inputs.weightsToken } : {}),
        ...(inputs.trainId !== undefined ? { trainId: inputs.trainId } : {}),
        ...(inputs.fullPreviews ? { fullPreviews: inputs.fullPreviews } : {}),
        ...(inputs.nextSeeds?.length ? { nextSeeds: inputs.nextSeeds } : {}),
        ...this.options.request,
      });
      this.patch({ status: { kind: 'queued' }, stale: false });
      const result = await running;
      if (seq !== this.seq || this.disposed) return;
      this.inFlight = false;
      const totalMs = this.now() - t0;
      this.patch({
        status: { kind: 'done', workerMs: result.timeMs, totalMs, skipped: result.skipped.length },
        result: keepUnchanged(this.snapshot.result, result),
        resultDocument: inputs.document,
        lastTotalMs: totalMs,
        notice: undefined,
      });
      this.next();
    } catch (e) {
      const { code, message } = errorInfo(e);
      if (code === 'superseded' || seq !== this.seq || this.disposed) return;
      this.inFlight = false;
      if (code === 'inputs-gone' && same) {
        // The host let go of the image (restarted, or forgot this document): send it again.
        if (this.named?.key === key) this.named = undefined;
        void this.start();
        return;
      }
      if (code === 'cancelled') {
        this.patch({ status: { kind: 'cancelled' } });
        return;
      }
      const why = code === 'worker-crashed' ? `${message}${t('live.restarted')}` : message;
      // The run did not happen: the same inputs may be tried again.
      this.sent = undefined;
      this.patch({ status: { kind: 'failed', code, message: why }, stale: true });
      this.next();
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    if (this.disposed) return;
    if (e.type === 'worker-restarted') {
      this.patch({ notice: t('live.workerRestarted', { reason: e.reason }) });
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
