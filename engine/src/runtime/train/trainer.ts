/**
 * The training loop: one compiled step graph per run (weights, optimizer state and batch-norm
 * statistics go in and come out each step), an evaluation graph for the test split after each
 * epoch, progress at most every 100 ms, pause/resume/stop between steps. Seeded end to end — split,
 * epoch order, dropout noise and augmentation — so the same document, data and seed give the same
 * weights bit for bit on the same machine.
 *
 * `session.run` holds the thread for a whole step, so the loop yields to the event loop between
 * steps: a feature-map request waits at most one step.
 */
import * as ort from 'onnxruntime-node';
import type { ModelDocument } from '../../core/document/schema';
import type { Analysis } from '../../core/graph/types';
import type { InputParams } from '../../core/ops/input';
import { numel } from '../../core/shape';
import { learningRate, type TrainConfig } from '../../core/train/config';
import { augmentBatch, batches, blackFill, checkDatasetForModel, epochOrder, gatherBatch, seededStream, splitDataset, type Batch, type Dataset } from '../../core/train/dataset';
import { optimizerScalars } from '../../core/train/optimizers';
import type { TrainedTensor } from '../../core/train/trained-weights';
import type { EpochReport, Metrics, Misclassified, StepPoint, TrainProgress, TrainSummary } from '../../core/train/progress';
import { buildTrainingGraph, findLogits, TrainingError, type TrainingGraph } from '../../core/train/training-graph';
import { resolveWeights } from '../../core/weights/resolve';
import { createGraphSession, floatTensor, outputData, scalar, takeStepOutputs } from './graph-session';

export type { EpochReport, Metrics, Misclassified, TrainProgress };

export interface TrainResult extends TrainSummary {
  /** Weights at the end of the last completed epoch (the initial ones if none completed). */
  last: TrainedTensor[];
  /** Weights of the epoch with the best test accuracy (lowest train loss without a test split). */
  best: TrainedTensor[];
  /** Samples in the training and test splits. */
  trainSamples: number;
  testSamples: number;
}

export interface TrainerOptions {
  sidecar?: Uint8Array;
  threads?: number;
  /** Evaluation batch (a symbolic batch: the last partial one is kept). Default 500. */
  evalBatch?: number;
  onProgress?(p: TrainProgress): void;
  /**
   * At most one progress report per this many ms (default 100; the editor's engine asks for 250:
   * each report crosses two processes to the page, and at 10 a second they slowed training from
   * the Train tab by a fifth). Every step still reaches the curve (`TrainProgress.steps`).
   */
  progressMs?: number;
  /** After each epoch's evaluation; `weights()` copies out the weights as they are now. */
  onEpoch?(e: EpochReport, weights: () => TrainedTensor[]): void | Promise<void>;
  /** Called after each step with the current weights (not copies) and the step's loss; return quickly. */
  onStep?(step: number, weights: ReadonlyMap<string, Float32Array>, loss: number): void;
}

/** Checks that the document can be trained on the data; throws TrainingError with the reason. */
export function checkTrainable(doc: ModelDocument, analysis: Analysis, dataset: Dataset, config: TrainConfig): void {
  buildTrainingGraph(doc, analysis, { kind: 'eval', batch: 1 }); // structural refusals (invalid graph, no output, no gradient rule)
  const { logits, classes } = findLogits(doc, analysis);
  const input = analysis.primitives.nodes.find((p) => p.type === 'Input')!;
  const problems = checkDatasetForModel(dataset, input.shape, classes, { batchSize: config.batch, testFraction: config.testSplit });
  if (problems.length) throw new TrainingError('not-classifier', problems.map((p) => p.message).join('; '), problems[0].code === 'output-units' ? logits.owner : undefined);
}

export class Trainer {
  private paused: { resume: () => void; promise: Promise<void> } | undefined;
  private stopping = false;
  /** The step graph and the weights as they are now, while the loop runs. */
  private live: { graph: TrainingGraph; weights: ReadonlyMap<string, Float32Array> } | undefined;

  constructor(
    private readonly doc: ModelDocument,
    private readonly analysis: Analysis,
    private readonly dataset: Dataset,
    private readonly config: TrainConfig,
    private readonly options: TrainerOptions = {},
  ) {}

  pause(): void {
    if (this.paused) return;
    let resume!: () => void;
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { resume, promise };
  }

  resume(): void {
    const p = this.paused;
    this.paused = undefined;
    p?.resume();
  }

  stop(): void {
    this.stopping = true;
    this.resume();
  }

  get isPaused(): boolean {
    return this.paused !== undefined;
  }

  /** The weights as they are now (copies), for a feature-map run during training; undefined before the first step. */
  currentTensors(): TrainedTensor[] | undefined {
    const live = this.live;
    return live && tensorsOf(live.graph, snapshot(live.weights));
  }

