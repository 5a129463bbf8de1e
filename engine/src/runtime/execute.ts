/**
 * One run, start to finish, in whatever thread calls it (the engine worker, or the CLI in-process):
 * analyse → refuse absurd sizes → preprocess the inputs → run the valid part on a backend → result.
 * Failures are EngineErrors with a typed code.
 */
import type { InputPayload, NodeRunResult, RunResult } from '../core/api';
import type { ModelDocument } from '../core/document/schema';
import { analyze } from '../core/graph/analyze';
import type { Analysis } from '../core/graph/types';
import type { InputParams } from '../core/ops/input';
import { InputError, preprocessInput } from '../core/preprocess';
import { WeightShapeError } from '../core/weights/resolve';
import { sidecarSizeProblem, usesSidecar } from '../core/weights/sidecar';
import { DEFAULT_SEED } from '../core/weights/seeded';
import type { Backend, BackendRunOptions, BackendRunResult } from './backend';
import type { PreparedInputs } from './held-inputs';
import { EngineError } from './errors';
import { graphOutputs } from './graph-outputs';
import { inputsOnly } from './inputs-only';
import { cardPreview } from './previews';
import { runReusing, type ReuseOptions } from './partial-run';
import type { SizeLimits, WorkerRunRequest } from './protocol';
import { MissingInputError, RunAbortedError } from './reference/backend';
import { UnsupportedOpError } from './reference/ops';

/** Defaults sized for a desktop: ResNet-152 at 224×224 needs ≈ 0.4 GiB of activations and 60 M parameters. */
export const DEFAULT_LIMITS: SizeLimits = { maxActivationBytes: 4 * 1024 ** 3, maxParams: 1_000_000_000 };

const GiB = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;

/** Throws EngineError('too-large') when the graph would not fit the limits. */
export function checkSize(analysis: Analysis, limits: SizeLimits): void {
  let inputBytes = 0;
  for (const p of analysis.primitives.nodes) if (p.type === 'Input') inputBytes += p.shape.reduce((a, b) => a * b, 1) * 4;
  const bytes = analysis.totals.activationBytes + inputBytes;
  if (bytes > limits.maxActivationBytes) {
    throw new EngineError(
      'too-large',
      `This model needs ${GiB(bytes)} of activations for one image, over the ${GiB(limits.maxActivationBytes)} limit — reduce the input size or the channel counts.`,
      analysis.diagnostics,
    );
  }
  if (analysis.totals.params > limits.maxParams) {
    throw new EngineError(
      'too-large',
      `This model has ${analysis.totals.params.toLocaleString('en-US')} parameters (${GiB(analysis.totals.params * 4)}), over the limit of ${limits.maxParams.toLocaleString('en-US')} — reduce the layer sizes.`,
      analysis.diagnostics,
    );
  }
}

/** The preprocessed tensor of every Input node that runs. */
export function prepareInputs(doc: ModelDocument, analysis: Analysis, given: WorkerRunRequest['inputs']): Record<string, Float32Array> {
  const single = typeof (given as InputPayload).kind === 'string' ? (given as InputPayload) : undefined;
  const out: Record<string, Float32Array> = {};
  for (const p of analysis.primitives.nodes) {
    if (p.type !== 'Input') continue;
    const payload = single ?? (given as Record<string, InputPayload>)[p.id];
    if (!payload) {
      const ids = Object.keys(given as Record<string, InputPayload>);
      throw new EngineError('bad-input', `No input given for Input node "${p.id}"${ids.length ? ` (inputs were given for: ${ids.join(', ')})` : ''}.`);
    }
    try {
      out[p.id] = preprocessInput(payload, p.params as InputParams, p.id);
    } catch (e) {
      if (e instanceof InputError) throw new EngineError('bad-input', e.message);
      throw e;
    }
  }
  return out;
}

/** Maps a backend failure to its typed code. */
export function classifyError(e: unknown, signal?: AbortSignal): EngineError {
  if (e instanceof EngineError) return e;
  if (e instanceof RunAbortedError || signal?.aborted) return new EngineError('cancelled', 'The run was cancelled.');
  if (e instanceof UnsupportedOpError) return new EngineError('unsupported-op', e.message);
  if (e instanceof WeightShapeError) return new EngineError('invalid-graph', e.message);
  if (e instanceof MissingInputError) return new EngineError('bad-input', e.message);
  const err = e as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  if (e instanceof RangeError && /allocation failed|Invalid typed array length|Array buffer/i.test(message)) {
    return new EngineError('out-of-memory', `Out of memory while running the model (${message}) — reduce the input size or the channel counts.`);
  }
  if (/bad_alloc|out of memory|Failed to allocate/i.test(message)) return new EngineError('out-of-memory', `Out of memory while running the model: ${message}`);
  if (err?.code === 'bad-weights') return new EngineError('invalid-graph', message);
  const known = ['invalid-graph', 'unsupported-op', 'bad-input', 'out-of-memory', 'too-large'];
  if (typeof err?.code === 'string' && known.includes(err.code)) return new EngineError(err.code as EngineError['code'], message);
  return new EngineError('internal', `Internal engine error: ${message}`);
}

