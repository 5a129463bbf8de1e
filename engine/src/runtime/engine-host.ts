/**
 * EngineHost — the engine as the Electron main process, the browser-mode server and tests see it:
 * an EngineClient backed by one engine worker, reached through an EngineChannel (channel.ts): a
 * worker thread, or — `isolation: 'process'`, the default for onnxruntime — a process of its own,
 * so that a native abort or out-of-memory in onnxruntime ends that process, not the host.
 *
 * - Requests get ids and run one at a time in the worker, in arrival order.
 * - Latest wins per docId: a newer run of the same document rejects the older queued one (and the
 *   one running, whose result is then dropped) with code 'superseded'; `cancel(docId)` does the same
 *   with 'cancelled'. A superseded result is never delivered.
 * - At most `maxQueuedJobs` requests wait; more are refused with 'busy' (a newer run of a document
 *   replaces its queued one first, so live editing never fills the queue).
 * - Every request has a timeout (from when it starts running; at most MAX_TIMEOUT_MS, whatever the
 *   caller asks): the worker is killed and restarted, the request rejected with 'timeout'. A
 *   cancelled run that the worker does not give up within `cancelGraceMs` also gets the worker
 *   restarted, so the next request is not stuck behind it.
 * - If the worker dies, the request in flight is rejected ('worker-crashed', or 'out-of-memory' when
 *   it hit its resourceLimits), a 'worker-restarted' event is emitted and later requests are served
 *   by a fresh worker.
 * - Results come back with their typed arrays transferred from the worker, not copied.
 */
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import type { DataPreview, DataSample, EngineClient, EngineEvent, ImportedModel, RunRequest, RunResult, SameInputs, TensorResult, TrainData, TrainRequest, TrainStarted, WeightsHandle } from '../core/api';
import type { InputParams } from '../core/ops/input';
import { TrainingHost } from './train/training-host';
import type { ModelDocument } from '../core/document/schema';
import { copyInputs, HeldInputs } from './held-inputs';
import { unpackPreviews } from './preview-packing';
import { EngineError } from './errors';
import { DEFAULT_LIMITS, type ExecuteResult } from './execute';
import type { BackendName, HostToWorker, SizeLimits, WeightsRef, WorkerInit, WorkerRunRequest, WorkerToHost } from './protocol';
import type { InputShape, OnnxImportResult } from '../core/onnx/import';
import { DEFAULT_SIDECAR_MIN_VALUES, isPlainFileName, sidecarNameProblem } from '../core/weights/sidecar';
import { WeightsStore } from './weights-store';
import { DEFAULT_BACKEND } from './backends';
import type { EngineChannel, EngineSpawn, Isolation } from './channel';
import { OUT_OF_MEMORY } from './channel';
import { processChannel } from './process-channel';
import { threadChannel } from './thread-channel';

export interface EngineHostOptions {
  /** 'ort' (onnxruntime-node, default) or 'reference' (plain TypeScript). */
  backend?: BackendName;
  /**
   * The worker script. Required when this module is bundled (Electron): point it at the bundled
   * engine worker (entry engine/src/runtime/worker.ts). By default, next to this module: worker.ts
   * (run through tsx in dev/tests), or worker.js.
   */
  workerPath?: string | URL;
  /**
   * 'process' runs the engine in a child process (a native abort or OOM there cannot take the host
   * down; timeouts and stuck cancels just SIGKILL it); 'thread' in a worker thread of this process.
   * Default: 'process' for the 'ort' backend, 'thread' for 'reference'.
   */
  isolation?: Isolation;
  /**
   * Starts one engine worker. Default: a worker thread or a Node child process (per `isolation`).
   * Electron passes a utility-process channel (main/utility-process-channel.ts): Electron cannot
   * fork itself as Node. The channel's own `isolation` decides how it is ended.
   */
  spawnChannel?: (spawn: EngineSpawn) => EngineChannel;
  /** Per-request timeout when the request does not give one (default 120 s). */
  timeoutMs?: number;
  /** The longest timeout a request may ask for; longer ones are clamped to it (default MAX_TIMEOUT_MS). */
  maxTimeoutMs?: number;
  /** Requests that may wait at once; beyond, calls are refused with 'busy' (default MAX_QUEUED_JOBS). */
  maxQueuedJobs?: number;
  /** How long a cancelled run may keep the worker busy before the worker is restarted (default: 2 s for the reference backend, the request's timeout for onnxruntime). */
  cancelGraceMs?: number;
  /** How long a retired onnxruntime worker may take to finish its native work before it is terminated (default 120 s). */
  shutdownTimeoutMs?: number;
  /** V8 heap limits of the worker (default: 4 GiB old generation). */
  resourceLimits?: ResourceLimits;
  /** Graphs over these totals are refused with 'too-large' before anything is allocated. */
  limits?: Partial<SizeLimits>;
  /** Where sidecar weights are held by token (shared with the file service); a fresh store by default. */
  weights?: WeightsStore;
  /** importOnnxModel: tensors of at least this many values go to the sidecar (default DEFAULT_SIDECAR_MIN_VALUES: 256 KiB). */
  importSidecarMinValues?: number;
  /** inlineWeights: tensors over this many values are refused (default: the importer's MAX_INLINE_VALUES; tests lower it). */
  inlineMaxValues?: number;
  /** The built-in MNIST digits' folder in a bundled app (dist/engine/mnist); default: the mnist package. */
  mnistDir?: string;
}

