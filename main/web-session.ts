/**
 * Browser mode serves several connections (tabs, reloads) from one engine. Each connection gets a
 * ScopedEngine: the EngineClient its router calls, which keeps everything the connection makes to
 * itself —
 *
 * - docIds are namespaced: the engine sees `<connection id>/<docId>` (the connection id is a random
 *   UUID), so two tabs that both call their document "doc-1" neither supersede nor cancel each
 *   other's runs, and fetchTensor only finds the connection's own runs. Replies and messages carry
 *   the page's own docId back.
 * - Engine events go only to the connection whose docId they name (run-state, train-*);
 *   worker-restarted goes to every connection.
 * - Weights tokens and trainIds the engine made for a connection are usable only by it; anyone
 *   else's are refused as 'not-found', exactly like ones that never existed.
 * - When the connection ends, its training runs are stopped, its documents forgotten by the engine
 *   (runs cancelled, last run and held inputs dropped) and its weights released — including those
 *   of calls still in flight then, and of a training run that finishes afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { DataPreview, EngineClient, EngineEvent, ImportedModel, RunRequest, RunResult, TensorResult, TrainData, TrainRequest, TrainStarted, WeightsHandle } from '../engine/src/core/api';
import type { ModelDocument } from '../engine/src/core/document/schema';
import type { InputParams } from '../engine/src/core/ops/input';
import type { InputShape } from '../engine/src/core/onnx/input-shape';
import { HostError } from './contract';

/** The shared engine; `forget` (EngineHost) drops what it keeps for a document whose page went away. */
export interface SharedEngine extends EngineClient {
  forget?(docId: string): Promise<void>;
}

export interface ScopeLimits {
  /** Training runs one connection may have going at once. */
  maxTrainingRuns: number;
  /** Documents one connection keeps runs of (for fetchTensor); the least recently run beyond are forgotten. */
  maxDocuments: number;
}

export const DEFAULT_SCOPE_LIMITS: ScopeLimits = { maxTrainingRuns: 2, maxDocuments: 16 };

/** `<uuid>/`: the prefix of every docId a connection's calls give the engine. */
const PREFIX_LENGTH = 37;

const notHeld = () => new HostError({ code: 'not-found', message: 'These weights are not held for this page — reopen the model with its weights file.' });
const noSuchTraining = () => new HostError({ code: 'not-found', message: 'That training run is over (or never started).' });

export class ScopedEngine implements EngineClient {
  readonly id = randomUUID();
  private readonly prefix = `${this.id}/`;
  /** Weights tokens made for this connection. */
  private readonly tokens = new Set<string>();
  /** Training runs this connection started (run on their live weights is allowed until it ends). */
  private readonly trainIds = new Set<string>();
  /** …of which still going (stopped when the connection ends). */
  private readonly training = new Set<string>();
  /** Engine-side docIds this connection ran, least recently used first. */
  private readonly docIds = new Set<string>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private closed = false;

  constructor(
    private readonly shared: SharedEngine,
    private readonly limits: ScopeLimits = DEFAULT_SCOPE_LIMITS,
  ) {}

  // ── Runs ───────────────────────────────────────────────────────────────────────────────────

  async run(req: RunRequest): Promise<RunResult> {
    this.ownToken(req.weightsToken);
    if (req.trainId !== undefined && !this.trainIds.has(req.trainId)) throw noSuchTraining();
    const docId = this.scoped(req.docId);
    this.touch(docId);
    const result = await this.unscope(this.shared.run({ ...req, docId }));
    if (this.closed) void this.forgetDoc(docId); // finished after the page went: keep nothing
    return { ...result, docId: req.docId };
  }

  cancel(docId: string): Promise<void> {
    return this.unscope(this.shared.cancel(this.scoped(docId)));
  }

  fetchTensor(docId: string, nodeId: string): Promise<TensorResult> {
    return this.unscope(this.shared.fetchTensor(this.scoped(docId), nodeId));
  }