/**
 * Analyses of recent documents, keyed by what the analysis reads (node ids, types, params and
 * edges — not weights, names or positions): a live-inference stream of the same graph skips it.
 */
const analysisCache = new Map<string, Analysis>();
const ANALYSIS_CACHE_SIZE = 8;

export function analyzeCached(doc: ModelDocument): Analysis {
  const key = JSON.stringify([doc.nodes.map((n) => [n.id, n.type, n.params]), doc.edges.map((e) => [e.id, e.source, e.target, e.sourcePort, e.targetPort])]);
  const hit = analysisCache.get(key);
  if (hit) {
    analysisCache.delete(key);
    analysisCache.set(key, hit);
    return hit;
  }
  const analysis = analyze(doc);
  analysisCache.set(key, analysis);
  if (analysisCache.size > ANALYSIS_CACHE_SIZE) analysisCache.delete(analysisCache.keys().next().value!);
  return analysis;
}

export interface ExecuteOptions {
  limits?: SizeLimits;
  signal?: AbortSignal;
  /** Tensors already prepared from these same inputs (the worker's, for unchanged inputs). */
  prepared?: PreparedInputs;
  /**
   * Outputs kept from earlier runs of the same document (partial-run.ts): a run with previews
   * computes only what they do not hold. Absent: every run computes everything.
   */
  reuse?: ReuseOptions;
}

/** What preprocessing reads of a graph: its Input nodes and their parameters. */
function inputsKey(analysis: Analysis): string {
  return JSON.stringify(analysis.primitives.nodes.filter((p) => p.type === 'Input').map((p) => [p.id, p.params]));
}

export type ExecuteResult = Omit<RunResult, 'runId' | 'docId'>;

/** Throws EngineError('bad-input') when the document's sidecar tensors cannot be read from `sidecar`. */
export function checkSidecar(doc: ModelDocument, sidecar: Uint8Array | undefined): void {
  if (!usesSidecar(doc)) return;
  const file = doc.weightsFile ?? 'the weights file';
  if (!sidecar) throw new EngineError('bad-input', `The model keeps weights in ${file}, which is not loaded — open the model from the folder that holds ${file}.`);
  const problem = sidecarSizeProblem(doc, file, sidecar.byteLength);
  if (problem) throw new EngineError('bad-input', problem);
}

/** Node results with card previews (previews.ts: cardPreview) for every node not in `full`. */
function withCardPreviews(nodes: Record<string, NodeRunResult>, full: ReadonlySet<string>): Record<string, NodeRunResult> {
  const out: Record<string, NodeRunResult> = {};
  for (const [id, r] of Object.entries(nodes)) out[id] = r.preview && !full.has(id) && !r.preview.card ? { ...r, preview: cardPreview(r.preview) } : r;
  return out;
}

export async function executeRun(req: WorkerRunRequest, backend: Backend, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const t0 = performance.now();
  const doc = req.document;
  try {
    const analysis = analyzeCached(doc);
    checkSize(analysis, options.limits ?? DEFAULT_LIMITS);
    checkSidecar(doc, req.sidecar);
    const key = options.prepared && inputsKey(analysis);
    let inputs = key ? options.prepared!.get(key) : undefined;
    if (!inputs) {
      inputs = prepareInputs(doc, analysis, req.inputs);
      if (key) options.prepared!.set(key, inputs);
    }
    // 'outputs' means the same on every backend: nodes with no outgoing edge.
    const tensors = req.tensors === 'outputs' ? graphOutputs(doc, analysis) : req.tensors;
    // Only Input nodes can run (nothing connected to them yet): show the inputs themselves, computed
    // here — a backend would be handed a graph with no operator to run.
    const hasRunnable = analysis.primitives.nodes.some((p) => p.type !== 'Input');
    const runOptions: BackendRunOptions = { previews: req.previews, tensors, seed: req.seed, signal: options.signal, ...(req.oneOff ? { oneOff: true } : {}), ...(req.sidecar ? { sidecar: req.sidecar, sidecarKey: req.sidecarKey } : {}) };
    const result: BackendRunResult = !hasRunnable
      ? inputsOnly(analysis, inputs, req.previews, tensors)
      : options.reuse && req.previews
        ? (await runReusing(doc, analysis, inputs, backend, runOptions, options.reuse)).result
        : await backend.run(doc, analysis, inputs, runOptions);
    if (hasRunnable && req.nextSeeds?.length) backend.prepareSeeds?.(doc, analysis, { current: req.seed ?? doc.seed ?? DEFAULT_SEED, next: req.nextSeeds });
    // Card previews are part of the run's time (a fully recomputed ResNet-50: ~7 ms of JavaScript).
    const nodes = req.fullPreviews ? withCardPreviews(result.nodes, new Set(req.fullPreviews)) : result.nodes;
    return {
      timeMs: performance.now() - t0,
      nodes,
      tensors: result.tensors,
      // What ran is what the analysis could place (backends report stats only when previews are asked for).
      skipped: doc.nodes.map((n) => n.id).filter((id) => analysis.primitives.outputOf[id] === undefined),
      diagnostics: analysis.diagnostics,
      ...(result.calibrated?.length ? { calibratedBatchNorm: result.calibrated } : {}),
    };
  } catch (e) {
    throw classifyError(e, options.signal);
  }
}