type Kind = 'run' | 'fetch' | 'export-onnx' | 'export-pytorch' | 'import-onnx' | 'inline-weights' | 'preview-data' | 'data-samples';

interface Job {
  id: number;
  kind: Kind;
  docId?: string;
  message: HostToWorker;
  /** Sidecar weights the request needs (attached when the job is sent to the worker). */
  weightsToken?: string;
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(error: EngineError): void;
  settled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

interface WorkerSlot {
  channel: EngineChannel;
  /** Resolves when the worker has exited. */
  exited: Promise<void>;
  ready: boolean;
  /** Sidecar tokens this worker holds (sent to it once; a new worker starts with none). */
  weights: Set<string>;
  /** The inputs this worker keeps per document (sent again only when they change). */
  inputs: HeldInputs;
  /** Set when we end it ourselves (stop, timeout, stuck cancel): its exit is not a crash. */
  ending?: string;
  lastError?: Error & { code?: string };
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Documents whose named inputs (RunRequest.inputsKey) the host keeps, least recently named dropped first. */
const NAMED_INPUTS_DOCS = 16;

const isSameInputs = (inputs: RunRequest['inputs']): inputs is SameInputs => (inputs as SameInputs).kind === 'same';
/** No request may keep the engine longer than this (10 min), whatever timeout it asks for. */
export const MAX_TIMEOUT_MS = 600_000;
/** Requests waiting at most (a live-editing client has one run per document waiting, plus a few fetches). */
export const MAX_QUEUED_JOBS = 64;

export class EngineHost implements EngineClient {
  private readonly backend: BackendName;
  /** Where the engine runs (the `isolation` option, or its default for the backend). */
  readonly isolation: Isolation;
  private readonly limits: SizeLimits;
  private slot: WorkerSlot | undefined;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private nextId = 1;
  private stopped = false;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** Inputs a client named (RunRequest.inputsKey), by docId, newest last: what `{ kind: 'same', key }` refers to. */
  private readonly namedInputs = new Map<string, { key: string; inputs: WorkerRunRequest['inputs'] }>();
  /** The last delivered run of each docId: its request and run id (fetchTensor reads from it). */
  private readonly lastRuns = new Map<string, { runId: number; request: WorkerRunRequest; weightsToken?: string }>();
  /** Sidecar weights by token: the documents' `weightsFile` bytes, held here and sent to the worker once each. */
  readonly weights: WeightsStore;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private readyWaiters: { resolve(): void; reject(e: EngineError): void }[] = [];
  /** Training runs in the worker, beside the queue (train/training-host.ts). */
  private readonly training = new TrainingHost<WorkerSlot>({ emit: (e) => this.emit(e), holdWeights: (bytes, file) => this.weights.add(bytes, file) });

  constructor(private readonly options: EngineHostOptions = {}) {
    this.backend = options.backend ?? DEFAULT_BACKEND;
    this.isolation = options.isolation ?? (this.backend === 'ort' ? 'process' : 'thread');
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.weights = options.weights ?? new WeightsStore();
    // Whoever releases weights (the editor, or the store making room), the worker drops its copy.
    this.weights.onRelease((token) => {
      const slot = this.slot;
      if (slot?.weights.delete(token)) slot.channel.postMessage({ type: 'drop-weights', token } satisfies HostToWorker);
    });
  }

