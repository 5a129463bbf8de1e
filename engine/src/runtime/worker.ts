/**
 * The engine worker: the entry of a worker thread, a Node child process or an Electron utility
 * process (host-link.ts tells which and carries the messages). Owns one backend, runs one request at a time, and
 * answers each request id once: a result (typed arrays transferred, not copied) or an EngineError.
 * A `cancel` message aborts the run in progress where the backend can stop.
 */
import type { EngineErrorInfo } from '../core/api';
import { analyze } from '../core/graph/analyze';
import type { ModelDocument } from '../core/document/schema';
import type { InputShape } from '../core/onnx/input-shape';
import type { Backend } from './backend';
import { loadBackend } from './backends';
import { EngineError } from './errors';
import { connectToHost } from './host-link';
import { classifyError, DEFAULT_LIMITS, executeRun } from './execute';
import { WorkerInputs, type InputsUse } from './held-inputs';
import { NodeOutputCache } from './node-output-cache';
import { newRunMemory, type RunMemory } from './partial-run';
import { packPreviews } from './preview-packing';
import type { HostToWorker, WeightsRef, WorkerInit, WorkerRunRequest, WorkerToHost } from './protocol';
import { RunAbortedError } from './reference/backend';
import { RunTensorStore } from './run-tensors';
import { transferables } from './transfer';
import { TrainingService } from './train/training-service';

const host = connectToHost();
const init: WorkerInit = host.init;

let backendPromise: Promise<Backend> | undefined;
// An engine process bakes on a thread of its own (ort/session-thread.ts); an engine thread (thread
// isolation: tests, the CLI's in-process host) keeps to its one thread.
const backend = () => (backendPromise ??= loadBackend(init.backend, { bakeOnThread: host.transport !== 'thread' }));
const running = new Map<number, AbortController>();
/** Full tensors of the last run per document, for fetchTensor. */
const runTensors = new RunTensorStore();
/**
 * Sidecar weights by token, as the host sent them (once per token and worker). A fresh worker
 * starts empty; the host knows that and sends the bytes again with the next request.
 */
const sidecars = new Map<string, Uint8Array>();
/** Inputs the host told us to keep per document, and the tensors prepared from them. */
const heldInputs = new WorkerInputs();
/** Node outputs of earlier live runs, by content key (partial-run.ts), shared by every document. */
const outputs = new NodeOutputCache();
/** What each document's live runs remember between runs (at most MAX_MEMORIES documents). */
const memories = new Map<string, RunMemory>();
const MAX_MEMORIES = 8;

function memoryOf(docId: string): RunMemory {
  let m = memories.get(docId);
  if (m) memories.delete(docId);
  else m = newRunMemory();
  memories.set(docId, m);
  if (memories.size > MAX_MEMORIES) memories.delete(memories.keys().next().value!);
  return m;
}
/** Training runs, beside the requests (a run waits at most one training step). */
const training = new TrainingService(
  (msg) => {
    if (msg.type === 'train-event' && msg.event.type === 'train-filters' && host.transport === 'thread') post(msg, [msg.event.data.buffer as ArrayBuffer]);
    else post(msg);
  },
  { mnistDir: init.mnistDir },
);

function sidecarOf(ref: WeightsRef | undefined): { sidecar?: Uint8Array; sidecarKey?: string } {
  if (!ref) return {};
  if (ref.bytes) sidecars.set(ref.token, ref.bytes);
  const bytes = sidecars.get(ref.token);
  if (!bytes) throw new EngineError('internal', 'The engine worker does not hold the weights file of this document (it was released); reopen the model.');
  return { sidecar: bytes, sidecarKey: ref.token };
}

function post(msg: WorkerToHost, transfer: ArrayBuffer[] = []) {
  host.post(msg, transfer);
}

/** A result, its typed arrays transferred to a thread (a process transport copies them). */
function postResult(id: number, value: unknown) {
  if (host.transport !== 'thread') post({ type: 'result', id, value: packPreviews(value) });
  else post({ type: 'result', id, value }, transferables(value, undefined, (b) => heldInputs.holds(b) || outputs.holds(b)));
}