  async run(): Promise<TrainResult> {
    const t0 = performance.now();
    const { doc, analysis, dataset, config, options } = this;
    checkTrainable(doc, analysis, dataset, config);
    const step = buildTrainingGraph(doc, analysis, { kind: 'step', batch: config.batch, optimizer: config.optimizer });
    const evalGraph = buildTrainingGraph(doc, analysis, { kind: 'eval', batch: config.batch });
    // Both graphs lower the same primitives in the same order, so their weight inputs share names.
    if (evalGraph.weights.some((w, i) => w.input !== step.weights[i]?.input)) throw new Error('training and evaluation graphs name their weights differently');
    const [stepSession, evalSession] = await Promise.all([createGraphSession(step, options), createGraphSession(evalGraph, options)]);
    try {
      return await this.loop(t0, step, evalGraph, stepSession, evalSession);
    } finally {
      await Promise.all([stepSession.release(), evalSession.release()]);
    }
  }

  private async loop(t0: number, graph: TrainingGraph, evalGraph: TrainingGraph, session: ort.InferenceSession, evalSession: ort.InferenceSession): Promise<TrainResult> {
    const { dataset, config, options } = this;
    const weights = initialWeights(this.doc, this.analysis, graph, options.sidecar);
    this.live = { graph, weights };
    const state = new Map<string, Float32Array>(graph.state.map((s) => [s.input, new Float32Array(numel(s.shape))]));
    const split = splitDataset(dataset.count, config.testSplit, config.seed);
    const perEpoch = Math.min(Math.floor(split.train.length / config.batch), config.maxStepsPerEpoch ?? Infinity);
    const totalSteps = perEpoch * config.epochs;
    const input = this.analysis.primitives.nodes.find((p) => p.type === 'Input')!.params as InputParams;
    const fill = blackFill(input);
    const augment = config.augment.cropPadding > 0 || config.augment.flip ? { crop: config.augment.cropPadding > 0 ? { padding: config.augment.cropPadding } : undefined, flip: config.augment.flip } : undefined;
    const noise = graph.noise.map((n) => ({ ...n, data: new Float32Array(numel(n.shape)) }));
    const imageDims = [config.batch, ...graph.imageShape];
    let buffer: Batch | undefined;

    const history: EpochReport[] = [];
    let best = snapshot(weights);
    let bestEpoch = 0;
    let bestScore = -Infinity;
    let last = best;
    let globalStep = 0;
    let smoothLoss = NaN;
    let firstStepMs = NaN;
    let trainTimeMs = 0;
    let lastProgress = -Infinity;
    /** Steps not yet reported. */
    let recent: StepPoint[] = [];
    let status: TrainResult['status'] = 'done';

    for (let epoch = 0; epoch < config.epochs && !this.stopping; epoch++) {
      const epochStart = performance.now();
      const lr = learningRate(config, epoch);
      const order = batches(epochOrder(split.train, epoch, config.seed, config.shuffle), config.batch, true).slice(0, perEpoch);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let stepTimeMs = 0;
      for (let s = 0; s < order.length; s++) {
        if (this.paused) await this.paused.promise;
        if (this.stopping) break;
        const stepStart = performance.now();
        globalStep++;
        buffer = gatherBatch(dataset, order[s], buffer);
        if (augment) augmentBatch(buffer.images, dataset.sampleShape, augment, seededStream(config.seed, `augment ${globalStep}`), fill);
        // No prototype: every name is a plain key, "__proto__" included.
        const feeds: Record<string, ort.Tensor> = Object.assign(Object.create(null), {
          [graph.image]: floatTensor(buffer.images, imageDims),
          [graph.labels]: new ort.Tensor('int64', buffer.labels, [config.batch]),
        });
        const sc = optimizerScalars(config.optimizer, lr, globalStep);
        feeds[graph.scalars.lr] = scalar(sc.lr);
        feeds[graph.scalars.stepSize] = scalar(sc.stepSize);
        feeds[graph.scalars.bc2Sqrt] = scalar(sc.bc2Sqrt);
        for (const w of graph.weights) feeds[w.input] = floatTensor(weights.get(w.input)!, w.spec.shape);
        for (const st of graph.state) feeds[st.input] = floatTensor(state.get(st.input)!, st.shape);
        for (const n of noise) {
          const rng = seededStream(config.seed, `noise ${globalStep} ${n.input}`);
          for (let i = 0; i < n.data.length; i++) n.data[i] = rng();
          feeds[n.input] = floatTensor(n.data, n.shape);
        }
        const out = await session.run(feeds);
        takeStepOutputs(graph, out, weights, state);
        const loss = outputData(out, graph.outputs.loss!)[0];
        const hits = outputData(out, graph.outputs.correct!)[0];
        if (!Number.isFinite(loss)) {
          throw new TrainingError('invalid-graph', `The loss became ${loss} at step ${globalStep} (epoch ${epoch + 1}) — the learning rate ${lr} is probably too high; lower it (e.g. ÷10) and train again.`);
        }
        lossSum += loss * config.batch;
        correct += hits;
        seen += config.batch;
        smoothLoss = Number.isNaN(smoothLoss) ? loss : 0.9 * smoothLoss + 0.1 * loss;
        const now = performance.now();
        stepTimeMs += now - stepStart;
        if (globalStep === 1) firstStepMs = now - t0;
        options.onStep?.(globalStep, weights, loss);
        recent.push({ globalStep, smoothLoss, accuracy: correct / seen });
        if (options.onProgress && (now - lastProgress >= (options.progressMs ?? 100) || s === order.length - 1)) {
          lastProgress = now;
          const steps = recent;
          recent = [];
          const perStep = stepTimeMs / (s + 1);
          options.onProgress({
            epoch: epoch + 1,
            epochs: config.epochs,
            step: s + 1,
            stepsPerEpoch: perEpoch,
            globalStep,
            totalSteps,
            loss,
            smoothLoss,
            accuracy: correct / seen,
            lr,
            samplesPerSec: (seen / stepTimeMs) * 1000,
            elapsedMs: now - t0,
            etaMs: perStep * (totalSteps - globalStep),
            steps,
          });
        }
        // Let other requests (a feature-map run, pause, stop) in between steps.
        await new Promise<void>((r) => setImmediate(r));
      }
      trainTimeMs += stepTimeMs;
      if (seen === 0 || (this.stopping && seen < order.length * config.batch)) {
        status = 'stopped';
        break;
      }
      const train = { loss: lossSum / seen, accuracy: correct / seen };
      const evaluation = split.test.length ? await this.evaluate(evalGraph, evalSession, weights, split.test) : null;
      const report: EpochReport = { epoch: epoch + 1, lr, train, test: evaluation?.metrics ?? null, confusion: evaluation?.confusion ?? null, misclassified: evaluation?.misclassified ?? [], timeMs: performance.now() - epochStart };
      history.push(report);
      last = snapshot(weights);
      const score = report.test ? report.test.accuracy : -train.loss;
      if (score > bestScore) {
        bestScore = score;
        best = last;
        bestEpoch = epoch + 1;
      }
      await options.onEpoch?.(report, () => tensorsOf(graph, snapshot(weights)));
    }
    if (this.stopping && history.length < config.epochs) status = 'stopped';
    const final = history.at(-1);
    const tensors = (w: Map<string, Float32Array>) => tensorsOf(graph, w);
    return {
      status,
      epochs: history.length,
      steps: history.length * perEpoch,
      train: final?.train ?? null,
      test: final?.test ?? null,
      timeMs: performance.now() - t0,
      history,
      last: tensors(last),
      best: tensors(best),
      bestEpoch,
      firstStepMs,
      trainSamples: split.train.length,
      testSamples: split.test.length,
    };
  }

