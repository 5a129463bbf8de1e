/**
 * Chains of ONNX nodes that are one CNN Studio node, as exporters write them (torch.onnx.export at
 * opsets 9–17, and our own export): SiLU as x·Sigmoid(x), hard swish as x·HardSigmoid(x), Mish as
 * x·Tanh(Softplus(x)), GELU's erf form ½·x·(1 + Erf(x/√2)), and the channel shuffle
 * Reshape(N, g, C/g, H, W) → Transpose(0, 2, 1, 3, 4) → Reshape(N, C, H, W). Each matcher starts at
 * the chain's first node, requires every inner value to be read only by the next node of the chain,
 * and names the nodes it swallowed and the value its result stands for. Pure: no converter state.
 */
import type { NodeProto } from '../proto';
import type { Shape } from '../../shape';

export interface PatternView {
  /** The one node reading a value (undefined when none, several, or the value is a graph output). */
  onlyConsumer(value: string | undefined): NodeProto | undefined;
  /** A constant's values (undefined when the value is computed). */
  constant(value: string | undefined): ArrayLike<number> | undefined;
}

export interface Match<P> {
  params: P;
  /** The chain's later nodes, converted with the first. */
  swallowed: NodeProto[];
  /** The ONNX value the CNN Studio node's output stands for (the chain's last output). */
  output: string;
}

const out = (n: NodeProto) => n.output?.[0] ?? '';
const near = (v: number, want: number) => Math.abs(v - want) <= 1e-6 * Math.max(1, Math.abs(want));

/** The scalar constant operand of a binary node whose other operand is `value`, if any. */
function scalarBeside(n: NodeProto, value: string, view: PatternView): number | undefined {
  const [a, b] = n.input ?? [];
  const other = a === value ? b : b === value ? a : undefined;
  const c = other === undefined ? undefined : view.constant(other);
  return c && c.length === 1 ? c[0] : undefined;
}

/** Mul(x, g) or Mul(g, x): the Mul reading `gate` whose other operand is `x`. */
function mulWith(gate: string, x: string, view: PatternView): NodeProto | undefined {
  const m = view.onlyConsumer(gate);
  if (m?.opType !== 'Mul' || (m.input?.length ?? 0) !== 2) return undefined;
  const [a, b] = m.input!;
  return (a === gate && b === x) || (a === x && b === gate) ? m : undefined;
}

/** Sigmoid(x) (or PyTorch's HardSigmoid) read only by Mul(x, ·): SiLU (hard swish). */
export function matchGatedSelf(first: NodeProto, view: PatternView): Match<{ fn: 'silu' | 'hardswish' }> | undefined {
  const x = first.input?.[0];
  if (!x) return undefined;
  const m = mulWith(out(first), x, view);
  if (!m) return undefined;
  return { params: { fn: first.opType === 'Sigmoid' ? 'silu' : 'hardswish' }, swallowed: [m], output: out(m) };
}

/** Softplus(x) → Tanh → Mul(x, ·): Mish. */
export function matchMish(softplus: NodeProto, view: PatternView): Match<{ fn: 'mish' }> | undefined {
  const x = softplus.input?.[0];
  const tanh = view.onlyConsumer(out(softplus));
  if (!x || tanh?.opType !== 'Tanh') return undefined;
  const m = mulWith(out(tanh), x, view);
  return m && { params: { fn: 'mish' }, swallowed: [tanh, m], output: out(m) };
}

/**
 * GELU (exact): Div(x, √2) or Mul(x, 1/√2) → Erf → Add(·, 1) → then ·x and ·½ in either order
 * (torch.onnx.export: Mul(x, ·) then Mul(·, 0.5)).
 */
export function matchGelu(scale: NodeProto, view: PatternView): Match<{ fn: 'gelu' }> | undefined {
  const x = scale.input?.[0];
  if (!x || view.constant(x)) return undefined;
  const k = scalarBeside(scale, x, view);
  if (k === undefined || !(scale.opType === 'Div' ? near(k, Math.SQRT2) : scale.opType === 'Mul' && near(k, Math.SQRT1_2))) return undefined;
  const erf = view.onlyConsumer(out(scale));
  if (erf?.opType !== 'Erf') return undefined;
  const add = view.onlyConsumer(out(erf));
  if (add?.opType !== 'Add' || scalarBeside(add, out(erf), view) !== 1) return undefined;
  const m1 = view.onlyConsumer(out(add));
  if (m1?.opType !== 'Mul') return undefined;
  const m2 = view.onlyConsumer(out(m1));
  if (m2?.opType !== 'Mul') return undefined;
  const timesX = (n: NodeProto, v: string) => mulWith(v, x, view) === n;
  const timesHalf = (n: NodeProto, v: string) => scalarBeside(n, v, view) === 0.5;
  const ok = (timesX(m1, out(add)) && timesHalf(m2, out(m1))) || (timesHalf(m1, out(add)) && timesX(m2, out(m1)));
  return ok ? { params: { fn: 'gelu' }, swallowed: [erf, add, m1, m2], output: out(m2) } : undefined;
}

/** A Reshape target resolved against the tensor's element count (0 copies the input's dimension, one −1 is inferred). */
function resolveTarget(target: readonly number[], input: readonly number[]): number[] | undefined {
  const dims = target.map((d, i) => (d === 0 ? input[i] : d));
  if (dims.some((d) => d === undefined || d < -1) || dims.filter((d) => d === -1).length > 1) return undefined;
  const total = input.reduce((a, b) => a * b, 1);
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (dims.includes(-1)) {
    if (known === 0 || total % known !== 0) return undefined;
    return dims.map((d) => (d === -1 ? total / known : d));
  }
  return known === total ? dims : undefined;
}

/**
 * Reshape C×H×W to (N, g, C/g, H, W) → Transpose (0, 2, 1, 3, 4) → Reshape back to (N, C, H, W):
 * a channel shuffle of g groups. `x` is the first Reshape's input shape (without the batch).
 */
export function matchChannelShuffle(reshape: NodeProto, x: Shape, view: PatternView): Match<{ groups: number }> | undefined {
  if (x.length !== 3) return undefined;
  const [c, h, w] = x;
  const withBatch = [1, c, h, w];
  const target = view.constant(reshape.input?.[1]);
  const split = target && resolveTarget(Array.from(target), withBatch);
  if (!split || split.length !== 5 || split[0] !== 1 || split[3] !== h || split[4] !== w || split[1] * split[2] !== c) return undefined;
  const transpose = view.onlyConsumer(out(reshape));
  const perm = transpose?.attribute?.find((a) => a.name === 'perm')?.ints?.map(Number);
  if (transpose?.opType !== 'Transpose' || perm?.join() !== '0,2,1,3,4') return undefined;
  const back = view.onlyConsumer(out(transpose));
  const backTarget = back?.opType === 'Reshape' ? view.constant(back.input?.[1]) : undefined;
  const merged = backTarget && resolveTarget(Array.from(backTarget), [1, split[2], split[1], h, w]);
  if (!merged || merged.join() !== withBatch.join()) return undefined;
  return { params: { groups: split[1] }, swallowed: [transpose, back!], output: out(back!) };
}
