/**
 * Reading ONNX tensors (initializers and Constant values) safely: dimensions are checked before any
 * allocation, data length must match the dimensions, and external-data paths may not leave the
 * model's folder.
 */
import { DataType, DataLocation, type TensorProto } from '../proto';
import { OnnxImportError } from './errors';

/** No single tensor may hold more values than this (1 GiB of float32). */
export const MAX_TENSOR_ELEMENTS = 1 << 28;
/** A dimension above this is absurd for a CNN. */
export const MAX_DIM = 1 << 28;

export interface ConstTensor {
  dims: number[];
  /** float32 for FLOAT/DOUBLE, int64 values as JS numbers for INT64/INT32. */
  kind: 'float' | 'int';
  float?: Float32Array;
  int?: number[];
}

/** Reads an external data file by its (already checked, relative) location. */
export type ExternalDataReader = (location: string) => Uint8Array;

export function checkDims(dims: readonly number[], what: string, onnxNode?: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0 || d > MAX_DIM) {
      throw new OnnxImportError('bad-dims', `${what} has an absurd dimension ${d} (shape [${dims.join(', ')}]) — the file is corrupt or not a CNN.`, onnxNode);
    }
    n *= d;
  }
  if (n > MAX_TENSOR_ELEMENTS) {
    throw new OnnxImportError('bad-dims', `${what} would hold ${n.toLocaleString('en-US')} values (shape [${dims.join(', ')}]), over the limit of ${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')}.`, onnxNode);
  }
  return n;
}

/**
 * A relative path inside the model's folder, or an OnnxImportError. Refuses absolute paths, drive
 * letters, backslash tricks and any ".." that climbs out.
 */
export function safeExternalPath(location: string, tensorName: string): string {
  const bad = (why: string) =>
    new OnnxImportError('external-data', `Tensor "${tensorName}" points to external data "${location}", ${why} — external data files must sit in the model's folder.`);
  if (!location || location.includes('\0')) throw bad('an empty or invalid path');
  const unified = location.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[A-Za-z]:/.test(unified) || unified.startsWith('//')) throw bad('an absolute path');
  const parts: string[] = [];
  for (const seg of unified.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw bad("a path that leaves the model's folder");
      parts.pop();
    } else parts.push(seg);
  }
  if (parts.length === 0) throw bad('a path that names no file');
  return parts.join('/');
}

function littleEndianFloats(bytes: Uint8Array, n: number, name: string, elementSize: 4 | 8): Float32Array {
  if (bytes.byteLength !== n * elementSize) {
    throw new OnnxImportError('bad-dims', `Tensor "${name}" has ${bytes.byteLength} bytes of data, but its shape needs ${n * elementSize} — the file is truncated or corrupt.`);
  }
  // A view of the file's bytes where they are aligned (nothing writes into a read tensor: conversions
  // make new arrays, and the weight store copies what it keeps); else an aligned copy.
  if (elementSize === 4 && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  if (elementSize === 4) return new Float32Array(copy.buffer, 0, n);
  return Float32Array.from(new Float64Array(copy.buffer, 0, n));
}

function littleEndianInts(bytes: Uint8Array, n: number, name: string, elementSize: 4 | 8): number[] {
  if (bytes.byteLength !== n * elementSize) {
    throw new OnnxImportError('bad-dims', `Tensor "${name}" has ${bytes.byteLength} bytes of data, but its shape needs ${n * elementSize} — the file is truncated or corrupt.`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(elementSize === 8 ? Number(v.getBigInt64(i * 8, true)) : v.getInt32(i * 4, true));
  return out;
}

function externalBytes(t: TensorProto, name: string, readExternal: ExternalDataReader | undefined): Uint8Array {
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = safeExternalPath(entries.get('location') ?? '', name);
  if (!readExternal) {
    throw new OnnxImportError('external-data', `Tensor "${name}" keeps its data in the external file "${location}" — import the model from its file (so its folder can be read), not from bytes alone.`);
  }
  let file: Uint8Array;
  try {
    file = readExternal(location);
  } catch (e) {
    if (e instanceof OnnxImportError) throw e;
    throw new OnnxImportError('external-data', `Tensor "${name}": cannot read the external data file "${location}" (${(e as Error)?.message ?? e}).`);
  }
  const offset = Number(entries.get('offset') ?? 0);
  const length = entries.has('length') ? Number(entries.get('length')) : file.byteLength - offset;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.byteLength) {
    throw new OnnxImportError('external-data', `Tensor "${name}": bytes ${offset}…${offset + length} lie outside the ${file.byteLength}-byte external file "${location}".`);
  }
  return file.subarray(offset, offset + length);
}

/** Decode a float or integer tensor; other element types are refused with the tensor's name. */
export function readTensor(t: TensorProto, readExternal?: ExternalDataReader, onnxNode?: string): ConstTensor {
  const name = t.name || '(unnamed)';
  const dims = (t.dims ?? []).map(Number);
  const n = checkDims(dims, `Tensor "${name}"`, onnxNode);
  const type = t.dataType ?? DataType.UNDEFINED;
  const raw = t.dataLocation === DataLocation.EXTERNAL ? externalBytes(t, name, readExternal) : t.rawData && t.rawData.byteLength > 0 ? t.rawData : undefined;
  const count = (len: number) => {
    if (len !== n) throw new OnnxImportError('bad-dims', `Tensor "${name}" has ${len} values, but its shape [${dims.join(', ')}] needs ${n}.`, onnxNode);
  };
  switch (type) {
    case DataType.FLOAT:
      if (raw) return { dims, kind: 'float', float: littleEndianFloats(raw, n, name, 4) };
      count(t.floatData?.length ?? 0);
      return { dims, kind: 'float', float: Float32Array.from(t.floatData ?? []) };
    case DataType.DOUBLE:
      if (raw) return { dims, kind: 'float', float: littleEndianFloats(raw, n, name, 8) };
      count(t.doubleData?.length ?? 0);
      return { dims, kind: 'float', float: Float32Array.from(t.doubleData ?? []) };
    case DataType.INT64:
      if (raw) return { dims, kind: 'int', int: littleEndianInts(raw, n, name, 8) };
      count(t.int64Data?.length ?? 0);
      return { dims, kind: 'int', int: (t.int64Data ?? []).map(Number) };
    case DataType.INT32:
      if (raw) return { dims, kind: 'int', int: littleEndianInts(raw, n, name, 4) };
      count(t.int32Data?.length ?? 0);
      return { dims, kind: 'int', int: (t.int32Data ?? []).map(Number) };
    default:
      throw new OnnxImportError('unsupported-model', `Tensor "${name}" has element type ${type}; CNN Studio reads float32/float64 weights and int32/int64 shapes only.`, onnxNode);
  }
}

/** As float32 (ints converted). */
export function asFloat(t: ConstTensor): Float32Array {
  return t.float ?? Float32Array.from(t.int ?? []);
}

/** As integers (floats truncated toward zero; −0.2 is 0, not −0). */
export function asInts(t: ConstTensor): number[] {
  return t.int ?? Array.from(t.float ?? [], (v) => Math.trunc(v) + 0);
}
