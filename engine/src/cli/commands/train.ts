/**
 * `cnn-studio train <model> --data mnist|<folder> -o <out.json> […]` — train the model in this
 * process and write it with its trained weights (inline, or a sidecar for large models).
 * The output is rewritten atomically after every epoch, so an interrupted run loses at most the
 * epoch in progress, and the input model is never touched.
 * `--json` (a public contract): one JSON object per line — {"progress": …} and {"epoch": …} lines,
 * then {"done": true, "epochs", "steps", "train": {"loss", "accuracy"}, "test": {…} | null, "timeMs"}.
 * Exit 0 done, 1 the model cannot be trained (diagnostics), 2 unreadable input or bad usage.
 */
import { basename, dirname, join } from 'node:path';
import { serializeDocument } from '../../core/document/load';
import type { TrainingRecord } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import type { InputParams } from '../../core/ops/input';
import { TrainConfigSchema, type TrainConfig } from '../../core/train/config';
import { splitDataset, type Dataset } from '../../core/train/dataset';
import { trainingRecord } from '../../core/train/record';
import { withTrainedWeights, type TrainedTensor } from '../../core/train/trained-weights';
import { TrainingError } from '../../core/train/training-graph';
import { DatasetError, loadImageFolder, loadMnist } from '../../runtime/train/datasets';
import type { TrainProgress, TrainResult } from '../../runtime/train/trainer';
import { CliError, EXIT, type CliCommand, type ParsedArgs } from '../command';
import { loadModelArg, loadSidecarArg, requireUsableWeights } from '../load-model';
import { writeAtomically } from '../pytorch-export';
import { sidecarNameFor } from './import';

const USAGE =
  'train <model.json | preset:NAME> --data mnist|<folder> -o <out.json> [--epochs N] [--batch N] [--optimizer sgd|adam|adamw] [--lr X] [--momentum X] [--weight-decay X] [--schedule constant|step|cosine] [--seed N] [--test-split F] [--no-shuffle] [--augment] [--keep last|best] [--max-steps N] [--threads N] [--json]';

function number(args: ParsedArgs, flag: string, check: (n: number) => boolean, rule: string): number | undefined {
  const v = args.flags[flag];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new CliError(EXIT.usage, `train: --${flag} must be ${rule}, got "${v}".`, 'usage');
  return n;
}

const int = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

/** The run's settings from the flags, with the defaults of TrainConfigSchema (AdamW's weight decay defaults to 0.01, as PyTorch's). */
export function trainConfigFromArgs(args: ParsedArgs, input: InputParams, data: string): TrainConfig {
  const kind = (args.flags.optimizer as string | undefined) ?? 'adam';
  if (kind !== 'sgd' && kind !== 'adam' && kind !== 'adamw') throw new CliError(EXIT.usage, `train: --optimizer must be sgd, adam or adamw, got "${kind}".`, 'usage');
  const schedule = (args.flags.schedule as string | undefined) ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'step' && schedule !== 'cosine') throw new CliError(EXIT.usage, `train: --schedule must be constant, step or cosine, got "${schedule}".`, 'usage');
  const epochs = number(args, 'epochs', int(1), 'an integer ≥ 1') ?? 5;
  const momentum = number(args, 'momentum', (n) => n >= 0 && n <= 1, 'from 0 to 1');
  if (momentum !== undefined && kind !== 'sgd') throw new CliError(EXIT.usage, 'train: --momentum goes with --optimizer sgd (Adam keeps its own moments).', 'usage');
  const weightDecay = number(args, 'weight-decay', (n) => n >= 0 && n <= 1, 'from 0 to 1') ?? (kind === 'adamw' ? 0.01 : 0);
  const augment = args.flags.augment === true;
  return TrainConfigSchema.parse({
    epochs,
    batch: number(args, 'batch', int(1), 'an integer ≥ 1'),
    lr: number(args, 'lr', (n) => n > 0 && n <= 10, 'a number above 0 (e.g. 0.001)'),
    optimizer: { kind, momentum: momentum ?? (kind === 'sgd' ? 0.9 : 0), weightDecay },
    // step: ×0.1 at a third and two thirds of the run.
    schedule: { kind: schedule, every: Math.max(1, Math.round(epochs / 3)) },
    // Random crops (padding ⌈H/8⌉) and, except for digits (not mirror-symmetric), horizontal flips.
    augment: augment ? { cropPadding: Math.max(2, Math.ceil(input.height / 8)), flip: data !== 'mnist' } : {},
    seed: number(args, 'seed', (n) => int(0)(n) && n <= 2 ** 31 - 1, 'an integer from 0 to 2147483647'),
    testSplit: number(args, 'test-split', (n) => n >= 0 && n < 1, 'a fraction from 0 (no test) to below 1, e.g. 0.2'),
    shuffle: args.flags['no-shuffle'] !== true,
    maxStepsPerEpoch: number(args, 'max-steps', int(1), 'an integer ≥ 1'),
  });
}

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));
const metrics = (m: { loss: number; accuracy: number } | null) => m && { loss: round(m.loss), accuracy: round(m.accuracy) };

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A one-line progress bar for a terminal (redrawn in place). */
function progressBar(p: TrainProgress): string {
  const width = 24;
  const done = Math.round((p.step / p.stepsPerEpoch) * width);
  return `\rEpoch ${p.epoch}/${p.epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.step}/${p.stepsPerEpoch}  loss ${p.smoothLoss.toFixed(4)}  acc ${(p.accuracy * 100).toFixed(1)}%  ${Math.round(p.samplesPerSec)} samples/s  ETA ${formatDuration(p.etaMs)}  `;
}

