import { parseDocument } from '../core/document/load';
import type { Diagnostic } from '../core/diagnostics';
import type { ModelDocument } from '../core/document/schema';
import type { Analysis } from '../core/graph/types';
import { weightDiagnostics } from '../core/weights/check';
import { getPreset, PRESET_NAMES, UnknownPresetError } from '../core/presets';
import { FileReadError } from '../runtime/file-read';
import { inspectSidecarOnDisk, readSidecarFile, SidecarFileError } from '../runtime/sidecar-file';
import { CliError, EXIT, type CliIO } from './command';

export const PRESET_PREFIX = 'preset:';

/** Largest model file read (the desktop's limit too: documents with inline weights can be big, but not this big). */
export const MAX_MODEL_BYTES = 512 * 1024 ** 2;

/**
 * The model a command works on: `preset:NAME` or a path to a model JSON file. Anything unreadable
 * or not a model document is a CliError with exit code 2 and a one-line message.
 */
export async function loadModelArg(arg: string, io: CliIO): Promise<ModelDocument> {
  if (arg.startsWith(PRESET_PREFIX)) {
    const name = arg.slice(PRESET_PREFIX.length);
    try {
      return getPreset(name);
    } catch (e) {
      if (e instanceof UnknownPresetError) throw new CliError(EXIT.unreadable, `Unknown preset "${name}" — run "cnn-studio presets" (available: ${PRESET_NAMES.join(', ')}).`, 'unknown-preset');
      throw e;
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(arg, { maxBytes: MAX_MODEL_BYTES });
  } catch (e) {
    throw new CliError(EXIT.unreadable, `Cannot read "${arg}": ${describeFsError(e)}.`, e instanceof FileReadError && e.code === 'too-large' ? 'too-large' : 'unreadable');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(EXIT.unreadable, `"${arg}" is not a text file (not valid UTF-8) — a CNN Studio model is a JSON file.`, 'not-a-model');
  }
  const loaded = parseDocument(text.replace(/^\uFEFF/, ''));
  if (!loaded.ok) throw new CliError(EXIT.unreadable, `"${arg}": ${loaded.error.message}`, loaded.error.code, loaded.error.diagnostics);
  return loaded.document;
}

/**
 * The bytes of the weights sidecar a model file names (`weightsFile`, next to the JSON; see
 * docs/weights.md), or undefined for presets and models without one. The hosts' rule
 * (runtime/sidecar-file.ts): a plain file name beside the model, a regular file no link leads out of
 * its folder, of the size the document needs — anything else is refused unread, exit code 2.
 */
export async function loadSidecarArg(arg: string, doc: ModelDocument, _io?: Pick<CliIO, 'readFile'>): Promise<Uint8Array | undefined> {
  if (doc.weightsFile === undefined || arg.startsWith(PRESET_PREFIX)) return undefined;
  try {
    return (await readSidecarFile(arg, doc))?.bytes;
  } catch (e) {
    if (e instanceof SidecarFileError) throw new CliError(EXIT.unreadable, e.message, e.code);
    throw new CliError(EXIT.unreadable, `Cannot read the model's weightsFile ${doc.weightsFile}: ${describeFsError(e)}.`, 'unreadable');
  }
}

/**
 * What `validate` adds to the graph's diagnostics: weights that cannot be used (core/weights/check.ts)
 * and, for a model file, a weightsFile the sidecar rule refuses (looked at, never read).
 */
export async function documentFileDiagnostics(arg: string, doc: ModelDocument, analysis: Pick<Analysis, 'primitives'>): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  let sidecarBytes: number | undefined;
  if (doc.weightsFile !== undefined && !arg.startsWith(PRESET_PREFIX)) {
    let problem: string | undefined;
    try {
      ({ problem, size: sidecarBytes } = await inspectSidecarOnDisk(arg, doc));
    } catch (e) {
      problem = `Cannot look at the model's weightsFile ${doc.weightsFile}: ${describeFsError(e)}.`;
    }
    if (problem) {
      out.push({ severity: 'error', code: 'bad-weights-file', path: 'weightsFile', message: problem });
      sidecarBytes = undefined; // said once, for the file, not again for each tensor in it
    }
  }
  out.push(...weightDiagnostics(doc, analysis, sidecarBytes));
  return out;
}

/** Exit 1 with the first reason when the document's weights cannot be used (run "validate" for all). */
export function requireUsableWeights(doc: ModelDocument, analysis: Pick<Analysis, 'primitives'>, sidecar?: Uint8Array): void {
  const errors = weightDiagnostics(doc, analysis, sidecar?.byteLength).filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more: run "cnn-studio validate")` : '';
  throw new CliError(EXIT.invalid, `${errors[0].message}${more}`, 'bad-weights', errors);
}

function describeFsError(e: unknown): string {
  if (e instanceof FileReadError) return e.reason;
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (e as Error)?.message ?? String(e);
  }
}
