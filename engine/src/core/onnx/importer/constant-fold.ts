/**
 * Constant folding: an ONNX node whose every input is a constant is computed while importing, as
 * onnxruntime would compute it at run time. Exporters write such chains for shape arithmetic
 * (Shape → Gather → Unsqueeze → Concat before a Reshape) and for padding: torch.onnx.export turns
 * `F.pad(x, (1, 2, 0, 1))` and `nn.ZeroPad2d` into ConstantOfShape → Concat → Reshape → Slice
 * (reversed) → Transpose → Reshape → Cast feeding Pad's `pads`, and `x.shape[-1] % 2` into Mod of
 * constants. Pure functions of ConstTensors; what cannot be folded throws FoldRefusal saying why
 * (the converter names the node).
 */
import type { Attributes } from './attributes';
import { asFloat, asInts, readTensor, type ConstTensor } from './tensors';

/** Operators folded when every input is a constant (Shape also of a computed tensor: the converter knows its shape). */
export const FOLDABLE_OPS: ReadonlySet<string> = new Set([
  'ConstantOfShape', 'Shape', 'Gather', 'Slice', 'Transpose', 'Concat', 'Reshape', 'Squeeze', 'Unsqueeze', 'Cast', 'Add', 'Sum', 'Sub', 'Mul', 'Div', 'Mod',
]);

/** A folded constant is shape arithmetic or a padding list, not a weight: far below this. */
export const MAX_FOLDED_VALUES = 1 << 20;

/** Why a node of constants cannot be computed while importing (the converter adds which node). */
export class FoldRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FoldRefusal';
  }
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Row-major strides of `dims`. */
function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** An axis counted from the end when negative, checked against `rank`. */
function axisOf(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new FoldRefusal(`${what} ${axis} is out of range for a ${rank}-D constant.`);
  return a;
}

/** A tensor of `dims` taking, for each output position, the value at the flat input index `from(i)`. */
function gatherFlat(t: ConstTensor, dims: number[], from: (flat: number) => number): ConstTensor {
  const n = product(dims);
  if (n > MAX_FOLDED_VALUES) throw new FoldRefusal(`the result would hold ${n.toLocaleString('en-US')} values, more than a constant of shape arithmetic (limit ${MAX_FOLDED_VALUES.toLocaleString('en-US')}).`);
  if (t.kind === 'int') return { dims, kind: 'int', int: Array.from({ length: n }, (_, i) => t.int![from(i)]) };
  const src = asFloat(t);
  return { dims, kind: 'float', float: Float32Array.from({ length: n }, (_, i) => src[from(i)]) };
}

/** Output coordinates of a flat index, for `dims` with `strides`. */
function coordinates(flat: number, strides: readonly number[]): number[] {
  return strides.map((s) => {
    const c = Math.floor(flat / s);
    flat -= c * s;
    return c;
  });
}

/** ONNX TensorProto element types CNN Studio folds as floats, and as integers (BOOL as 0/1). */
const FLOAT_TYPES = new Set([1, 10, 11, 16]);
const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 12, 13]);
const BOOL = 9;