  /** The engine process's id, while one runs (process isolation): for logs and benchmarks. */
  get workerPid(): number | undefined {
    return this.slot?.channel.pid;
  }

  /** Starts the worker and waits until it has loaded its backend. Calls start it on demand too. */
  async start(): Promise<void> {
    this.stopped = false;
    const slot = this.ensureWorker();
    if (!slot.ready) await new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Rejects everything pending ('cancelled') and ends the worker. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pending = [...this.queue.splice(0), ...(this.current ? [this.current] : [])];
    this.current = undefined;
    for (const job of pending) this.settle(job, new EngineError('cancelled', 'The engine was shut down.'));
    clearTimeout(this.graceTimer);
    const slot = this.slot;
    this.slot = undefined;
    this.lastRuns.clear();
    this.namedInputs.clear();
    for (const w of this.readyWaiters.splice(0)) w.resolve();
    if (slot) {
      this.training.workerEnded(slot, 'the engine was shut down');
      await this.retire(slot, 'stop');
    }
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  run(req: RunRequest): Promise<RunResult> {
    let inputs: WorkerRunRequest['inputs'];
    if (isSameInputs(req.inputs)) {
      const named = this.namedInputs.get(req.docId);
      if (named?.key !== req.inputs.key) return Promise.reject(new EngineError('inputs-gone', `The engine no longer holds the inputs "${req.inputs.key}" of document "${req.docId}" — send them again.`));
      inputs = named.inputs;
    } else {
      inputs = req.inputs;
      if (req.inputsKey !== undefined) {
        this.namedInputs.delete(req.docId);
        // A copy: an in-process caller may fill the same array with its next image.
        this.namedInputs.set(req.docId, { key: req.inputsKey, inputs: copyInputs(inputs) });
        if (this.namedInputs.size > NAMED_INPUTS_DOCS) this.namedInputs.delete(this.namedInputs.keys().next().value!);
      }
    }
    const request: WorkerRunRequest = {
      document: req.document,
      inputs,
      previews: req.previews ?? true,
      ...(req.fullPreviews ? { fullPreviews: req.fullPreviews } : {}),
      tensors: req.tensors ?? 'outputs',
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...(req.trainId !== undefined ? { trainId: req.trainId } : {}),
      ...(req.nextSeeds?.length ? { nextSeeds: req.nextSeeds } : {}),
    };
    this.dropRuns(req.docId, 'superseded', 'A newer run of this document replaced this one.');
    const token = req.weightsToken;
    return this.enqueue<ExecuteResult>('run', { type: 'run', id: 0, request, docId: req.docId }, req.timeoutMs, req.docId, token).then(({ id, value }) => {
      this.lastRuns.set(req.docId, { runId: id, request, ...(token !== undefined ? { weightsToken: token } : {}) });
      return { runId: id, docId: req.docId, ...value };
    });
  }

  async cancel(docId: string): Promise<void> {
    this.dropRuns(docId, 'cancelled', 'The run was cancelled.');
  }

  /**
   * The client of docId is gone (a browser tab closed): its runs are cancelled and what is kept for
   * it — its last run (for fetchTensor) and the inputs the worker holds — is dropped.
   */
  async forget(docId: string): Promise<void> {
    this.dropRuns(docId, 'cancelled', 'The page that asked for this run went away.');
    this.lastRuns.delete(docId);
    this.namedInputs.delete(docId);
    this.slot?.inputs.forget(docId);
  }

  async fetchTensor(docId: string, nodeId: string): Promise<TensorResult> {
    const last = this.lastRuns.get(docId);
    if (!last) throw new EngineError('bad-input', `No finished run of document "${docId}" to take node "${nodeId}" from — run it first.`);
    if (!last.request.document.nodes.some((n) => n.id === nodeId)) throw new EngineError('bad-input', `Document "${docId}" has no node "${nodeId}".`);
    // The worker runs the request once more for every node's full output (one cached all-outputs
    // session on onnxruntime) and keeps them until the next run of docId: later fetches of this run
    // are answered from memory (run-tensors.ts).
    const message: HostToWorker = { type: 'fetch', id: 0, docId, runId: last.runId, nodeId, request: last.request };
    return (await this.enqueue<TensorResult>('fetch', message, undefined, docId, last.weightsToken)).value;
  }

  async exportOnnx(document: ModelDocument, seed?: number, weightsToken?: string): Promise<Uint8Array> {
    return (await this.enqueue<Uint8Array>('export-onnx', { type: 'export-onnx', id: 0, document, ...(seed !== undefined ? { seed } : {}) }, undefined, undefined, weightsToken)).value;
  }

  async exportPyTorch(document: ModelDocument, weightsToken?: string): Promise<{ code: string; weights?: Uint8Array }> {
    return (await this.enqueue<{ code: string; weights?: Uint8Array }>('export-pytorch', { type: 'export-pytorch', id: 0, document }, undefined, undefined, weightsToken)).value;
  }

  /** The document made self-contained from the sidecar held by weightsToken (File ▸ Export JSON); done in the worker, off this thread. */
  async inlineWeights(document: ModelDocument, weightsToken: string): Promise<ModelDocument> {
    const maxValues = this.options.inlineMaxValues;
    const message: HostToWorker = { type: 'inline-weights', id: 0, document, ...(maxValues !== undefined ? { maxValues } : {}) };
    return (await this.enqueue<ModelDocument>('inline-weights', message, undefined, undefined, weightsToken)).value;
  }

  async importOnnx(bytes: Uint8Array, name?: string, inputShape?: InputShape): Promise<ModelDocument> {
    const message: HostToWorker = { type: 'import-onnx', id: 0, bytes, ...(name !== undefined ? { name } : {}), ...(inputShape ? { inputShape } : {}) };
    return (await this.enqueue<ModelDocument>('import-onnx', message)).value;
  }

  /**
   * Import; tensors of 256 KiB and more (`importSidecarMinValues`) go to a
   * sidecar named "<name>.weights.bin" that stays here, held by token, until the document is saved.
   */
  async importOnnxModel(bytes: Uint8Array, name?: string, inputShape?: InputShape): Promise<ImportedModel> {
    const weightsFile = sidecarFileFor(name);
    const minValues = this.options.importSidecarMinValues ?? DEFAULT_SIDECAR_MIN_VALUES;
    const message: HostToWorker = { type: 'import-onnx', id: 0, bytes, ...(name !== undefined ? { name } : {}), sidecar: { weightsFile, minValues }, ...(inputShape ? { inputShape } : {}) };
    const { document, sidecar } = (await this.enqueue<OnnxImportResult>('import-onnx', message)).value;
    if (!sidecar) return { document };
    return { document, weights: this.weights.add(sidecar, weightsFile) };
  }

  /** Hold sidecar bytes the caller read itself (browser mode: the file the user picked). */
  async attachWeights(bytes: Uint8Array, file: string): Promise<WeightsHandle> {
    const bad = sidecarNameProblem(file);
    if (bad) throw new EngineError('bad-input', bad);
    return this.weights.add(bytes, file);
  }

  async readWeights(token: string): Promise<Uint8Array> {
    const held = this.weights.get(token);
    if (!held) throw new EngineError('bad-input', 'These weights are no longer held by the engine host — reopen the model with its weights file.');
    return held.bytes;
  }

  async releaseWeights(token: string): Promise<void> {
    this.weights.release(token);
  }

  /** Loads training data for an Input and describes it (in the worker; the data stays there for training). */
  async previewData(data: TrainData, input: InputParams): Promise<DataPreview> {
    return (await this.enqueue<DataPreview>('preview-data', { type: 'preview-data', id: 0, data, input })).value;
  }

  async dataSamples(data: TrainData, input: InputParams, indices: number[]): Promise<DataSample[]> {
    return (await this.enqueue<DataSample[]>('data-samples', { type: 'data-samples', id: 0, data, input, indices })).value;
  }

  /**
   * Starts a training run in the worker, beside the request queue (runs wait at most one training
   * step). Resolves once the data is loaded and checked; events follow.
   */
  async startTraining(req: TrainRequest): Promise<TrainStarted> {
    if (req.weightsToken !== undefined && !this.weights.has(req.weightsToken)) throw missingWeights();
    await this.start();
    const slot = this.slot;
    if (!slot?.ready) throw new EngineError('worker-crashed', 'The engine is not running — try again.');
    let weights: WeightsRef | undefined;
    if (req.weightsToken !== undefined) {
      weights = slot.weights.has(req.weightsToken) ? { token: req.weightsToken } : { token: req.weightsToken, bytes: this.weights.get(req.weightsToken)!.bytes };
      slot.weights.add(req.weightsToken);
    }
    const { trainId, started } = this.training.begin(req.docId, slot);
    slot.channel.postMessage({ type: 'train-start', trainId, docId: req.docId, document: req.document, data: req.data, ...(req.config ? { config: req.config } : {}), ...(weights ? { weights } : {}) } satisfies HostToWorker);
    return started;
  }

  async controlTraining(trainId: string, action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const slot = this.training.slotOf(trainId);
    if (!slot || slot !== this.slot) throw new EngineError('bad-input', 'That training run is over (or never started).');
    slot.channel.postMessage({ type: 'train-control', trainId, action } satisfies HostToWorker);
  }

  /** For tests and diagnostics: kill the worker as a crash would (the host restarts it). */
  async terminateWorkerForTesting(): Promise<void> {
    const slot = this.slot;
    if (!slot) return;
    slot.channel.kill();
    await slot.exited;
  }

  // ── Queue ──────────────────────────────────────────────────────────────────────────────────

  private enqueue<T>(kind: Kind, message: HostToWorker, timeoutMs?: number, docId?: string, weightsToken?: string): Promise<{ id: number; value: T }> {
    if (this.stopped) return Promise.reject(new EngineError('cancelled', 'The engine is shut down.'));
    if (weightsToken !== undefined && !this.weights.has(weightsToken)) return Promise.reject(missingWeights());
    const maxQueued = this.options.maxQueuedJobs ?? MAX_QUEUED_JOBS;
    if (this.queue.length >= maxQueued) {
      return Promise.reject(new EngineError('busy', `The engine already has ${maxQueued} requests waiting — try again when they have finished.`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const job: Job = {
        id,
        kind,
        docId,
        message: { ...message, id } as HostToWorker,
        ...(weightsToken !== undefined ? { weightsToken } : {}),
        timeoutMs: Math.min(timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, this.options.maxTimeoutMs ?? MAX_TIMEOUT_MS),
        resolve: (value) => resolve({ id, value: value as T }),
        reject,
        settled: false,
      };
      this.queue.push(job);
      this.runState(job, 'queued');
      this.pump();
    });
  }

  /** Rejects the queued and running user runs of docId. */
  private dropRuns(docId: string, code: 'superseded' | 'cancelled', message: string) {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (job.kind === 'run' && job.docId === docId) {
        this.queue.splice(i, 1);
        this.settle(job, new EngineError(code, message));
      }
    }
    const cur = this.current;
    if (cur && cur.kind === 'run' && cur.docId === docId && !cur.settled) {
      this.settle(cur, new EngineError(code, message));
      this.slot?.channel.postMessage({ type: 'cancel', id: cur.id } satisfies HostToWorker);
      clearTimeout(cur.timer);
      // onnxruntime cannot be interrupted, and a new worker would lose its cached sessions: give it
      // the request's own timeout. The reference backend stops between layers; 2 s is plenty.
      const grace = this.options.cancelGraceMs ?? (this.backend === 'reference' ? 2000 : cur.timeoutMs);
      clearTimeout(this.graceTimer);
      this.graceTimer = setTimeout(() => {
        if (this.current === cur) this.restart(`a cancelled run did not stop within ${grace} ms`);
      }, grace);
    }
  }

  private pump() {
    if (this.stopped || this.current || this.queue.length === 0) return;
    const slot = this.ensureWorker();
    if (!slot.ready) return;
    const job = this.queue.shift()!;
    let message: HostToWorker;
    try {
      message = this.withInputs(slot, this.withWeights(slot, job));
    } catch (e) {
      this.settle(job, e as EngineError);
      this.pump();
      return;
    }
    this.current = job;
    this.runState(job, 'running');
    job.timer = setTimeout(() => {
      if (this.current !== job) return;
      this.settle(job, new EngineError('timeout', `The engine did not finish within ${job.timeoutMs} ms — the worker was restarted. Try a smaller input or model.`));
      this.restart(`a request timed out after ${job.timeoutMs} ms`);
    }, job.timeoutMs);
    slot.channel.postMessage(message);
  }

  /**
   * A run or fetch without its inputs when this worker already holds the same ones for the
   * document (a live-editing stream re-runs one image), else with them, to keep.
   */
  private withInputs(slot: WorkerSlot, message: HostToWorker): HostToWorker {
    if ((message.type !== 'run' && message.type !== 'fetch') || message.docId === undefined) return message;
    const use = slot.inputs.use(message.docId, message.request.inputs);
    return use === 'held' ? { ...message, request: { ...message.request, inputs: {} }, inputs: use } : { ...message, inputs: use };
  }

  /** The job's message with its sidecar reference: the bytes only when this worker does not hold them yet. */
  private withWeights(slot: WorkerSlot, job: Job): HostToWorker {
    const token = job.weightsToken;
    if (token === undefined) return job.message;
    const held = this.weights.get(token);
    if (!held) throw missingWeights();
    const ref: WeightsRef = slot.weights.has(token) ? { token } : { token, bytes: held.bytes };
    slot.weights.add(token);
    return { ...job.message, weights: ref } as HostToWorker;
  }

  private settle(job: Job, error?: EngineError, value?: unknown) {
    clearTimeout(job.timer);
    if (job.settled) return;
    job.settled = true;
    if (error) {
      job.reject(error);
      this.runState(job, error.code === 'superseded' || error.code === 'cancelled' ? 'cancelled' : 'failed');
    } else {
      job.resolve(value);
      this.runState(job, 'done');
    }
  }

  private runState(job: Job, state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled') {
    if (job.kind === 'run' && job.docId !== undefined) this.emit({ type: 'run-state', docId: job.docId, runId: job.id, state });
  }

  private emit(e: EngineEvent) {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's bug must not break the engine.
      }
    }
  }

