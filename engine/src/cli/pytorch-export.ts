/**
 * The `--format pytorch` path of `cnn-studio export`: model.py (and, with --weights, model.pt — a
 * torch.save state dict of the engine's weights), written atomically.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { ModelDocument } from '../core/document/schema';
import type { Analysis } from '../core/graph/types';
import { exportPyTorch, PyTorchExportError } from '../core/export/pytorch';
import { exportKeras } from '../core/export/keras';
import { CliError, EXIT, type CliIO } from './command';

export async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    throw new CliError(EXIT.unreadable, `cannot write "${path}": ${(e as Error).message}`, 'unwritable');
  }
}

export async function writePyTorchExport(
  doc: ModelDocument,
  analysis: Analysis,
  options: { output: string; weights?: string; seed?: number; sidecar?: Uint8Array },
  io: CliIO,
): Promise<number> {
  let result;
  try {
    result = exportPyTorch(doc, analysis, { seed: options.seed, sidecar: options.sidecar, weights: options.weights !== undefined });
  } catch (e) {
    if (e instanceof PyTorchExportError) throw new CliError(EXIT.invalid, e.message, e.code);
    throw e;
  }
  await writeAtomically(options.output, result.code);
  if (options.weights !== undefined) await writeAtomically(options.weights, result.weights!);
  const weights = options.weights !== undefined ? ` and ${options.weights} (state dict, ${(result.weights!.length / 1024 ** 2).toFixed(1)} MiB)` : '';
  io.stdout(`wrote ${options.output} (class ${result.className}, ${analysis.totals.params.toLocaleString('en-US')} parameters)${weights}\n`);
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