/** The value of `op` on constant inputs (`inputs[i]` undefined for an absent optional input). */
export function foldConstant(op: string, inputs: readonly (ConstTensor | undefined)[], a: Attributes, opset: number): ConstTensor {
  const [t] = inputs;
  if (!t) throw new FoldRefusal('its first input is missing.');
  const input = (i: number, what: string) => {
    const v = inputs[i];
    if (!v) throw new FoldRefusal(`its ${what} input is missing.`);
    return v;
  };
  switch (op) {
    case 'ConstantOfShape':
      return constantOfShape(asInts(t), a);
    case 'Shape':
      return shapeOf(t.dims, a);
    case 'Gather':
      return gather(t, input(1, 'indices'), a.int('axis', 0));
    case 'Slice': {
      if (opset < 10) return slice(t, a.ints('starts') ?? [], a.ints('ends') ?? [], a.ints('axes'), undefined);
      const optional = (i: number) => (inputs[i] ? asInts(inputs[i]!) : undefined);
      return slice(t, asInts(input(1, 'starts')), asInts(input(2, 'ends')), optional(3), optional(4));
    }
    case 'Transpose':
      return transpose(t, a.ints('perm'));
    case 'Concat': {
      const axis = a.int('axis');
      if (axis === undefined) throw new FoldRefusal('it has no axis.');
      return concat(inputs.filter((v): v is ConstTensor => v !== undefined), axis);
    }
    case 'Reshape':
      return reshape(t, asInts(input(1, 'shape')), a.int('allowzero', 0) === 1);
    case 'Squeeze':
    case 'Unsqueeze': {
      const axes = opset >= 13 ? (inputs[1] ? asInts(inputs[1]) : []) : (a.ints('axes') ?? []);
      return op === 'Squeeze' ? squeeze(t, axes) : unsqueeze(t, axes);
    }
    case 'Cast':
      return cast(t, a.int('to', 1));
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Mod':
      return arithmetic(op, t, input(1, 'second'), a.int('fmod', 0) === 1);
    case 'Sum':
      return inputs.slice(1).reduce<ConstTensor>((sum, v) => (v ? arithmetic('Add', sum, v, false) : sum), t);
    default:
      throw new FoldRefusal(`${op} is not folded.`);
  }
}

/** Shape (opset 15's start/end included) of a tensor of `dims`. */
export function shapeOf(dims: readonly number[], a: Attributes): ConstTensor {
  const rank = dims.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const picked = dims.slice(clamp(a.int('start', 0)), clamp(a.int('end', rank)));
  return { dims: [picked.length], kind: 'int', int: picked };
}

function constantOfShape(dims: number[], a: Attributes): ConstTensor {
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new FoldRefusal(`its shape [${dims.join(', ')}] is not a list of non-negative sizes.`);
  const n = product(dims);
  if (n > MAX_FOLDED_VALUES) throw new FoldRefusal(`the result would hold ${n.toLocaleString('en-US')} values, more than a constant of shape arithmetic (limit ${MAX_FOLDED_VALUES.toLocaleString('en-US')}).`);
  // The value is a one-element tensor (default: float 0).
  const attr = a.tensor('value');
  const value = attr ? readTensor({ ...attr, name: attr.name || 'value' }) : undefined;
  const v = value ? (value.kind === 'int' ? value.int![0] : value.float![0]) : 0;
  if (v === undefined || !Number.isFinite(v)) throw new FoldRefusal('its value is not one finite number.');
  return value?.kind === 'int' ? { dims, kind: 'int', int: new Array<number>(n).fill(v) } : { dims, kind: 'float', float: new Float32Array(n).fill(v) };
}

function gather(t: ConstTensor, indices: ConstTensor, rawAxis: number): ConstTensor {
  const rank = t.dims.length;
  if (rank === 0) throw new FoldRefusal('gathering from a scalar is not possible.');
  const axis = axisOf(rawAxis, rank, 'axis');
  const len = t.dims[axis];
  const idx = asInts(indices).map((i) => {
    const k = i < 0 ? i + len : i;
    if (k < 0 || k >= len) throw new FoldRefusal(`index ${i} is out of range for ${len} values.`);
    return k;
  });
  // out[outer, j…, inner] = t[outer, idx[j…], inner]
  const inner = product(t.dims.slice(axis + 1));
  const dims = [...t.dims.slice(0, axis), ...indices.dims, ...t.dims.slice(axis + 1)];
  return gatherFlat(t, dims, (i) => {
    const within = i % inner;
    const j = Math.floor(i / inner) % idx.length;
    const outer = Math.floor(i / (inner * idx.length));
    return (outer * len + idx[j]) * inner + within;
  });
}