export const trainCommand: CliCommand = {
  name: 'train',
  usage: USAGE,
  description: 'Train the model on MNIST digits or an image folder (one subfolder per class) and write it with the trained weights.',
  flags: {
    data: { type: 'string', valueName: 'mnist|folder', description: '"mnist" (the built-in 10,000 digits) or a folder with one subfolder of PNG/JPEG images per class.' },
    output: { type: 'string', valueName: 'out.json', description: 'The trained model (same as -o); large weights go to <out>.weights.bin beside it.', short: 'o' },
    epochs: { type: 'string', valueName: 'N', description: 'Passes over the training data (default 5).' },
    batch: { type: 'string', valueName: 'N', description: 'Samples per step (default 64); the last partial batch of an epoch is dropped.' },
    optimizer: { type: 'string', valueName: 'sgd|adam|adamw', description: 'As torch.optim (default adam).' },
    lr: { type: 'string', valueName: 'X', description: 'Learning rate (default 0.001).' },
    momentum: { type: 'string', valueName: 'X', description: 'SGD momentum (default 0.9).' },
    'weight-decay': { type: 'string', valueName: 'X', description: 'L2 penalty (sgd, adam) or decoupled decay (adamw; default 0.01 there, else 0).' },
    schedule: { type: 'string', valueName: 'constant|step|cosine', description: 'Learning-rate schedule per epoch (step: ×0.1 every third of the run; cosine: to 0).' },
    seed: { type: 'string', valueName: 'N', description: 'Seed of the split, the order, dropout and augmentation (default 0). Weights start from the document (its seed for random ones).' },
    'test-split': { type: 'string', valueName: 'F', description: 'Share held out for testing after each epoch (default 0.2; 0: train on everything).' },
    'no-shuffle': { type: 'boolean', description: 'Keep the dataset order (classes sorted, files sorted) instead of a seeded shuffle each epoch.' },
    augment: { type: 'boolean', description: 'Random crops (zero padding ⌈H/8⌉) and, for folders, horizontal flips.' },
    keep: { type: 'string', valueName: 'last|best', description: 'Which weights to write: the last epoch’s (default) or the best test accuracy’s.' },
    'max-steps': { type: 'string', valueName: 'N', description: 'At most N steps per epoch (a quick look).' },
    threads: { type: 'string', valueName: 'N', description: 'onnxruntime threads (default: all cores).' },
    json: { type: 'boolean', description: 'One JSON object per line; the last is {"done": true, "epochs", "steps", "train", "test", "timeMs"} (a stable contract).' },
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const data = args.flags.data;
    const output = args.flags.output;
    if (typeof data !== 'string') throw new CliError(EXIT.usage, `train: --data mnist|<folder> is required. usage: cnn-studio ${USAGE}`, 'usage');
    if (typeof output !== 'string') throw new CliError(EXIT.usage, `train: -o <out.json> is required. usage: cnn-studio ${USAGE}`, 'usage');
    const keep = (args.flags.keep as string | undefined) ?? 'last';
    if (keep !== 'last' && keep !== 'best') throw new CliError(EXIT.usage, `train: --keep must be last or best, got "${keep}".`, 'usage');
    const threads = number(args, 'threads', int(1), 'an integer ≥ 1');
    const json = args.flags.json === true;

    const doc = await loadModelArg(args.positionals[0], io);
    const analysis = analyze(doc);
    const inputPrim = analysis.primitives.nodes.find((p) => p.type === 'Input');
    if (!analysis.valid || !inputPrim) {
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      throw new CliError(EXIT.invalid, `the model has ${errors.length || 'no Input and'} error${errors.length === 1 ? '' : 's'} and cannot be trained; first: ${errors[0]?.message ?? 'add an Input node'} (run "cnn-studio validate" for all).`, 'invalid-graph', errors);
    }
    const input = inputPrim.params as InputParams;
    const config = trainConfigFromArgs(args, input, data);
    const sidecar = await loadSidecarArg(args.positionals[0], doc, io);
    requireUsableWeights(doc, analysis, sidecar);

    let dataset: Dataset;
    try {
      dataset = data === 'mnist' ? await loadMnist(input) : await loadImageFolder(data, input);
    } catch (e) {
      if (e instanceof DatasetError) throw new CliError(EXIT.unreadable, e.message, e.code);
      throw e;
    }
    if (dataset.skipped.length) io.stderr(`note: skipped ${dataset.skipped.length} file${dataset.skipped.length === 1 ? '' : 's'} (first: ${dataset.skipped[0].file}: ${dataset.skipped[0].reason})\n`);

    const datasetName = dataset.source.kind === 'mnist' ? 'mnist' : basename(dataset.source.path);
    const tty = !json && (process.stderr as { isTTY?: boolean }).isTTY === true;
    const weightsFile = sidecarNameFor(output);
    const started = performance.now();
    const save = async (tensors: TrainedTensor[], record: TrainingRecord) => {
      const trained = withTrainedWeights(doc, tensors, { weightsFile, training: record, labels: dataset.classes, sidecar });
      if (trained.sidecar) await writeAtomically(join(dirname(output), weightsFile), trained.sidecar);
      await writeAtomically(output, serializeDocument(trained.document));
    };
    const split = splitDataset(dataset.count, config.testSplit, config.seed);
    const stepsPerEpoch = Math.min(Math.floor(split.train.length / config.batch), config.maxStepsPerEpoch ?? Infinity);
    // onnxruntime loads only when a command needs it: every other command starts without it.
    const { Trainer } = await import('../../runtime/train/trainer');
    const trainer = new Trainer(doc, analysis, dataset, config, {
      sidecar,
      threads,
      onProgress(p) {
        if (json) io.stdout(JSON.stringify({ progress: { epoch: p.epoch, epochs: p.epochs, step: p.step, steps: p.stepsPerEpoch, loss: round(p.loss), smoothLoss: round(p.smoothLoss), accuracy: round(p.accuracy), lr: p.lr, samplesPerSec: Math.round(p.samplesPerSec), etaMs: Math.round(p.etaMs) } }) + '\n');
        else if (tty) io.stderr(progressBar(p));
      },
      async onEpoch(e, weights) {
        // A checkpoint: an interrupted run keeps every finished epoch.
        const run = { dataset: datasetName, epochs: e.epoch, steps: e.epoch * stepsPerEpoch, train: e.train, test: e.test, timeMs: performance.now() - started, trainSamples: split.train.length, testSamples: split.test.length };
        await save(weights(), trainingRecord(config, run));
        if (json) io.stdout(JSON.stringify({ epoch: e.epoch, lr: e.lr, train: metrics(e.train), test: metrics(e.test), timeMs: Math.round(e.timeMs) }) + '\n');
        else io.stderr(`${tty ? '\r\x1b[K' : ''}epoch ${e.epoch}/${config.epochs}: train loss ${e.train.loss.toFixed(4)} acc ${(e.train.accuracy * 100).toFixed(2)}%` + (e.test ? `  test loss ${e.test.loss.toFixed(4)} acc ${(e.test.accuracy * 100).toFixed(2)}%` : '') + `  (${formatDuration(e.timeMs)})\n`);
      },
    });
    let result: TrainResult;
    try {
      result = await trainer.run();
    } catch (e) {
      if (e instanceof TrainingError) throw new CliError(EXIT.invalid, e.message, e.code, e.nodeId ? [{ nodeId: e.nodeId, message: e.message }] : []);
      throw e;
    }
    if (result.train) await save(keep === 'best' ? result.best : result.last, trainingRecord(config, { ...result, dataset: datasetName, train: result.train }));
    if (json) {
      io.stdout(JSON.stringify({ done: true, epochs: result.epochs, steps: result.steps, train: metrics(result.train), test: metrics(result.test), timeMs: Math.round(result.timeMs) }) + '\n');
    } else {
      io.stdout(`trained ${doc.name} on ${dataset.source.kind === 'mnist' ? 'MNIST' : dataset.name} (${dataset.classes.length} classes) for ${result.epochs} epoch${result.epochs === 1 ? '' : 's'}, ${result.steps} steps in ${formatDuration(result.timeMs)}` + (result.test ? `: test accuracy ${(result.test.accuracy * 100).toFixed(2)}%` : '') + `; wrote ${output}\n`);
    }
    return EXIT.ok;
  },
};
