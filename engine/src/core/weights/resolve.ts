import type { ModelDocument, TensorData } from '../document/schema';
import type { PrimitiveNode } from '../graph/types';
import type { WeightSpec } from '../ops/op';
import { numel } from '../shape';
import { base64ToFloat32 } from '../util/base64';
import { DEFAULT_SEED, heNormalFrom, weightSeed } from './seeded';

/**
 * Where a primitive's weight comes from in the document: a primitive node's own `weights[name]`,
 * or, inside a composite, the composite node's `weights["<local id>.<name>"]` (e.g. "conv1.kernel",
 * "proj_bn.mean" on a ResidualUnit).
 */
export function inlineWeightKey(prim: PrimitiveNode, name: string): string {
  return prim.id === prim.owner ? name : `${prim.id.slice(prim.owner.length + 1)}.${name}`;
}

/** A weight the document carries cannot be used: wrong number of values, or data that does not decode. Bad input, not a bug. */
export class WeightShapeError extends Error {}

/**
 * Decode inline tensor data (numbers or base64 float32). Sidecar ranges are resolved by the caller.
 * Base64 that does not decode is a WeightShapeError.
 */
export function decodeTensorData(t: TensorData, sidecar?: Uint8Array): Float32Array | undefined {
  if (t.data) return Float32Array.from(t.data);
  if (t.base64 !== undefined) {
    try {
      return base64ToFloat32(t.base64);
    } catch (e) {
      throw new WeightShapeError(`Its base64 data is not valid (${(e as Error).message.toLowerCase()}).`);
    }
  }
  if (t.sidecar && sidecar) {
    const { offset, length } = t.sidecar;
    // A real copy: on Node a Buffer's slice() is a view of the whole file.
    const copy = new Uint8Array(length);
    copy.set(sidecar.subarray(offset, offset + length));
    return new Float32Array(copy.buffer, 0, length >> 2);
  }
  return undefined;
}

/** A weight's seeded initial values, into `out` when given (an array of exactly its size, reused: spare-arrays.ts). */
export function initialWeight(spec: WeightSpec, primId: string, docSeed: number, out?: Float32Array<ArrayBuffer>): Float32Array {
  return seededWeight(spec, primId, docSeed, out).data;
}

/** The start of a He-normal weight's stream, made before: its values and the stream's state after them (undefined: not known). */
export interface StreamPrefix {
  values: Float32Array;
  state?: number;
}

/**
 * initialWeight, with the stream's state after the values when the weight is He-normal (`state`), and
 * from `prefix` — the same stream's first values, made for a weight of the same fan-in and another
 * count (seeded.ts, heNormalFrom): a longer prefix is cut, a shorter one (with its state) continued.
 */
export function seededWeight(spec: WeightSpec, primId: string, docSeed: number, out?: Float32Array<ArrayBuffer>, prefix?: StreamPrefix): { data: Float32Array; state?: number } {
  const n = numel(spec.shape);
  if (out && out.length !== n) throw new RangeError(`initialWeight: ${n} values do not fit an array of ${out.length}`);
  const data = out ?? new Float32Array(n);
  if (spec.init === 'zeros') return { data: out ? data.fill(0) : data };
  if (spec.init === 'ones') return { data: data.fill(1) };
  if (prefix && prefix.values.length >= n) {
    data.set(prefix.values.subarray(0, n));
    return prefix.values.length === n && prefix.state !== undefined ? { data, state: prefix.state } : { data };
  }
  if (prefix?.state !== undefined) {
    data.set(prefix.values);
    return { data, state: heNormalFrom(data, prefix.values.length, spec.fanIn, prefix.state) };
  }
  return { data, state: heNormalFrom(data, 0, spec.fanIn, weightSeed(docSeed, primId, spec.name)) };
}

/**
 * The weights a primitive runs with: inline (document) where given — checked against the expected
 * shape — otherwise seeded initialisation.
 */
export function resolveWeights(doc: ModelDocument, prim: PrimitiveNode, sidecar?: Uint8Array): Record<string, Float32Array> {
  const seed = doc.seed ?? DEFAULT_SEED;
  const owner = doc.nodes.find((n) => n.id === prim.owner);
  const out: Record<string, Float32Array> = {};
  for (const spec of prim.weights) {
    const given = owner?.weights?.[inlineWeightKey(prim, spec.name)];
    if (given) {
      let data: Float32Array | undefined;
      try {
        data = decodeTensorData(given, sidecar);
      } catch (e) {
        if (e instanceof WeightShapeError) throw new WeightShapeError(`Node "${prim.owner}": weight "${inlineWeightKey(prim, spec.name)}": ${e.message}`);
        throw e;
      }
      if (data && data.length === numel(spec.shape)) {
        out[spec.name] = data;
        continue;
      }
      throw new WeightShapeError(
        `Node "${prim.owner}": weight "${inlineWeightKey(prim, spec.name)}" has ${data?.length ?? 0} values, but ${spec.shape.join('×')} = ${numel(spec.shape)} are needed.`,
      );
    }
    out[spec.name] = initialWeight(spec, prim.id, seed);
  }
  return out;
}
