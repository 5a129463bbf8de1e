import { dirname, resolve } from 'node:path';
import { parseDocument } from '../core/document/load';
import type { ModelDocument } from '../core/document/schema';
import { getPreset, PRESET_NAMES, UnknownPresetError } from '../core/presets';
import { CliError, EXIT, type CliIO } from './command';

export const PRESET_PREFIX = 'preset:';

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
    bytes = await io.readFile(arg);
  } catch (e) {
    throw new CliError(EXIT.unreadable, `Cannot read "${arg}": ${describeFsError(e)}.`, 'unreadable');
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
 * docs/weights.md), or undefined for presets and models without one. Unreadable: exit code 2.
 */
export async function loadSidecarArg(arg: string, doc: ModelDocument, io: Pick<CliIO, 'readFile'>): Promise<Uint8Array | undefined> {
  if (!doc.weightsFile || arg.startsWith(PRESET_PREFIX)) return undefined;
  const path = resolve(dirname(arg), doc.weightsFile);
  try {
    return await io.readFile(path);
  } catch {
    throw new CliError(EXIT.unreadable, `cannot read the weights sidecar "${path}" named by the model's weightsFile.`, 'unreadable');
  }
}

function describeFsError(e: unknown): string {
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
