import { realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { serializeDocument } from '../../core/document/load';
import { analyze } from '../../core/graph/analyze';
import { importOnnxWithSidecar, MAX_ONNX_BYTES, OnnxImportError, formatInputShape, parseInputShape, type ExternalDataReader, type InputShape } from '../../core/onnx/import';
import { FileReadError, formatSize, readRegularFile, readRegularFileSync } from '../../runtime/file-read';
import { CliError, EXIT, type CliCommand } from '../command';
import { writeAtomically } from '../pytorch-export';

/** With --sidecar, tensors of at least this many values go to the .weights.bin file. */
const SIDECAR_MIN_VALUES = 4096;

/** External data files, each and all together, are read up to this many bytes. */
export const MAX_EXTERNAL_DATA_BYTES = 4 * 1024 ** 3;

/**
 * External data for a model at `modelPath`: `location` (already checked to stay inside the folder)
 * is resolved there, and its real path (symlinks followed) must still be inside the folder. Only
 * regular files are read (a FIFO or a device is refused unread), each once however many tensors
 * it holds, and no more than `maxBytes` of them in all.
 */
export function externalDataReader(modelPath: string, maxBytes = MAX_EXTERNAL_DATA_BYTES): ExternalDataReader {
  const folder = realpathSync(dirname(resolve(modelPath)));
  const files = new Map<string, Uint8Array>();
  let total = 0;
  return (location) => {
    const path = realpathSync(join(folder, location));
    const rel = relative(folder, path);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
      throw new OnnxImportError('external-data', `External data "${location}" resolves (through a link) to "${path}", outside the model's folder — refused.`);
    }
    const cached = files.get(path);
    if (cached) return cached;
    let bytes: Uint8Array;
    try {
      bytes = readRegularFileSync(path, { maxBytes: maxBytes - total });
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      const reason = e.code === 'too-large' ? `together with the other external data it is over the limit of ${formatSize(maxBytes)}` : e.reason;
      throw new OnnxImportError('external-data', `Cannot read the external data file "${location}": ${reason}.`);
    }
    total += bytes.byteLength;
    files.set(path, bytes);
    return bytes;
  };
}

/** "model.json" → "model.weights.bin" */
export function sidecarNameFor(jsonPath: string): string {
  return `${basename(jsonPath).replace(/\.json$/i, '')}.weights.bin`;
}

/**
 * `cnn-studio import <model.onnx> -o <model.json> [--sidecar] [--name NAME] [--input-shape CxHxW]` —
 * an ONNX model with its weights as an editable document. Weights are inline (base64) unless
 * --sidecar, or a tensor too big to inline, puts them in <model>.weights.bin next to the JSON
 * (docs/weights.md). --input-shape sizes an input the file leaves symbolic (dynamic_axes); without
 * it such a file is refused with code needs-input-shape.
 */
export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import <model.onnx> -o <model.json> [--sidecar] [--name NAME] [--input-shape CxHxW]',
  description: 'Turn an ONNX model (opset 9+) with its weights into a CNN Studio document.',
  flags: {
    output: { type: 'string', valueName: 'file', description: 'Output JSON file (same as -o).', short: 'o' },
    sidecar: { type: 'boolean', description: `Put tensors of ${SIDECAR_MIN_VALUES}+ values in <model>.weights.bin next to the JSON (smaller JSON).` },
    name: { type: 'string', valueName: 'NAME', description: 'Document name (default: the ONNX graph name).' },
    'input-shape': { type: 'string', valueName: 'CxHxW', description: 'Image size for a model whose input height/width are symbolic (exported with dynamic axes), e.g. 3x224x224.' },
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const [input] = args.positionals;
    const output = args.flags.output as string | undefined;
    if (!output) throw new CliError(EXIT.usage, `missing -o <model.json>. usage: cnn-studio ${importCommand.usage}`, 'usage');
    let inputShape: InputShape | undefined;
    if (args.flags['input-shape'] !== undefined) {
      const parsed = parseInputShape(String(args.flags['input-shape']));
      if (!parsed.ok) throw new CliError(EXIT.usage, `--input-shape: ${parsed.message}`, 'usage');
      inputShape = parsed.shape;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(input, { maxBytes: MAX_ONNX_BYTES });
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      if (e.code === 'too-large') throw new CliError(EXIT.unreadable, `"${input}" is too large to import: ${e.reason}.`, 'too-large');
      throw new CliError(EXIT.unreadable, e.message, 'unreadable');
    }
    const weightsFile = sidecarNameFor(output);
    let result;
    try {
      result = importOnnxWithSidecar(bytes, {
        name: (args.flags.name as string | undefined) ?? basename(input).replace(/\.onnx$/i, ''),
        weightsFile,
        sidecarMinValues: args.flags.sidecar ? SIDECAR_MIN_VALUES : undefined,
        readExternal: externalDataReader(input),
        ...(inputShape ? { inputShape } : {}),
      });
    } catch (e) {
      if (e instanceof OnnxImportError) {
        const flag = e.inputShape ? ` Pass --input-shape ${e.inputShape.suggested.join('x')}.` : '';
        throw new CliError(EXIT.unreadable, `"${input}": ${e.message}${flag}`, e.code);
      }
      throw e;
    }
    const doc = result.document;
    if (result.sidecar) await writeAtomically(join(dirname(output), weightsFile), result.sidecar);
    await writeAtomically(output, serializeDocument(doc));
    const analysis = analyze(doc);
    const count = (type: string) => doc.nodes.filter((n) => n.type === type).length;
    const modules = [
      count('ResidualUnit') && `${count('ResidualUnit')} residual units`,
      count('Inception') && `${count('Inception')} inception modules`,
      count('InvertedResidual') && `${count('InvertedResidual')} inverted residual blocks`,
      count('SqueezeExcite') && `${count('SqueezeExcite')} squeeze-excite gates`,
    ].filter(Boolean);
    io.stdout(
      `imported ${input}${inputShape ? ` at ${formatInputShape(inputShape)}` : ''}: ${doc.nodes.length} nodes${modules.length ? ` (${modules.join(', ')})` : ''}, ${analysis.totals.params.toLocaleString('en-US')} parameters; wrote ${output}` +
        (result.sidecar ? ` and ${join(dirname(output), weightsFile)} (${(result.sidecar.length / 1024 ** 2).toFixed(1)} MiB)` : '') +
        '\n',
    );
    return EXIT.ok;
  },
};
