/**
 * Training inside the engine worker: loads the data (kept for the next run), runs Trainers beside
 * the worker's inference requests, and reports each run as TrainEvents. A run never touches the
 * editor's document: the trained copy travels back in `train-done`, and a crash or stop before an
 * epoch finishes leaves nothing to apply.
 */
import path from 'node:path';
import type { DataPreview, DataSample, EngineErrorInfo, TrainData, TrainEvent, TrainOutcome } from '../../core/api';
import type { ModelDocument } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import type { InputParams } from '../../core/ops/input';
import { TrainConfigSchema, type TrainConfigInput } from '../../core/train/config';
import { describeDataset, type Dataset } from '../../core/train/dataset';
import { trainingRecord } from '../../core/train/record';
import { withTrainedWeights, type TrainedTensor } from '../../core/train/trained-weights';
import { TrainingError } from '../../core/train/training-graph';
import { numel } from '../../core/shape';
import { byteRange } from '../../core/util/byte-range';
import { inlineWeightKey } from '../../core/weights/resolve';
import { SIDECAR_SUFFIX } from '../../core/weights/sidecar';
import { EngineError } from '../errors';
import { decodeInput } from '../image-file';
import { readRegularFile } from '../file-read';
import { DatasetError, loadImageFolder, loadMnist } from './datasets';
import { checkTrainable, Trainer, type TrainResult } from './trainer';

/** Samples handed out per dataSamples call. */
const MAX_SAMPLES = 64;
/** Models with more trained values than this keep them in a sidecar rather than inline base64. */
const INLINE_MAX_VALUES = 4 * 1024 * 1024;
const FILTER_EVENT_MS = 500;
/** Progress reports to the editor at most this often; each carries every step since the last (measured: at 100 ms, LeNet-5's epoch from the Train tab took 1.6× the CLI's, at 250 ms 1.3×). */
const PROGRESS_EVENT_MS = 250;

export interface StartTraining {
  trainId: string;
  docId: string;
  document: ModelDocument;
  data: TrainData;
  config?: TrainConfigInput;
  sidecar?: Uint8Array;
}

export type TrainingMessage = { type: 'train-started'; trainId: string; data: DataPreview } | { type: 'train-event'; event: TrainEvent; sidecar?: Uint8Array };

interface Active {
  docId: string;
  trainer: Trainer;
}

export class TrainingService {
  private readonly active = new Map<string, Active>();
  private cached: { key: string; dataset: Dataset } | undefined;

  constructor(
    private readonly post: (msg: TrainingMessage) => void,
    private readonly options: { threads?: number; mnistDir?: string } = {},
  ) {}

  /** The data for a model's Input, loaded once and kept while the same data and Input are asked for. */
  async dataset(data: TrainData, input: InputParams): Promise<Dataset> {
    const key = JSON.stringify([data, input]);
    if (this.cached?.key === key) return this.cached.dataset;
    try {
      const dataset = data.kind === 'mnist' ? await loadMnist(input, this.options.mnistDir ? { dir: this.options.mnistDir } : {}) : await loadImageFolder(data.path, input);
      this.cached = { key, dataset };
      return dataset;
    } catch (e) {
      if (e instanceof DatasetError) throw new EngineError('bad-input', e.message);
      throw e;
    }
  }

  async preview(data: TrainData, input: InputParams): Promise<DataPreview> {
    return previewOf(await this.dataset(data, input));
  }

  /** Samples as they were before preprocessing: MNIST from memory, folder images read again from their files. */
  async samples(data: TrainData, input: InputParams, indices: number[]): Promise<DataSample[]> {
    const dataset = await this.dataset(data, input);
    const out: DataSample[] = [];
    for (const index of indices.slice(0, MAX_SAMPLES)) {
      if (!Number.isInteger(index) || index < 0 || index >= dataset.count) throw new EngineError('bad-input', `The data has no sample ${index} (it has ${dataset.count}).`);
      out.push({ index, label: dataset.labels[index], image: await originalImage(dataset, index) });
    }
    return out;
  }

  /** Runs one training to its end, posting events; resolves when it is over (never rejects). */
  async start(req: StartTraining): Promise<void> {
    const { trainId, docId } = req;
    const fail = (error: EngineErrorInfo) => this.post({ type: 'train-event', event: { type: 'train-failed', trainId, docId, error } });
    let trainer: Trainer;
    let dataset: Dataset;
    try {
      const config = TrainConfigSchema.parse(req.config ?? {});
      const analysis = analyze(req.document);
      const input = analysis.primitives.nodes.find((p) => p.type === 'Input');
      if (!input) throw new EngineError('invalid-graph', 'The model has no Input node — add one and connect layers to it.');
      dataset = await this.dataset(req.data, input.params as InputParams);
      checkTrainable(req.document, analysis, dataset, config);
      const firstConv = analysis.primitives.nodes.find((p) => p.type === 'Conv2D');
      let lastFilters = -Infinity;
      trainer = new Trainer(req.document, analysis, dataset, config, {
        sidecar: req.sidecar,
        threads: this.options.threads,
        progressMs: PROGRESS_EVENT_MS,
        onProgress: (progress) => this.post({ type: 'train-event', event: { type: 'train-progress', trainId, docId, progress } }),
        onEpoch: (report) => this.post({ type: 'train-event', event: { type: 'train-epoch', trainId, docId, report } }),
        onStep: (step, weights) => {
          const now = performance.now();
          if (!firstConv || now - lastFilters < FILTER_EVENT_MS) return;
          lastFilters = now;
          const kernel = [...weights].find(([name]) => name === `${firstConv.id}.kernel`)?.[1];
          if (kernel) this.post({ type: 'train-event', event: { type: 'train-filters', trainId, docId, step, nodeId: firstConv.owner, shape: firstConv.weights[0].shape, data: kernel.slice() } });
        },
      });
      this.active.set(trainId, { docId, trainer });
      this.post({ type: 'train-started', trainId, data: previewOf(dataset) });
      const result = await trainer.run();
      const { outcome, sidecar } = this.outcome(req, dataset, config, result);
      this.post({ type: 'train-event', event: { type: 'train-done', trainId, docId, outcome }, ...(sidecar ? { sidecar } : {}) });
    } catch (e) {
      if (e instanceof TrainingError) fail({ code: 'invalid-graph', message: e.message, ...(e.nodeId ? { diagnostics: [{ severity: 'error', code: 'invalid-param', message: e.message, nodeId: e.nodeId }] } : {}) });
      else if (e instanceof EngineError) fail(e.toInfo());
      else fail({ code: 'internal', message: `Training failed: ${(e as Error)?.message ?? e}` });
    } finally {
      this.active.delete(trainId);
    }
  }