  /** Loss, accuracy, confusion matrix and misclassified samples of the test split on the current weights. */
  private async evaluate(graph: TrainingGraph, session: ort.InferenceSession, weights: ReadonlyMap<string, Float32Array>, test: Int32Array) {
    const k = graph.classes;
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const misclassified: Misclassified[] = [];
    let lossSum = 0;
    let correct = 0;
    let buffer: Batch | undefined;
    for (const indices of batches(test, this.options.evalBatch ?? 500, false)) {
      buffer = gatherBatch(this.dataset, indices, buffer);
      const n = indices.length;
      const feeds: Record<string, ort.Tensor> = Object.assign(Object.create(null), {
        [graph.image]: floatTensor(buffer.images, [n, ...graph.imageShape]),
        [graph.labels]: new ort.Tensor('int64', buffer.labels, [n]),
      });
      for (const w of graph.weights) feeds[w.input] = floatTensor(weights.get(w.input)!, w.spec.shape);
      const out = await session.run(feeds);
      const losses = outputData(out, graph.outputs.sampleLoss!);
      const predicted = out[graph.outputs.predictions!].data as BigInt64Array;
      for (let i = 0; i < n; i++) {
        const label = Number(buffer.labels[i]);
        const p = Number(predicted[i]);
        lossSum += losses[i];
        confusion[label][p]++;
        if (p === label) correct++;
        else if (misclassified.length < 64) misclassified.push({ index: indices[i], label, predicted: p });
      }
      await new Promise<void>((r) => setImmediate(r));
    }
    return { metrics: { loss: lossSum / test.length, accuracy: correct / test.length }, confusion, misclassified };
  }
}

/** The document's weights (inline, sidecar or seeded) for every weight input of the graph. */
function initialWeights(doc: ModelDocument, analysis: Analysis, graph: TrainingGraph, sidecar?: Uint8Array): Map<string, Float32Array> {
  const prims = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
  const resolved = new Map<string, Record<string, Float32Array>>();
  const out = new Map<string, Float32Array>();
  for (const w of graph.weights) {
    let r = resolved.get(w.prim);
    if (!r) resolved.set(w.prim, (r = resolveWeights(doc, prims.get(w.prim)!, sidecar)));
    out.set(w.input, r[w.spec.name].slice());
  }
  return out;
}

function snapshot(weights: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  return new Map([...weights].map(([k, v]) => [k, v.slice()]));
}

function tensorsOf(graph: TrainingGraph, weights: ReadonlyMap<string, Float32Array>): TrainedTensor[] {
  return graph.weights.map((w) => ({ owner: w.owner, key: w.key, shape: w.spec.shape, data: weights.get(w.input)! }));
}
