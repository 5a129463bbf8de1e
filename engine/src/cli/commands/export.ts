import { analyze } from '../../core/graph/analyze';
import type { InputParams } from '../../core/ops/input';
import { exportOnnx, graphOutputs, OnnxExportError } from '../../core/onnx/export';
import { CliError, EXIT, type CliCommand } from '../command';
import { loadModelArg, loadSidecarArg, requireUsableWeights } from '../load-model';
import { checkTrainScriptFlags, TRAIN_SCRIPT_FLAGS, trainConfigFromFlags, writeAtomically, writeKerasExport, writePyTorchExport } from '../pytorch-export';

/**
 * `cnn-studio export <file.json | preset:NAME> --format onnx -o model.onnx [--seed N]` — the ONNX
 * model the engine runs (opset 17, weights as raw data, symbolic batch "N"), loadable by any ONNX tool.
 * `--format pytorch -o model.py [--weights model.pt] [--train-script train.py [--optimizer …]]` —
 * PyTorch code, its state dict, and a training script for it.
 */
export const exportCommand: CliCommand = {
  name: 'export',
  usage: 'export <file.json | preset:NAME> --format onnx|pytorch|keras -o <model.onnx | model.py> [--weights model.pt] [--train-script train.py [--epochs N --batch N --optimizer sgd|adam|adamw --lr X …]] [--seed N]',
  description: 'Write the model as ONNX (opset 17) with its weights, as PyTorch code (+ --weights state dict, + --train-script training script), or as tf.keras code.',
  flags: {
    format: { type: 'string', valueName: 'onnx|pytorch|keras', description: 'Output format: onnx (default), pytorch (a standalone model.py), or keras (tf.keras code, no weights).' },
    weights: { type: 'string', valueName: 'model.pt', description: 'pytorch: also write the weights as a state dict for model.load_state_dict(torch.load(...)).' },
    output: { type: 'string', valueName: 'file', description: 'Output file (same as -o).', short: 'o' },
    seed: { type: 'string', valueName: 'N', description: 'Seed for weights the document does not carry (default: the document seed, or 42).' },
    ...TRAIN_SCRIPT_FLAGS,
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const [model] = args.positionals;
    const output = args.flags.output as string | undefined;
    if (!output) throw new CliError(EXIT.usage, `missing -o <file>. usage: cnn-studio ${exportCommand.usage}`, 'usage');
    const format = (args.flags.format as string | undefined) ?? 'onnx';
    if (format !== 'onnx' && format !== 'pytorch' && format !== 'keras') throw new CliError(EXIT.usage, `unknown --format "${format}" — use onnx, pytorch or keras.`, 'usage');
    if (args.flags.weights !== undefined && format !== 'pytorch') throw new CliError(EXIT.usage, '--weights goes with --format pytorch (ONNX files carry their weights).', 'usage');
    checkTrainScriptFlags(args.flags, format, { output, weights: args.flags.weights as string | undefined });
    let seed: number | undefined;
    if (args.flags.seed !== undefined) {
      seed = Number(args.flags.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new CliError(EXIT.usage, `--seed must be an integer from 0 to 2147483647, not "${args.flags.seed}".`, 'usage');
    }

    const doc = await loadModelArg(model, io);
    const analysis = analyze(doc);
    if (!analysis.valid) {
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      throw new CliError(EXIT.invalid, `the model has ${errors.length} error${errors.length === 1 ? '' : 's'} and cannot be exported; first: ${errors[0]?.message ?? 'unknown'} (run "cnn-studio validate" for all).`, 'invalid-graph', errors);
    }
    if (graphOutputs(doc, analysis).length === 0) {
      throw new CliError(EXIT.invalid, 'the model has no layer after its Input, so there is nothing to export — connect layers to the Input.', 'no-output');
    }
    const sidecar = await loadSidecarArg(model, doc, io);
    requireUsableWeights(doc, analysis, sidecar);
    if (format === 'keras') return writeKerasExport(doc, analysis, output, io);
    if (format === 'pytorch') {
      const train = args.flags['train-script'] as string | undefined;
      const input = doc.nodes.find((n) => n.type === 'Input')?.params as InputParams | undefined;
      const trainScript = train === undefined ? undefined : { path: train, config: trainConfigFromFlags(args.flags, input) };
      return writePyTorchExport(doc, analysis, { output, weights: args.flags.weights as string | undefined, seed, sidecar, trainScript }, io);
    }
    let bytes: Uint8Array;
    try {
      bytes = exportOnnx(doc, analysis, { seed, sidecar });
    } catch (e) {
      if (e instanceof OnnxExportError) throw new CliError(EXIT.invalid, e.message, e.code);
      throw e;
    }
    await writeAtomically(output, bytes);
    io.stdout(`wrote ${output} (${(bytes.length / 1024 ** 2).toFixed(1)} MiB, ONNX opset 17, ${analysis.primitives.nodes.length} primitives)\n`);
    return EXIT.ok;
  },
};