  control(trainId: string, action: 'pause' | 'resume' | 'stop'): void {
    const run = this.active.get(trainId);
    if (!run) return;
    if (action === 'pause') run.trainer.pause();
    else if (action === 'resume') run.trainer.resume();
    else run.trainer.stop();
    if (action !== 'stop') this.post({ type: 'train-event', event: { type: 'train-state', trainId, docId: run.docId, state: action === 'pause' ? 'paused' : 'running' } });
  }

  /** `document` with the weights of training `trainId` as they are now, where its structure still fits them. */
  withLiveWeights(trainId: string, document: ModelDocument): ModelDocument {
    const tensors = this.active.get(trainId)?.trainer.currentTensors();
    if (!tensors) return document;
    const expected = new Map<string, number[]>();
    for (const p of analyze(document).primitives.nodes) for (const w of p.weights) expected.set(`${p.owner}\u0000${inlineWeightKey(p, w.name)}`, w.shape);
    const fitting = tensors.filter((t) => expected.get(`${t.owner}\u0000${t.key}`)?.join('x') === t.shape.join('x'));
    return withTrainedWeights(document, fitting).document;
  }

  stopAll(): void {
    for (const run of this.active.values()) run.trainer.stop();
  }

  private outcome(req: StartTraining, dataset: Dataset, config: ReturnType<typeof TrainConfigSchema.parse>, result: TrainResult): { outcome: TrainOutcome; sidecar?: Uint8Array } {
    const { status, epochs, steps, train, test, timeMs, firstStepMs, bestEpoch, history } = result;
    const outcome: TrainOutcome = { status, epochs, steps, train, test, timeMs, firstStepMs, bestEpoch, history };
    if (!result.train) return { outcome };
    const record = trainingRecord(config, { ...result, train: result.train, dataset: dataset.source.kind === 'mnist' ? 'mnist' : dataset.name });
    const values = result.last.reduce((n, t: TrainedTensor) => n + numel(t.shape), 0);
    // The sidecar keeps the document's *.weights.bin name (hosts read no other by name), else gets one.
    const own = req.document.weightsFile;
    const weightsFile = values > INLINE_MAX_VALUES ? (own?.toLowerCase().endsWith(SIDECAR_SUFFIX) ? own : `${(req.document.name || 'model').replace(/[^\w.-]+/g, '-')}${SIDECAR_SUFFIX}`) : undefined;
    const trained = withTrainedWeights(req.document, result.last, { training: record, labels: dataset.classes, sidecar: req.sidecar, ...(weightsFile ? { weightsFile } : {}) });
    return { outcome: { ...outcome, document: trained.document }, sidecar: trained.sidecar };
  }
}

async function originalImage(dataset: Dataset, index: number): Promise<DataSample['image']> {
  if (dataset.grey) {
    const { width, height, pixels } = dataset.grey;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const v = pixels[index * width * height + i];
      rgba.set([v, v, v, 255], i * 4);
    }
    return { kind: 'image', width, height, rgba };
  }
  const file = dataset.files?.[index];
  if (dataset.source.kind !== 'folder' || !file) throw new EngineError('bad-input', `Sample ${index} cannot be shown: the data keeps no original for it.`);
  const full = path.join(dataset.source.path, ...file.split('/'));
  let decoded;
  try {
    decoded = decodeInput(await readRegularFile(full, { maxBytes: 64 * 2 ** 20 }), file);
  } catch (e) {
    throw new EngineError('bad-input', `Sample ${index} (${file}) cannot be read any more: ${(e as Error).message}`);
  }
  if (decoded.kind !== 'image') throw new EngineError('bad-input', `Sample ${index} (${file}) is not an image.`);
  return decoded;
}

/** The summary's samples as uint8 images (each rescaled to its own range) and the first skipped files. */
export function previewOf(dataset: Dataset): DataPreview {
  const summary = describeDataset(dataset);
  const [c, h, w] = dataset.sampleShape;
  const size = c * h * w;
  const samples = summary.classes.flatMap((cls) =>
    cls.samples.map((index) => {
      const x = dataset.images.subarray(index * size, (index + 1) * size);
      const { lo, scale } = byteRange(x);
      return { index, label: dataset.labels[index], channels: c, height: h, width: w, data: Uint8Array.from(x, (v) => Math.round((v - lo) * scale)) };
    }),
  );
  return { summary, samples, skipped: dataset.skipped.slice(0, 50) };
}
