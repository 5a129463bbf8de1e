/**
 * The `--format pytorch` path of `cnn-studio export`: model.py (and, with --weights, model.pt — a
 * torch.save state dict of the engine's weights; with --train-script, train.py — a training script
 * for it), written atomically.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import type { ModelDocument } from '../core/document/schema';
import type { Analysis } from '../core/graph/types';
import { exportPyTorch, PyTorchExportError } from '../core/export/pytorch';
import { describeTrainConfig, pytorchTrainScript, TrainScriptError } from '../core/export/pytorch-train';
import { exportKeras } from '../core/export/keras';
import type { InputParams } from '../core/ops/input';
import { TrainConfigSchema, type TrainConfig } from '../core/train/config';
import { atomicWriteFile, AtomicWriteError } from '../runtime/atomic-write';
import { CliError, EXIT, type CliIO, type FlagSpec, type ParsedArgs } from './command';

/**
 * The training script's settings as export flags: the names, rules and defaults of `cnn-studio train`,
 * plus SGD's Nesterov and Adam's betas and epsilon. They become train.py's argparse defaults.
 */
export const TRAIN_SCRIPT_FLAGS: Record<string, FlagSpec> = {
  'train-script': { type: 'string', valueName: 'train.py', description: 'pytorch: also write a training script for model.py (image folder; torchrun and DistributedDataParallel, or plain python). The flags below are its defaults.' },
  epochs: { type: 'string', valueName: 'N', description: 'train.py: passes over the data (default 5).' },
  batch: { type: 'string', valueName: 'N', description: 'train.py: images per step in each process (default 64).' },
  optimizer: { type: 'string', valueName: 'sgd|adam|adamw', description: 'train.py: as torch.optim (default adam).' },
  lr: { type: 'string', valueName: 'X', description: 'train.py: learning rate (default 0.001).' },
  momentum: { type: 'string', valueName: 'X', description: 'train.py: SGD momentum (default 0.9).' },
  nesterov: { type: 'boolean', description: 'train.py: SGD with Nesterov momentum.' },
  betas: { type: 'string', valueName: 'B1,B2', description: 'train.py: Adam/AdamW betas (default 0.9,0.999).' },
  eps: { type: 'string', valueName: 'X', description: 'train.py: Adam/AdamW epsilon (default 1e-8).' },
  'weight-decay': { type: 'string', valueName: 'X', description: 'train.py: L2 penalty (sgd, adam) or decoupled decay (adamw; default 0.01 there, else 0).' },
  schedule: { type: 'string', valueName: 'constant|step|cosine', description: 'train.py: learning rate per epoch (step: ×0.1 every third of the run; cosine: to 0).' },
  augment: { type: 'boolean', description: 'train.py: random crops (zero padding ⌈H/8⌉) and horizontal flips.' },
};

function numberFlag(flags: ParsedArgs['flags'], flag: string, check: (n: number) => boolean, rule: string): number | undefined {
  const v = flags[flag];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new CliError(EXIT.usage, `--${flag} must be ${rule}, got "${v}".`, 'usage');
  return n;
}

const intFrom = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;

/**
 * The training script's settings from the flags, with `cnn-studio train`'s defaults (SGD momentum 0.9,
 * AdamW weight decay 0.01, step schedule ×0.1 every third of the run, crop padding ⌈H/8⌉ of `input`).
 * Usage errors name the flag.
 */
export function trainConfigFromFlags(flags: ParsedArgs['flags'], input?: Pick<InputParams, 'height'>): TrainConfig {
  const kind = (flags.optimizer as string | undefined) ?? 'adam';
  if (kind !== 'sgd' && kind !== 'adam' && kind !== 'adamw') throw new CliError(EXIT.usage, `--optimizer must be sgd, adam or adamw, got "${kind}".`, 'usage');
  const schedule = (flags.schedule as string | undefined) ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'step' && schedule !== 'cosine') throw new CliError(EXIT.usage, `--schedule must be constant, step or cosine, got "${schedule}".`, 'usage');
  const epochs = numberFlag(flags, 'epochs', intFrom(1, 10_000), 'an integer from 1 to 10000') ?? 5;
  const momentum = numberFlag(flags, 'momentum', (n) => n >= 0 && n <= 1, 'from 0 to 1');
  const nesterov = flags.nesterov === true;
  if ((momentum !== undefined || nesterov) && kind !== 'sgd') throw new CliError(EXIT.usage, `--momentum and --nesterov go with --optimizer sgd (${kind} keeps its own moments; it takes --betas and --eps).`, 'usage');
  let betas: number[] | undefined;
  if (flags.betas !== undefined) {
    const raw = String(flags.betas);
    betas = raw.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
    if (betas.length !== 2 || !betas.every((b) => b >= 0 && b < 1)) throw new CliError(EXIT.usage, `--betas must be two numbers from 0 to below 1, e.g. 0.9,0.999, got "${raw}".`, 'usage');
  }
  const eps = numberFlag(flags, 'eps', (n) => n > 0 && n <= 1, 'a number above 0, at most 1 (e.g. 1e-8)');
  if ((betas !== undefined || eps !== undefined) && kind === 'sgd') throw new CliError(EXIT.usage, '--betas and --eps go with --optimizer adam or adamw (sgd takes --momentum and --nesterov).', 'usage');
  const sgdMomentum = momentum ?? (kind === 'sgd' ? 0.9 : 0);
  if (nesterov && sgdMomentum === 0) throw new CliError(EXIT.usage, '--nesterov needs a momentum above 0 (e.g. --momentum 0.9).', 'usage');
  return TrainConfigSchema.parse({
    epochs,
    batch: numberFlag(flags, 'batch', intFrom(1, 65_536), 'an integer from 1 to 65536'),
    lr: numberFlag(flags, 'lr', (n) => n > 0 && n <= 10, 'a number above 0 (e.g. 0.001)'),
    optimizer: {
      kind,
      momentum: sgdMomentum,
      nesterov,
      weightDecay: numberFlag(flags, 'weight-decay', (n) => n >= 0 && n <= 1, 'from 0 to 1') ?? (kind === 'adamw' ? 0.01 : 0),
      ...(betas ? { beta1: betas[0], beta2: betas[1] } : {}),
      ...(eps !== undefined ? { eps } : {}),
    },
    schedule: { kind: schedule, every: Math.max(1, Math.round(epochs / 3)) },
    augment: flags.augment === true ? { cropPadding: Math.max(2, Math.ceil((input?.height ?? 0) / 8)), flip: true } : {},
  });
}

