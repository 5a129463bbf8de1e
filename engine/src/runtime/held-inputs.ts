/**
 * Inputs the engine worker already holds, so a run with the same image or tensor as the last run
 * of its document does not send it again (the live editor re-runs on every edit with the same
 * image), and the worker reuses its preprocessed tensors.
 *
 * Host side: `HeldInputs` keeps, per worker, a copy of the last inputs sent for each document (at
 * most `maxDocs` documents, `maxBytes` in all) and compares new ones byte for byte. Worker side:
 * `WorkerInputs` keeps what it was told to keep, and the tensors prepared from it.
 */
import type { InputPayload } from '../core/api';
import type { WorkerRunRequest } from './protocol';

export type Inputs = WorkerRunRequest['inputs'];

function isPayload(inputs: Inputs): inputs is InputPayload {
  return typeof (inputs as InputPayload).kind === 'string';
}

function payloads(inputs: Inputs): [string, InputPayload][] {
  return isPayload(inputs) ? [['', inputs]] : Object.entries(inputs);
}

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function samePayload(a: InputPayload, b: InputPayload): boolean {
  if (a.kind === 'image' && b.kind === 'image') return a.width === b.width && a.height === b.height && bytesOf(a.rgba).equals(bytesOf(b.rgba));
  if (a.kind === 'tensor' && b.kind === 'tensor') {
    return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]) && a.data.length === b.data.length && bytesOf(a.data).equals(bytesOf(b.data));
  }
  return false;
}

/** Byte for byte, the same payloads under the same Input ids (or both one payload for all). */
export function sameInputs(a: Inputs, b: Inputs): boolean {
  if (isPayload(a) !== isPayload(b)) return false;
  const pa = payloads(a);
  const pb = new Map(payloads(b));
  return pa.length === pb.size && pa.every(([id, p]) => pb.has(id) && samePayload(p, pb.get(id)!));
}

export function inputBytes(inputs: Inputs): number {
  return payloads(inputs).reduce((n, [, p]) => n + (p.kind === 'image' ? p.rgba.byteLength : p.data.byteLength), 0);
}

function copyPayload(p: InputPayload): InputPayload {
  return p.kind === 'image' ? { ...p, rgba: p.rgba.slice() } : { ...p, shape: [...p.shape], data: p.data.slice() };
}

export function copyInputs(inputs: Inputs): Inputs {
  return isPayload(inputs) ? copyPayload(inputs) : Object.fromEntries(Object.entries(inputs).map(([id, p]) => [id, copyPayload(p)]));
}

/** What the host tells the worker about a request's inputs. */
export type InputsUse =
  /** The inputs are in the request; keep them for the document. */
  | 'keep'
  /** Use the ones kept for the document (the request carries none). */
  | 'held'
  /** The inputs are in the request; keep nothing. */
  | 'once';

export class HeldInputs {
  private readonly held = new Map<string, { inputs: Inputs; bytes: number }>();

  constructor(
    /** Called for each document whose inputs the worker should forget. */
    private readonly drop: (docId: string) => void,
    private readonly maxDocs = 4,
    private readonly maxBytes = 256 * 2 ** 20,
  ) {}

  /** How to send `inputs` for docId to this worker; remembers them when it is told to keep them. */
  use(docId: string, inputs: Inputs): InputsUse {
    const prev = this.held.get(docId);
    if (prev && sameInputs(prev.inputs, inputs)) {
      this.held.delete(docId); // most recently used last
      this.held.set(docId, prev);
      return 'held';
    }
    if (prev) {
      this.held.delete(docId);
      this.drop(docId);
    }
    const bytes = inputBytes(inputs);
    if (bytes > this.maxBytes) return 'once';
    this.held.set(docId, { inputs: copyInputs(inputs), bytes });
    let total = [...this.held.values()].reduce((n, h) => n + h.bytes, 0);
    for (const [id, h] of this.held) {
      if (this.held.size <= this.maxDocs && total <= this.maxBytes) break;
      if (id === docId) continue;
      this.held.delete(id);
      total -= h.bytes;
      this.drop(id);
    }
    return 'keep';
  }

  /** Stop holding docId's inputs (its client went away); the worker drops its copy. */
  forget(docId: string): void {
    if (this.held.delete(docId)) this.drop(docId);
  }
}

/** The worker's side: inputs kept per document, and the tensors prepared from them. */
export class WorkerInputs {
  private readonly kept = new Map<string, { inputs: Inputs; prepared?: { key: string; tensors: Record<string, Float32Array> } }>();

  /** The request's inputs, after keeping them or taking the held ones (`use` from the host). */
  resolve(docId: string | undefined, use: InputsUse | undefined, inputs: Inputs): Inputs {
    if (docId === undefined || use === undefined || use === 'once') return inputs;
    if (use === 'keep') {
      this.kept.set(docId, { inputs });
      return inputs;
    }
    const held = this.kept.get(docId);
    if (!held) throw new Error(`the engine worker holds no inputs for document "${docId}"`);
    return held.inputs;
  }

  /** A cache of prepared tensors for docId's kept inputs (keyed by what the Input nodes ask for). */
  prepared(docId: string | undefined): PreparedInputs | undefined {
    const entry = docId === undefined ? undefined : this.kept.get(docId);
    if (!entry) return undefined;
    return {
      get: (key) => (entry.prepared?.key === key ? entry.prepared.tensors : undefined),
      set: (key, tensors) => void (entry.prepared = { key, tensors }),
    };
  }

  drop(docId: string): void {
    this.kept.delete(docId);
  }

  /** Whether a buffer belongs to kept inputs or their tensors (a result must copy it, not move it). */
  holds(buffer: ArrayBuffer): boolean {
    for (const { inputs, prepared } of this.kept.values()) {
      if (payloads(inputs).some(([, p]) => (p.kind === 'image' ? p.rgba.buffer : p.data.buffer) === buffer)) return true;
      if (prepared && Object.values(prepared.tensors).some((t) => t.buffer === buffer)) return true;
    }
    return false;
  }
}

/** Tensors prepared from unchanged inputs, by a key naming the Input nodes' parameters. */
export interface PreparedInputs {
  get(key: string): Record<string, Float32Array> | undefined;
  set(key: string, tensors: Record<string, Float32Array>): void;
}