/** ONNX Slice: negative positions count from the end, then are clamped (differently for negative steps). */
function slice(t: ConstTensor, starts: number[], ends: number[], rawAxes: number[] | undefined, rawSteps: number[] | undefined): ConstTensor {
  const rank = t.dims.length;
  const axes = (rawAxes ?? starts.map((_, i) => i)).map((ax) => axisOf(ax, rank, 'axis'));
  const steps = rawSteps ?? axes.map(() => 1);
  if (starts.length !== axes.length || ends.length !== axes.length || steps.length !== axes.length) {
    throw new FoldRefusal(`its starts, ends, axes and steps have different lengths (${starts.length}, ${ends.length}, ${axes.length}, ${steps.length}).`);
  }
  const from = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const dims = [...t.dims];
  axes.forEach((axis, i) => {
    const d = t.dims[axis];
    const s = steps[i];
    if (!s) throw new FoldRefusal('a step of 0 is not allowed.');
    const at = (v: number) => (v < 0 ? v + d : v);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const begin = s > 0 ? clamp(at(starts[i]), 0, d) : clamp(at(starts[i]), 0, d - 1);
    const end = s > 0 ? clamp(at(ends[i]), 0, d) : clamp(at(ends[i]), -1, d - 1);
    from[axis] = begin;
    step[axis] = s;
    dims[axis] = Math.max(0, Math.ceil((end - begin) / s));
  });
  const inStrides = stridesOf(t.dims);
  const outStrides = stridesOf(dims);
  return gatherFlat(t, dims, (i) => coordinates(i, outStrides).reduce((acc, c, k) => acc + (from[k] + c * step[k]) * inStrides[k], 0));
}

function transpose(t: ConstTensor, rawPerm: number[] | undefined): ConstTensor {
  const rank = t.dims.length;
  const perm = rawPerm ?? t.dims.map((_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
    throw new FoldRefusal(`perm [${perm.join(', ')}] is not a permutation of the ${rank} axes.`);
  }
  const dims = perm.map((p) => t.dims[p]);
  const inStrides = stridesOf(t.dims);
  const outStrides = stridesOf(dims);
  return gatherFlat(t, dims, (i) => coordinates(i, outStrides).reduce((acc, c, k) => acc + c * inStrides[perm[k]], 0));
}

function concat(ts: ConstTensor[], rawAxis: number): ConstTensor {
  if (ts.length === 0) throw new FoldRefusal('it has no inputs.');
  const rank = ts[0].dims.length;
  if (rank === 0) throw new FoldRefusal('scalars cannot be concatenated.');
  const axis = axisOf(rawAxis, rank, 'axis');
  for (const x of ts) {
    if (x.dims.length !== rank || x.dims.some((d, i) => i !== axis && d !== ts[0].dims[i])) {
      throw new FoldRefusal(`constants of shapes ${ts.map((y) => `[${y.dims.join(', ')}]`).join(', ')} cannot be joined along axis ${rawAxis}.`);
    }
  }
  const dims = [...ts[0].dims];
  dims[axis] = ts.reduce((s, x) => s + x.dims[axis], 0);
  const n = product(dims);
  if (n > MAX_FOLDED_VALUES) throw new FoldRefusal(`the result would hold ${n.toLocaleString('en-US')} values, more than a constant of shape arithmetic (limit ${MAX_FOLDED_VALUES.toLocaleString('en-US')}).`);
  // Blocks of `inner` values, taken in turn from each input, for every outer position.
  const outer = product(dims.slice(0, axis));
  const isInt = ts.every((x) => x.kind === 'int');
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const x of ts) {
      const block = product(x.dims.slice(axis));
      const src = isInt ? x.int! : asFloat(x);
      for (let k = 0; k < block; k++) values.push(src[o * block + k]);
    }
  }
  return isInt ? { dims, kind: 'int', int: values } : { dims, kind: 'float', float: Float32Array.from(values) };
}

function reshape(t: ConstTensor, target: number[], allowZero: boolean): ConstTensor {
  const total = product(t.dims);
  const dims = target.map((d, i) => (d === 0 && !allowZero ? t.dims[i] : d));
  if (dims.some((d) => d === undefined || d < -1 || !Number.isSafeInteger(d)) || dims.filter((d) => d === -1).length > 1) {
    throw new FoldRefusal(`[${target.join(', ')}] is not a shape for a constant of shape [${t.dims.join(', ')}].`);
  }
  const known = product(dims.filter((d) => d !== -1));
  const resolved = dims.includes(-1) && known > 0 && total % known === 0 ? dims.map((d) => (d === -1 ? total / known : d)) : dims;
  if (product(resolved) !== total || resolved.includes(-1)) throw new FoldRefusal(`a constant of shape [${t.dims.join(', ')}] cannot be reshaped to [${target.join(', ')}].`);
  return { ...t, dims: resolved };
}