/** The request with its inputs resolved (held-inputs.ts). */
function withInputs<R extends { inputs: WorkerRunRequest['inputs'] }>(request: R, docId: string | undefined, use: InputsUse | undefined): R {
  try {
    return { ...request, inputs: heldInputs.resolve(docId, use, request.inputs) };
  } catch (e) {
    throw new EngineError('internal', `Internal engine error: ${(e as Error).message}.`);
  }
}

function fail(id: number, e: unknown, signal?: AbortSignal) {
  const err = classifyError(e, signal);
  const info: EngineErrorInfo = err.toInfo();
  post({ type: 'error', id, error: info });
}

/** The core modules other engineers own, loaded when first needed. */
async function exportOnnxBytes(document: ModelDocument, seed?: number, sidecar?: Uint8Array): Promise<Uint8Array> {
  const { exportOnnx } = await import('../core/onnx/export');
  const analysis = analyze(document);
  return exportOnnx(document, analysis, { seed, ...(sidecar ? { sidecar } : {}) });
}

async function exportPyTorchCode(document: ModelDocument, sidecar?: Uint8Array): Promise<{ code: string; weights?: Uint8Array }> {
  const { exportPyTorch } = await import('../core/export/pytorch');
  const { code, weights } = exportPyTorch(document, analyze(document), sidecar ? { sidecar } : {});
  return weights ? { code, weights } : { code };
}

async function inlineWeights(document: ModelDocument, sidecar: Uint8Array | undefined, maxValues?: number): Promise<ModelDocument> {
  const { inlineSidecarWeights, InlineWeightsError } = await import('../core/weights/inline');
  if (!sidecar) throw new EngineError('bad-input', 'The weights file of this model is not loaded — reopen the model with its weights file.');
  try {
    return inlineSidecarWeights(document, sidecar, maxValues !== undefined ? { maxValues } : {});
  } catch (e) {
    if (e instanceof InlineWeightsError) throw new EngineError(e.code, e.message);
    throw e;
  }
}

/** With `sidecar`, an OnnxImportResult (tensors too large to inline in `sidecar`), else the document. */
async function importOnnxModel(bytes: Uint8Array, name?: string, sidecar?: { weightsFile: string; minValues?: number }, inputShape?: InputShape): Promise<unknown> {
  const { importOnnx, importOnnxWithSidecar, OnnxImportError } = await import('../core/onnx/import');
  try {
    const base = { ...(name !== undefined ? { name } : {}), ...(inputShape ? { inputShape } : {}) };
    if (sidecar) return importOnnxWithSidecar(bytes, { ...base, weightsFile: sidecar.weightsFile, ...(sidecar.minValues !== undefined ? { sidecarMinValues: sidecar.minValues } : {}) });
    return importOnnx(bytes, base);
  } catch (e) {
    if (!(e instanceof OnnxImportError)) throw e;
    // A file we cannot read is bad input; sizes, unknown operators and an open input size keep their own codes.
    const kept = e.code === 'too-large' || e.code === 'unsupported-op' || e.code === 'needs-input-shape';
    throw new EngineError(kept ? e.code : 'bad-input', e.message);
  }
}

