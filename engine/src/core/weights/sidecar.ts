/**
 * Checks on a document's binary weights sidecar (docs/weights.md) that every host makes the same
 * way: the name it may have, how many bytes the document needs from it, and the sentence a user
 * sees when the file is not what the document needs. Isomorphic: no file access here.
 */
import type { ModelDocument } from '../document/schema';

/** Bytes of the sidecar the document's tensors reach: the largest offset + length (0 when none). */
export function sidecarBytesNeeded(doc: ModelDocument): number {
  let end = 0;
  for (const n of doc.nodes) {
    for (const t of Object.values(n.weights ?? {})) if (t.sidecar) end = Math.max(end, t.sidecar.offset + t.sidecar.length);
  }
  return end;
}

/** Whether any tensor of the document lives in its sidecar. */
export function usesSidecar(doc: ModelDocument): boolean {
  return doc.nodes.some((n) => Object.values(n.weights ?? {}).some((t) => t.sidecar !== undefined));
}

/**
 * A sidecar sits in the document's own folder: a plain file name, no folders, not "." or "..",
 * nothing hidden. Anything else is refused, so a document cannot make a host read or write
 * elsewhere on the disk.
 */
export function isPlainFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0:]/.test(name) && !name.startsWith('.') && name.trim() === name;
}

/** "1.2 MB" below 10 MiB, else whole MiB ("44.6 MiB" keeps one decimal under 100 MiB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(n < 100 * 1024 ** 2 ? 1 : 0)} MiB`;
}

/** Why a sidecar of `size` bytes named `file` cannot serve the document, or undefined when it can. */
export function sidecarSizeProblem(doc: ModelDocument, file: string, size: number): string | undefined {
  const needed = sidecarBytesNeeded(doc);
  if (size >= needed) return undefined;
  return `${file} is ${formatBytes(size)} but the model needs ${formatBytes(needed)} of weights from it — the file is truncated or belongs to another model.`;
}

/** Why the document's weightsFile cannot be used at all (a bad name), or undefined. */
export function sidecarNameProblem(file: string): string | undefined {
  if (isPlainFileName(file)) return undefined;
  return `The model's weightsFile "${file.slice(0, 200).replace(/[\0-\x1f\x7f]/g, '?')}" is not a plain file name; the weights file must sit next to the model's JSON file.`;
}

/** What the weights files CNN Studio writes are called; only such files are read by name from a model's folder. */
export const SIDECAR_SUFFIX = '.weights.bin';

/**
 * Why a host will not read `file` from the model's folder on its own: not a plain name, or not a
 * *.weights.bin file — a model must not make the app load (and Save As copy) any sibling it names,
 * such as tax-return.pdf. (A file the user picks in a dialog is theirs to choose.)
 */
export function sidecarReadProblem(file: string): string | undefined {
  const bad = sidecarNameProblem(file);
  if (bad) return bad;
  if (file.toLowerCase().endsWith(SIDECAR_SUFFIX)) return undefined;
  return `The model's weightsFile "${file.slice(0, 200)}" is not a CNN Studio weights file (*${SIDECAR_SUFFIX}), so it is not read — if it holds this model's weights, rename it to end in ${SIDECAR_SUFFIX} (and the weightsFile with it).`;
}

/** Largest weights sidecar a host reads (VGG-16 with every tensor in the sidecar is 528 MiB). */
export const MAX_SIDECAR_BYTES = 2 * 1024 ** 3;

/**
 * What a host found at the sidecar's place (isomorphic: the host looks, this judges). `kind` is what
 * the name resolves to, links followed; `outside` is where a link leads when that leaves the model's folder.
 */
export interface SidecarFileFacts {
  kind: 'file' | 'directory' | 'other' | 'missing';
  size?: number;
  outside?: string;
}

/**
 * The one sidecar rule every host applies (docs/weights.md): a plain file name beside the model, a
 * regular file (not a folder, device, FIFO or socket) that no link leads out of the model's folder, at
 * most `maxBytes`, holding the bytes the document's ranges reach. Why not, or undefined when it may be read.
 */
export function sidecarFileProblem(doc: ModelDocument, file: string, facts: SidecarFileFacts, maxBytes = MAX_SIDECAR_BYTES): string | undefined {
  const badName = sidecarReadProblem(file);
  if (badName) return badName;
  if (facts.outside !== undefined) return `The model's weightsFile ${file} is a link to "${facts.outside.slice(0, 300)}", outside the model's folder — refused.`;
  switch (facts.kind) {
    case 'missing':
      return `The model's weightsFile ${file} was not found next to the model's JSON file.`;
    case 'directory':
      return `The model's weightsFile ${file} is a folder, not a weights file.`;
    case 'other':
      return `The model's weightsFile ${file} is not a regular file (a device, pipe or socket) — refused.`;
  }
  const size = facts.size ?? 0;
  if (size > maxBytes) return `The model's weightsFile ${file} is ${formatBytes(size)}; weights files are read up to ${formatBytes(maxBytes)}.`;
  return sidecarSizeProblem(doc, file, size);
}

/**
 * What the editor's import sends to the sidecar by default: tensors of 256 KiB and more (65,536
 * float32 values). A torchvision ResNet-50 then makes a document of ~2 MiB and a 95 MiB weights file,
 * not a 130 MiB document of base64 that the editor would parse, hold and copy into undo steps.
 * LeNet-5 (its largest tensor is 48,000 values) stays one self-contained file.
 */
export const DEFAULT_SIDECAR_MIN_VALUES = 65_536;