function squeeze(t: ConstTensor, axes: number[]): ConstTensor {
  const rank = t.dims.length;
  const drop = new Set(axes.length ? axes.map((x) => axisOf(x, rank, 'axis')) : t.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const i of drop) if (t.dims[i] !== 1) throw new FoldRefusal(`axis ${i} has ${t.dims[i]} values; only axes of size 1 can be squeezed.`);
  return { ...t, dims: t.dims.filter((_, i) => !drop.has(i)) };
}

function unsqueeze(t: ConstTensor, axes: number[]): ConstTensor {
  const rank = t.dims.length + axes.length;
  const dims = [...t.dims];
  for (const ax of axes.map((x) => axisOf(x, rank, 'axis')).sort((p, q) => p - q)) dims.splice(ax, 0, 1);
  return { ...t, dims };
}

function cast(t: ConstTensor, to: number): ConstTensor {
  if (FLOAT_TYPES.has(to)) return { dims: t.dims, kind: 'float', float: asFloat(t) };
  if (INT_TYPES.has(to)) return { dims: t.dims, kind: 'int', int: asInts(t) };
  if (to === BOOL) return { dims: t.dims, kind: 'int', int: Array.from(t.kind === 'int' ? t.int! : asFloat(t), (v) => (v !== 0 ? 1 : 0)) };
  throw new FoldRefusal(`casting to element type ${to} is not folded (only to numbers).`);
}

/** Element-wise arithmetic with numpy broadcasting (Mod: Python's sign rule, or C's with fmod = 1). */
function arithmetic(op: string, x: ConstTensor, y: ConstTensor, fmod: boolean): ConstTensor {
  const rank = Math.max(x.dims.length, y.dims.length);
  const pad = (d: number[]) => [...new Array<number>(rank - d.length).fill(1), ...d];
  const [dx, dy] = [pad(x.dims), pad(y.dims)];
  const dims = dx.map((d, i) => {
    if (d !== dy[i] && d !== 1 && dy[i] !== 1) throw new FoldRefusal(`constants of shapes [${x.dims.join(', ')}] and [${y.dims.join(', ')}] do not broadcast.`);
    return d === 1 ? dy[i] : d;
  });
  const n = product(dims);
  if (n > MAX_FOLDED_VALUES) throw new FoldRefusal(`the result would hold ${n.toLocaleString('en-US')} values, more than a constant of shape arithmetic (limit ${MAX_FOLDED_VALUES.toLocaleString('en-US')}).`);
  const isInt = x.kind === 'int' && y.kind === 'int';
  const [sx, sy] = [stridesOf(dx), stridesOf(dy)];
  const outStrides = stridesOf(dims);
  const [vx, vy] = isInt ? [x.int!, y.int!] : [asFloat(x), asFloat(y)];
  const f = (p: number, q: number): number => {
    switch (op) {
      case 'Add':
        return p + q;
      case 'Sub':
        return p - q;
      case 'Mul':
        return p * q;
      case 'Div':
        if (isInt && q === 0) throw new FoldRefusal('it divides an integer by zero.');
        return isInt ? Math.trunc(p / q) : p / q;
      default: {
        if (isInt && q === 0) throw new FoldRefusal('it takes an integer modulo zero.');
        const r = p % q; // C's fmod: the sign of the dividend
        return fmod || r === 0 || Math.sign(r) === Math.sign(q) ? r : r + q;
      }
    }
  };
  const values = Array.from({ length: n }, (_, i) => {
    const c = coordinates(i, outStrides);
    const at = (d: number[], s: number[]) => c.reduce((acc, ci, k) => acc + (d[k] === 1 ? 0 : ci) * s[k], 0);
    return f(vx[at(dx, sx)], vy[at(dy, sy)]);
  });
  return isInt ? { dims, kind: 'int', int: values } : { dims, kind: 'float', float: Float32Array.from(values) };
}