  // ── Models and weights ─────────────────────────────────────────────────────────────────────

  exportOnnx(document: ModelDocument, seed?: number, weightsToken?: string): Promise<Uint8Array> {
    this.ownToken(weightsToken);
    return this.shared.exportOnnx(document, seed, weightsToken);
  }

  exportPyTorch(document: ModelDocument, weightsToken?: string): Promise<{ code: string; weights?: Uint8Array }> {
    this.ownToken(weightsToken);
    return this.shared.exportPyTorch(document, weightsToken);
  }

  importOnnx(bytes: Uint8Array, name?: string, inputShape?: InputShape): Promise<ModelDocument> {
    return this.shared.importOnnx(bytes, name, inputShape);
  }

  async importOnnxModel(bytes: Uint8Array, name?: string, inputShape?: InputShape): Promise<ImportedModel> {
    const imported = await need(this.shared.importOnnxModel, 'import large ONNX models').call(this.shared, bytes, name, inputShape);
    if (imported.weights) await this.adopt(imported.weights.token);
    return imported;
  }

  async attachWeights(bytes: Uint8Array, file: string): Promise<WeightsHandle> {
    const handle = await need(this.shared.attachWeights, 'hold weights files').call(this.shared, bytes, file);
    await this.adopt(handle.token);
    return handle;
  }

  readWeights(token: string): Promise<Uint8Array> {
    this.ownToken(token);
    return need(this.shared.readWeights, 'hand out weights files').call(this.shared, token);
  }

  inlineWeights(document: ModelDocument, weightsToken: string): Promise<ModelDocument> {
    this.ownToken(weightsToken);
    return need(this.shared.inlineWeights, 'put weights inside a document').call(this.shared, document, weightsToken);
  }

  async releaseWeights(token: string): Promise<void> {
    this.ownToken(token);
    this.tokens.delete(token);
    await need(this.shared.releaseWeights, 'release weights files').call(this.shared, token);
  }

  // ── Training ───────────────────────────────────────────────────────────────────────────────

  previewData(data: TrainData, input: InputParams): Promise<DataPreview> {
    return need(this.shared.previewData, 'load training data').call(this.shared, data, input);
  }

  async startTraining(req: TrainRequest): Promise<TrainStarted> {
    this.ownToken(req.weightsToken);
    const start = need(this.shared.startTraining, 'train');
    if (this.training.size >= this.limits.maxTrainingRuns) {
      throw new HostError({ code: 'busy', message: `This page already has ${this.training.size} training runs going — stop one first.` });
    }
    const started = await this.unscope(start.call(this.shared, { ...req, docId: this.scoped(req.docId) }));
    if (this.closed) {
      void quietly(() => this.shared.controlTraining?.(started.trainId, 'stop'));
      throw new HostError({ code: 'connection-lost', message: 'The page went away.' });
    }
    this.trainIds.add(started.trainId);
    this.training.add(started.trainId);
    return started;
  }

  async controlTraining(trainId: string, action: 'pause' | 'resume' | 'stop'): Promise<void> {
    if (!this.trainIds.has(trainId)) throw noSuchTraining();
    await this.unscope(need(this.shared.controlTraining, 'control training').call(this.shared, trainId, action));
  }

  // ── Events and the end of the connection ───────────────────────────────────────────────────

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether an engine-side docId is one of this connection's. */
  owns(docId: string): boolean {
    return docId.startsWith(this.prefix);
  }