  // ── Worker ─────────────────────────────────────────────────────────────────────────────────

  /** The engine entry script: `workerPath`, else worker.ts (dev/tests) or worker.js next to this module. */
  private entry(): string {
    const p = this.options.workerPath;
    if (p) return p instanceof URL ? fileURLToPath(p) : p;
    return fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url));
  }

  private spawnChannel(): EngineChannel {
    const init: WorkerInit = { backend: this.backend, limits: this.limits, ...(this.options.mnistDir ? { mnistDir: this.options.mnistDir } : {}) };
    const spawn: EngineSpawn = { entry: this.entry(), init, resourceLimits: this.options.resourceLimits ?? { maxOldGenerationSizeMb: 4096 } };
    try {
      if (this.options.spawnChannel) return this.options.spawnChannel(spawn);
      return this.isolation === 'process' ? processChannel(spawn) : threadChannel(spawn);
    } catch (e) {
      return deadChannel(this.isolation, e as Error);
    }
  }

  private ensureWorker(): WorkerSlot {
    if (this.slot) return this.slot;
    const channel = this.spawnChannel();
    let exited!: () => void;
    const slot: WorkerSlot = {
      channel,
      ready: false,
      weights: new Set(),
      inputs: new HeldInputs((docId) => channel.postMessage({ type: 'drop-inputs', docId } satisfies HostToWorker)),
      exited: new Promise<void>((resolve) => (exited = resolve)),
    };
    this.slot = slot;
    channel.on('message', (msg: WorkerToHost) => this.onMessage(slot, msg));
    channel.on('error', (err) => {
      slot.lastError = err;
    });
    channel.on('exit', (code, signal) => {
      exited();
      this.onExit(slot, signal ? `signal ${signal}` : `exit code ${code}`);
    });
    return slot;
  }

  private onMessage(slot: WorkerSlot, msg: WorkerToHost) {
    if (slot !== this.slot) return;
    if (msg.type === 'train-started' || msg.type === 'train-event') {
      this.training.onMessage(slot, msg);
      return;
    }
    if (msg.type === 'ready') {
      slot.ready = true;
      for (const w of this.readyWaiters.splice(0)) w.resolve();
      this.pump();
      return;
    }
    const job = this.current;
    if (!job || job.id !== msg.id) return; // an answer for a job already given up on
    this.current = undefined;
    clearTimeout(this.graceTimer);
    if (msg.type === 'result') this.settle(job, undefined, unpackPreviews(msg.value));
    else this.settle(job, EngineError.from(msg.error));
    this.pump();
  }

  private onExit(slot: WorkerSlot, exit: string) {
    if (slot !== this.slot) return; // an old worker we replaced
    this.slot = undefined;
    if (this.stopped) return;
    const oom = slot.lastError?.code === OUT_OF_MEMORY;
    const reason = slot.ending ?? (oom ? 'the worker ran out of memory' : `the worker died (${slot.lastError?.message ?? exit})`);
    this.training.workerEnded(slot, reason);
    const job = this.current;
    this.current = undefined;
    clearTimeout(this.graceTimer);
    if (job) {
      this.settle(job, oom ? new EngineError('out-of-memory', `The engine ran out of memory (worker heap limit) — reduce the input size or the model; the worker was restarted.`) : new EngineError('worker-crashed', `The engine worker stopped unexpectedly (${reason}); it was restarted — try again.`));
    }
    if (!slot.ready) {
      // It died before it could serve anything: do not spin; fail what waits, retry on the next call.
      const failure = () => new EngineError('worker-crashed', `The engine worker failed to start: ${slot.lastError?.message ?? exit}.`);
      for (const j of this.queue.splice(0)) this.settle(j, failure());
      for (const w of this.readyWaiters.splice(0)) w.reject(failure());
      this.emit({ type: 'worker-restarted', reason: `failed to start: ${slot.lastError?.message ?? exit}` });
      return;
    }
    this.emit({ type: 'worker-restarted', reason });
    this.pump();
    if (!this.slot) this.ensureWorker();
  }

  /**
   * Ends a worker we no longer use. A process is killed outright (SIGKILL): nothing it does can
   * reach the host. Ending a thread while onnxruntime has native work in flight aborts the whole
   * process, so an onnxruntime thread is asked to shut down (it waits for that work, releases its
   * sessions and exits) and only terminated if it has not gone after `shutdownTimeoutMs`. The
   * reference backend is plain JavaScript: terminating its thread is safe.
   */
  private retire(slot: WorkerSlot, reason: string): Promise<void> {
    slot.ending = reason;
    if (slot.channel.isolation === 'process' || this.backend === 'reference') {
      slot.channel.kill();
      return slot.exited;
    }
    slot.channel.postMessage({ type: 'shutdown' } satisfies HostToWorker);
    const fallback = setTimeout(() => slot.channel.kill(), this.options.shutdownTimeoutMs ?? 120_000);
    return slot.exited.finally(() => clearTimeout(fallback));
  }

  /** Ends the current worker on purpose (timeout, stuck cancel) and starts a new one. */
  private restart(reason: string) {
    const slot = this.slot;
    const job = this.current;
    this.current = undefined;
    clearTimeout(this.graceTimer);
    if (job) this.settle(job, new EngineError('worker-crashed', `The engine worker was restarted (${reason}).`));
    if (slot) {
      this.slot = undefined;
      this.training.workerEnded(slot, reason);
      void this.retire(slot, reason);
    }
    this.emit({ type: 'worker-restarted', reason });
    this.ensureWorker();
    this.pump();
  }
}

const missingWeights = () => new EngineError('bad-input', 'The weights file of this document is no longer held by the engine host — reopen the model.');

/** The sidecar name an import gets: "<name>.weights.bin" (a plain file name), else "model.weights.bin". */
export function sidecarFileFor(name: string | undefined): string {
  const stem = (name ?? '').replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/^[.\s]+/, '').trim().slice(0, 200);
  const file = `${stem || 'model'}.weights.bin`;
  return isPlainFileName(file) ? file : 'model.weights.bin';
}

/** A channel whose worker could not even be started (the factory threw): it reports that and exits. */
class DeadChannel extends EventEmitter implements EngineChannel {
  constructor(
    readonly isolation: Isolation,
    error: Error,
  ) {
    super();
    setImmediate(() => {
      this.emit('error', error);
      this.emit('exit', 1, null);
    });
  }

  postMessage(): void {}

  kill(): void {}
}

function deadChannel(isolation: Isolation, error: Error): EngineChannel {
  return new DeadChannel(isolation, error);
}
