/**
 * `cnn-studio infer` — run a model on an image or tensor, in this process (no worker), on the
 * onnxruntime backend or the TypeScript reference backend.
 * `--json` prints a public contract: {"outputs": {"<nodeId>": {"shape": [...], "data": [...]}}, "timeMs": n}
 * (plus "top" with --top, and "calibratedBatchNorm": [nodeId…] when batch norms without trained
 * statistics ran on the input's own — core/weights/calibration.ts).
 */
import type { TensorResult } from '../../core/api';
import type { ModelDocument } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import { calibrationNote } from '../../core/weights/calibration';
import { randomWeightOrigins, untrainedWarning } from '../../core/weights/origins';
import { DEFAULT_SEED } from '../../core/weights/seeded';
import { loadBackend } from '../../runtime/backends';
import { EngineError } from '../../runtime/errors';
import { executeRun, type ExecuteResult } from '../../runtime/execute';
import { FileReadError } from '../../runtime/file-read';
import { decodeInput, InputFileError, MAX_INPUT_FILE_BYTES } from '../../runtime/image-file';
import type { BackendName } from '../../runtime/protocol';
import { CliError, EXIT, type CliCommand } from '../command';
import { loadModelArg, loadSidecarArg, requireUsableWeights } from '../load-model';

export interface TopEntry {
  index: number;
  label?: string;
  score: number;
}

/** The K highest values of a class-score vector (or C×1×1 map), with labels when the document has one per class. */
export function topK(t: TensorResult, k: number, labels?: readonly string[]): TopEntry[] {
  const withLabels = labels && labels.length === t.data.length ? labels : undefined;
  return Array.from(t.data, (score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k)
    .map((e) => (withLabels ? { index: e.index, label: withLabels[e.index], score: e.score } : e));
}

const isClassVector = (t: TensorResult) => t.shape.length === 1 || (t.shape.length === 3 && t.shape[1] === 1 && t.shape[2] === 1);

function positiveInt(value: string | boolean | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min) throw new CliError(EXIT.usage, `infer: --${flag} must be an integer ≥ ${min}, got "${value}".`, 'usage');
  return n;
}

function describe(t: TensorResult): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of t.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const head = Array.from(t.data.slice(0, 8), (v) => Number(v.toPrecision(5))).join(', ');
  return `shape ${t.shape.join('×')}  min ${min.toPrecision(5)}  max ${max.toPrecision(5)}  mean ${(sum / t.data.length).toPrecision(5)}\n    [${head}${t.data.length > 8 ? ', …' : ''}]`;
}

function textReport(doc: ModelDocument, r: ExecuteResult, top: number | undefined, backend: string): string {
  const lines: string[] = [];
  for (const [id, t] of Object.entries(r.tensors)) {
    lines.push(`${id}: ${describe(t)}`);
    if (top && isClassVector(t)) {
      for (const [rank, e] of topK(t, top, doc.labels).entries()) lines.push(`    ${String(rank + 1).padStart(2)}. ${String(e.index).padStart(5)}  ${e.score.toPrecision(5).padStart(11)}  ${e.label ?? ''}`.trimEnd());
    }
  }
  if (r.skipped.length) lines.push(`skipped (errors or downstream of one): ${r.skipped.join(', ')}`);
  lines.push(`${r.timeMs.toFixed(1)} ms on ${backend}`);
  return lines.join('\n') + '\n';
}

