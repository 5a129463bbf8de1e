/**
 * The weights sidecar a model file names, found and read on disk under the one rule of
 * core/weights/sidecar.ts (sidecarFileProblem): a plain file name beside the model, a regular file no
 * link leads out of the model's folder, within the size cap, holding the bytes the document's ranges
 * reach. A bad name never touches the disk; the read itself is bounded (runtime/file-read.ts).
 */
import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ModelDocument } from '../core/document/schema';
import { MAX_SIDECAR_BYTES, sidecarFileProblem, sidecarReadProblem, sidecarSizeProblem, usesSidecar, type SidecarFileFacts } from '../core/weights/sidecar';
import { FileReadError, readRegularFile } from './file-read';

/** The sidecar cannot be used; `message` says why in one sentence. */
export class SidecarFileError extends Error {
  readonly code = 'bad-weights-file' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SidecarFileError';
  }
}

export interface SidecarLookup {
  /** The file's real path (links followed), when the name is plain and it exists. */
  path?: string;
  facts: SidecarFileFacts;
}

/** What is at `weightsFile`'s place beside `modelPath` (never looks when the name is not plain). */
export async function lookUpSidecar(modelPath: string, weightsFile: string): Promise<SidecarLookup> {
  if (sidecarReadProblem(weightsFile)) return { facts: { kind: 'missing' } };
  const folder = await fsp.realpath(dirname(resolve(modelPath)));
  let real: string;
  try {
    real = await fsp.realpath(join(folder, weightsFile));
  } catch {
    return { facts: { kind: 'missing' } }; // absent, or a dangling link
  }
  const rel = relative(folder, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { path: real, facts: { kind: 'other', outside: real } };
  const st = await fsp.stat(real);
  return { path: real, facts: st.isDirectory() ? { kind: 'directory' } : st.isFile() ? { kind: 'file', size: st.size } : { kind: 'other' } };
}

/**
 * Why the document's sidecar beside `modelPath` cannot serve it (`problem`; none also when it has no
 * weightsFile, or names one no tensor uses and that is absent), and its size when it is a file. Never reads it.
 */
export async function inspectSidecarOnDisk(modelPath: string, doc: ModelDocument, maxBytes = MAX_SIDECAR_BYTES): Promise<{ problem?: string; size?: number }> {
  const file = doc.weightsFile;
  if (file === undefined) return {};
  const found = await lookUpSidecar(modelPath, file);
  const size = found.facts.kind === 'file' && found.facts.outside === undefined ? found.facts.size : undefined;
  if (found.facts.kind === 'missing' && !usesSidecar(doc) && !sidecarReadProblem(file)) return {};
  const problem = sidecarFileProblem(doc, file, found.facts, maxBytes);
  return { ...(problem ? { problem } : {}), ...(size !== undefined ? { size } : {}) };
}

/**
 * The bytes of the document's sidecar beside `modelPath`, or undefined when it has none (or names
 * one no tensor uses and that is absent). Anything the rule refuses is a SidecarFileError.
 */
export async function readSidecarFile(modelPath: string, doc: ModelDocument, maxBytes = MAX_SIDECAR_BYTES): Promise<{ path: string; bytes: Uint8Array } | undefined> {
  const file = doc.weightsFile;
  if (file === undefined) return undefined;
  const found = await lookUpSidecar(modelPath, file);
  if (found.facts.kind === 'missing' && !usesSidecar(doc) && !sidecarReadProblem(file)) return undefined;
  const problem = sidecarFileProblem(doc, file, found.facts, maxBytes);
  if (problem) throw new SidecarFileError(problem);
  let bytes: Uint8Array;
  try {
    // Kind and size are checked again on the open handle: the file may have been swapped meanwhile.
    bytes = await readRegularFile(found.path!, { maxBytes });
  } catch (e) {
    if (e instanceof FileReadError) throw new SidecarFileError(`Cannot read the model's weightsFile ${file}: ${e.reason}.`);
    throw e;
  }
  const short = sidecarSizeProblem(doc, file, bytes.byteLength);
  if (short) throw new SidecarFileError(short);
  return { path: found.path!, bytes };
}