/** Usage errors for the training flags: they need --train-script, which needs --format pytorch. */
export function checkTrainScriptFlags(flags: ParsedArgs['flags'], format: string, files: { output: string; weights?: string }): void {
  const train = flags['train-script'] as string | undefined;
  if (train === undefined) {
    const stray = Object.keys(TRAIN_SCRIPT_FLAGS).find((f) => flags[f] !== undefined);
    if (stray) throw new CliError(EXIT.usage, `--${stray} is a training script setting: it goes with --train-script train.py (and --format pytorch).`, 'usage');
    return;
  }
  if (format !== 'pytorch') throw new CliError(EXIT.usage, `--train-script goes with --format pytorch (it trains the model.py that format writes), not ${format}.`, 'usage');
  if ([files.output, files.weights].some((f) => f !== undefined && resolve(f) === resolve(train))) {
    throw new CliError(EXIT.usage, `--train-script "${train}" is also the model or weights file — give the training script its own name.`, 'usage');
  }
  trainConfigFromFlags(flags);
}

/**
 * Every file the CLI writes goes through the desktop's atomic writer (runtime/atomic-write.ts):
 * O_EXCL temporary file beside the target, fsync, rename, folder fsync, the temporary file removed on
 * failure, and a symbolic link written through to its target. Failure: exit code 2, target unchanged.
 */
export async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  try {
    await atomicWriteFile(path, data);
  } catch (e) {
    if (e instanceof AtomicWriteError) throw new CliError(EXIT.unreadable, `cannot write "${path}": ${e.reason}; nothing was changed.`, 'unwritable');
    throw e;
  }
}

export async function writePyTorchExport(
  doc: ModelDocument,
  analysis: Analysis,
  options: { output: string; weights?: string; seed?: number; sidecar?: Uint8Array; trainScript?: { path: string; config: TrainConfig } },
  io: CliIO,
): Promise<number> {
  let result;
  let script: string | undefined;
  try {
    result = exportPyTorch(doc, analysis, { seed: options.seed, sidecar: options.sidecar, weights: options.weights !== undefined });
    if (options.trainScript) {
      // model.py as the script finds it: relative to the script's folder.
      const modelFile = relative(dirname(resolve(options.trainScript.path)), resolve(options.output)).split(sep).join('/');
      script = pytorchTrainScript(doc, analysis, result, { config: options.trainScript.config, modelFile });
    }
  } catch (e) {
    if (e instanceof PyTorchExportError || e instanceof TrainScriptError) throw new CliError(e.code === 'bad-setting' ? EXIT.usage : EXIT.invalid, e.message, e.code);
    throw e;
  }
  await writeAtomically(options.output, result.code);
  if (options.weights !== undefined) await writeAtomically(options.weights, result.weights!);
  if (script !== undefined) await writeAtomically(options.trainScript!.path, script);
  const weights = options.weights !== undefined ? ` and ${options.weights} (state dict, ${(result.weights!.length / 1024 ** 2).toFixed(1)} MiB)` : '';
  io.stdout(`wrote ${options.output} (class ${result.className}, ${analysis.totals.params.toLocaleString('en-US')} parameters)${weights}\n`);
  if (script !== undefined) {
    const { path, config } = options.trainScript!;
    io.stdout(`wrote ${path} (training script; defaults: ${describeTrainConfig(config)}) — run: python3 ${path} --data DIR, or torchrun --nproc_per_node=N ${path} --data DIR\n`);
  }
  return EXIT.ok;
}

/** The `--format keras` path: a tf.keras model-building file (structure only, no weights). */
export async function writeKerasExport(doc: ModelDocument, analysis: Analysis, output: string, io: CliIO): Promise<number> {
  let result;
  try {
    result = exportKeras(doc, analysis);
  } catch (e) {
    if (e instanceof PyTorchExportError) throw new CliError(EXIT.invalid, e.message, e.code);
    throw e;
  }
  await writeAtomically(output, result.code);
  io.stdout(`wrote ${output} (tf.keras, ${result.functionName}(); structure only, no weights)\n`);
  return EXIT.ok;
}