export const inferCommand: CliCommand = {
  name: 'infer',
  usage: 'infer <file.json | preset:NAME> --input <image | tensor.json> [--seed N] [--all] [--top K] [--json] [--backend ort|reference]',
  description: 'Run the model on a PNG/JPEG image or a {"shape","data"} tensor and print its outputs.',
  flags: {
    input: { type: 'string', valueName: 'image | tensor.json', description: 'PNG or JPEG image (preprocessed as the Input node says), or a JSON tensor {"shape": [C, H, W], "data": [...]}.' },
    seed: { type: 'string', valueName: 'N', description: 'Weight seed (default: the document seed).' },
    all: { type: 'boolean', description: 'Print every node’s output, not only the graph outputs (nodes with no outgoing edge).' },
    top: { type: 'string', valueName: 'K', description: 'Print the K highest classes of each class-score output (labels from the document).' },
    json: { type: 'boolean', description: 'Print JSON: {"outputs": {"<nodeId>": {"shape": [...], "data": [...]}}, "timeMs": n} (a stable contract).' },
    backend: { type: 'string', valueName: 'ort|reference', description: 'onnxruntime-node (default) or the plain TypeScript reference backend.' },
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const inputPath = args.flags.input;
    if (typeof inputPath !== 'string') throw new CliError(EXIT.usage, `infer: --input <image | tensor.json> is required. usage: cnn-studio ${inferCommand.usage}`, 'usage');
    const seed = positiveInt(args.flags.seed, 'seed', 0);
    const top = positiveInt(args.flags.top, 'top', 1);
    const backendName = (args.flags.backend ?? 'ort') as string;
    if (backendName !== 'ort' && backendName !== 'reference') throw new CliError(EXIT.usage, `infer: --backend must be "ort" or "reference", got "${backendName}".`, 'usage');

    const doc = await loadModelArg(args.positionals[0], io);
    const sidecar = await loadSidecarArg(args.positionals[0], doc, io);
    requireUsableWeights(doc, analyze(doc), sidecar);
    let bytes: Uint8Array;
    try {
      bytes = await io.readFile(inputPath, { maxBytes: MAX_INPUT_FILE_BYTES });
    } catch (e) {
      throw new CliError(EXIT.unreadable, `Cannot read input "${inputPath}": ${e instanceof FileReadError ? e.reason : (e as Error).message}.`, 'unreadable');
    }
    let input;
    try {
      input = decodeInput(bytes, inputPath);
    } catch (e) {
      if (e instanceof InputFileError) throw new CliError(EXIT.unreadable, e.message, 'bad-input');
      throw e;
    }

    const backend = await loadBackend(backendName as BackendName);
    let result: ExecuteResult;
    try {
      result = await executeRun({ document: doc, inputs: input, previews: false, tensors: args.flags.all ? 'all' : 'outputs', ...(seed !== undefined ? { seed } : {}), ...(sidecar ? { sidecar } : {}) }, backend);
    } catch (e) {
      if (e instanceof EngineError) throw new CliError(e.code === 'internal' ? 3 : e.code === 'bad-input' ? EXIT.unreadable : EXIT.invalid, e.message, e.code, e.diagnostics ?? []);
      throw e;
    } finally {
      await backend.dispose();
    }

    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors.slice(0, 5)) io.stderr(`error${d.nodeId ? ` (${d.nodeId})` : ''}: ${d.message}\n`);
    if (errors.length > 5) io.stderr(`… and ${errors.length - 5} more errors\n`);

    // Class scores from random kernels are no prediction: say so beside them (stdout stays data).
    if (top && Object.values(result.tensors).some(isClassVector)) {
      const warning = untrainedWarning(randomWeightOrigins(doc, analyze(doc).primitives), seed ?? doc.seed ?? DEFAULT_SEED);
      if (warning) io.stderr(`note: ${warning} Trained weights come with an ONNX model: cnn-studio import model.onnx -o model.cnn.json\n`);
    }
    // Batch norms without trained statistics ran on this image's own (core/weights/calibration.ts).
    const calibrated = calibrationNote(result.calibratedBatchNorm);
    if (calibrated) io.stderr(`note: ${calibrated}\n`);

    if (args.flags.json) {
      const outputs = Object.fromEntries(Object.entries(result.tensors).map(([id, t]) => [id, { shape: [...t.shape], data: Array.from(t.data) }]));
      const json: Record<string, unknown> = { outputs, timeMs: Math.round(result.timeMs * 1000) / 1000 };
      if (top) json.top = Object.fromEntries(Object.entries(result.tensors).filter(([, t]) => isClassVector(t)).map(([id, t]) => [id, topK(t, top, doc.labels)]));
      if (result.calibratedBatchNorm) json.calibratedBatchNorm = result.calibratedBatchNorm;
      io.stdout(JSON.stringify(json) + '\n');
    } else {
      io.stdout(textReport(doc, result, top, backend.name));
    }
    return errors.length ? EXIT.invalid : EXIT.ok;
  },
};