  /** An engine event about this connection (or about everyone), told in the page's own docIds. */
  deliver(event: EngineEvent): void {
    const e = 'docId' in event && this.owns(event.docId) ? ({ ...event, docId: event.docId.slice(PREFIX_LENGTH) } as EngineEvent) : event;
    if (e.type === 'train-done' || e.type === 'train-failed') this.training.delete(e.trainId);
    if (e.type === 'train-done' && e.outcome.weights) void this.adopt(e.outcome.weights.token).catch(() => undefined);
    if (this.closed) return;
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // One listener's bug must not keep the event from the others.
      }
    }
  }

  /** The connection ended: stop its training, forget its documents, release its weights. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    const work = [
      ...[...this.training].map((id) => quietly(() => this.shared.controlTraining?.(id, 'stop'))),
      ...[...this.docIds].map((docId) => this.forgetDoc(docId)),
      ...[...this.tokens].map((token) => quietly(() => this.shared.releaseWeights?.(token))),
    ];
    this.training.clear();
    this.docIds.clear();
    this.tokens.clear();
    await Promise.allSettled(work);
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────────────────

  private scoped(docId: string): string {
    return this.prefix + docId;
  }

  /** Note a document run now; beyond maxDocuments, the least recently run one is forgotten. */
  private touch(docId: string): void {
    this.docIds.delete(docId);
    this.docIds.add(docId);
    for (const old of this.docIds) {
      if (this.docIds.size <= this.limits.maxDocuments) break;
      this.docIds.delete(old);
      void this.forgetDoc(old);
    }
  }

  private forgetDoc(docId: string): Promise<void> {
    return quietly(() => (this.shared.forget ? this.shared.forget(docId) : this.shared.cancel(docId)));
  }

  private ownToken(token: string | undefined): void {
    if (token !== undefined && !this.tokens.has(token)) throw notHeld();
  }

  /** A token the engine just made for this connection; released at once if the connection has gone. */
  private async adopt(token: string): Promise<void> {
    if (!this.closed) {
      this.tokens.add(token);
      return;
    }
    await quietly(() => this.shared.releaseWeights?.(token));
    throw new HostError({ code: 'connection-lost', message: 'The page went away.' });
  }

  /** The engine's answer, with this connection's prefix taken out of any error message. */
  private async unscope<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (typeof e !== 'object' || e === null || typeof (e as { message?: unknown }).message !== 'string') throw e;
      const { code, message, diagnostics } = e as { code?: unknown; message: string; diagnostics?: unknown };
      throw { code, message: message.split(this.prefix).join(''), ...(diagnostics !== undefined ? { diagnostics } : {}) };
    }
  }
}

/** The connections of one server, and the routing of the shared engine's events to them. */
export class ConnectionScopes {
  private readonly scopes = new Map<string, ScopedEngine>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: SharedEngine,
    private readonly limits: ScopeLimits = DEFAULT_SCOPE_LIMITS,
  ) {
    this.unsubscribe = engine.onEvent((e) => this.route(e));
  }

  open(): ScopedEngine {
    const scope = new ScopedEngine(this.engine, this.limits);
    this.scopes.set(scope.id, scope);
    return scope;
  }

  close(scope: ScopedEngine): Promise<void> {
    this.scopes.delete(scope.id);
    return scope.close();
  }

  get size(): number {
    return this.scopes.size;
  }

  async dispose(): Promise<void> {
    this.unsubscribe();
    await Promise.allSettled([...this.scopes.values()].map((s) => this.close(s)));
  }

  private route(e: EngineEvent): void {
    if (!('docId' in e)) {
      for (const scope of this.scopes.values()) scope.deliver(e);
      return;
    }
    const owner = this.scopes.get(e.docId.slice(0, PREFIX_LENGTH - 1));
    if (owner?.owns(e.docId)) owner.deliver(e);
    // Its page has gone: a trained model's weights made for it are nobody's.
    else if (e.type === 'train-done' && e.outcome.weights) void quietly(() => this.engine.releaseWeights?.(e.outcome.weights!.token));
  }
}

/** Runs clean-up work whose failure (or absence) changes nothing: the engine may be stopping, or lack the method. */
async function quietly(work: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await work();
  } catch {
    // Nothing to do: what it would have freed is gone already, or never was.
  }
}

function need<F>(method: F | undefined, what: string): F {
  if (!method) throw new HostError({ code: 'unsupported', message: `This engine host cannot ${what}.` });
  return method;
}