async function handle(msg: HostToWorker): Promise<void> {
  switch (msg.type) {
    case 'cancel':
      running.get(msg.id)?.abort(new RunAbortedError());
      return;
    case 'drop-weights':
      sidecars.delete(msg.token);
      return;
    case 'drop-inputs':
      heldInputs.drop(msg.docId);
      return;
    case 'run': {
      if (msg.docId !== undefined) runTensors.drop(msg.docId);
      const controller = new AbortController();
      running.set(msg.id, controller);
      try {
        const live = msg.request.trainId !== undefined ? { document: training.withLiveWeights(msg.request.trainId, msg.request.document) } : {};
        const request = withInputs({ ...msg.request, ...live, ...sidecarOf(msg.weights) }, msg.docId, msg.inputs);
        const prepared = msg.inputs === 'keep' || msg.inputs === 'held' ? heldInputs.prepared(msg.docId) : undefined;
        const reuse = msg.docId !== undefined ? { reuse: { cache: outputs, memory: memoryOf(msg.docId) } } : {};
        const result = await executeRun(request, await backend(), { limits: init.limits ?? DEFAULT_LIMITS, signal: controller.signal, ...(prepared ? { prepared } : {}), ...reuse });
        postResult(msg.id, result);
      } catch (e) {
        fail(msg.id, e, controller.signal);
      } finally {
        running.delete(msg.id);
      }
      return;
    }
    case 'fetch': {
      try {
        const request = withInputs({ ...msg.request, ...sidecarOf(msg.weights) }, msg.docId, msg.inputs);
        const value = await runTensors.fetch(msg.docId, msg.runId, request, msg.nodeId, await backend(), { limits: init.limits ?? DEFAULT_LIMITS });
        postResult(msg.id, value);
      } catch (e) {
        fail(msg.id, e);
      }
      return;
    }
    case 'train-start':
      await training.start({ trainId: msg.trainId, docId: msg.docId, document: msg.document, data: msg.data, config: msg.config, ...sidecarOf(msg.weights) });
      return;
    case 'train-control':
      training.control(msg.trainId, msg.action);
      return;
    case 'preview-data':
    case 'data-samples':
      try {
        postResult(msg.id, msg.type === 'preview-data' ? await training.preview(msg.data, msg.input) : await training.samples(msg.data, msg.input, msg.indices));
      } catch (e) {
        fail(msg.id, e);
      }
      return;
    case 'inline-weights': {
      try {
        postResult(msg.id, await inlineWeights(msg.document, sidecarOf(msg.weights).sidecar, msg.maxValues));
      } catch (e) {
        fail(msg.id, e);
      }
      return;
    }
    case 'export-onnx':
    case 'export-pytorch':
    case 'import-onnx': {
      try {
        const value =
          msg.type === 'export-onnx'
            ? await exportOnnxBytes(msg.document, msg.seed, sidecarOf(msg.weights).sidecar)
            : msg.type === 'export-pytorch'
              ? await exportPyTorchCode(msg.document, sidecarOf(msg.weights).sidecar)
              : await importOnnxModel(msg.bytes, msg.name, msg.sidecar, msg.inputShape);
        postResult(msg.id, value);
      } catch (e) {
        fail(msg.id, e);
      }
      return;
    }
  }
}

/**
 * In a worker thread: ending it while onnxruntime has native work in flight (a session being
 * created or run) aborts the whole process ("terminate called after throwing an instance of
 * 'Napi::Error'"), so the host asks us to shut down instead: abort what runs, wait for it and for
 * the backend's own background work (dispose), then exit. (A process worker is simply killed.)
 */
const inflight = new Set<Promise<void>>();
let shuttingDown = false;

async function shutdown(): Promise<void> {
  shuttingDown = true;
  training.stopAll();
  for (const c of running.values()) c.abort(new RunAbortedError());
  await Promise.allSettled([...inflight]);
  if (backendPromise) await backendPromise.then((b) => b.dispose()).catch(() => undefined);
  process.exit(0);
}

host.onMessage((msg: HostToWorker) => {
  if (msg.type === 'shutdown') {
    if (!shuttingDown) void shutdown();
    return;
  }
  if (shuttingDown) {
    if (msg.type !== 'cancel' && msg.type !== 'drop-weights' && msg.type !== 'drop-inputs' && msg.type !== 'train-start' && msg.type !== 'train-control') post({ type: 'error', id: msg.id, error: { code: 'cancelled', message: 'The engine worker is shutting down.' } });
    return;
  }
  const p = handle(msg);
  inflight.add(p);
  void p.finally(() => inflight.delete(p));
});
// Load the backend right away so the first run does not pay for it; failures surface on that run.
backend().then(
  (b) => post({ type: 'ready', backend: b.name }),
  () => post({ type: 'ready', backend: 'unavailable' }),
);
