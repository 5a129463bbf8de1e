import { resolvePads } from '../ops/common';
import { pair, type Padding, type Pads, type Pair } from '../shape';

/** The lecture's 4×4 input for the convolution step-through. */
export const LECTURE_CONV_INPUT: number[][] = [
  [1, 0, 0, 0],
  [1, 1, 1, 1],
  [0, 1, 0, 0],
  [1, 1, 0, 1],
];

export interface ConvExplainOptions {
  /** H×W input values (one channel). */
  input: number[][];
  /** kh×kw kernel. */
  kernel: number[][];
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  bias?: number;
}

/** One cell of the window: where it sits in the input (may be outside it, in the zero padding), the value, the weight and their product. */
export interface WindowCell {
  /** Input row/column; negative or ≥ size for zero-padded border cells. */
  row: number;
  col: number;
  /** Kernel row/column this cell is multiplied with. */
  kRow: number;
  kCol: number;
  padded: boolean;
  value: number;
  weight: number;
  product: number;
}

/** One position of the sliding window, filling one output cell. */
export interface ConvStep {
  index: number;
  outRow: number;
  outCol: number;
  /** Top-left corner of the window in input coordinates (negative inside the top/left padding). */
  top: number;
  left: number;
  cells: WindowCell[];
  /** Σ products (+ bias). */
  sum: number;
}

/** out = ⌊(in + padBefore + padAfter − dilation·(k−1) − 1) / stride⌋ + 1, with the numbers filled in. */
export interface SizeFormula {
  input: number;
  padBefore: number;
  padAfter: number;
  kernel: number;
  dilation: number;
  stride: number;
  output: number;
  /** "⌊(4 + 1 + 1 − 3) / 2⌋ + 1 = 2" */
  text: string;
}

export interface ConvExplanation {
  inputHeight: number;
  inputWidth: number;
  /** [top, left, bottom, right] zero padding. */
  pads: Pads;
  stride: [number, number];
  dilation: [number, number];
  kernel: number[][];
  bias: number;
  output: number[][];
  steps: ConvStep[];
  formula: { height: SizeFormula; width: SizeFormula };
}

export class ExplainInputError extends Error {}

function checkMatrix(name: string, m: number[][]): [number, number] {
  const rows = m.length;
  const cols = rows ? m[0].length : 0;
  if (rows === 0 || cols === 0) throw new ExplainInputError(`The ${name} is empty — give at least one row and one column.`);
  for (const r of m) {
    if (r.length !== cols) throw new ExplainInputError(`The ${name} is ragged: every row needs ${cols} values.`);
    if (!r.every(Number.isFinite)) throw new ExplainInputError(`The ${name} holds a value that is not a finite number.`);
  }
  return [rows, cols];
}

/** Output-size formula for one axis. */
export function sizeFormula(input: number, padBefore: number, padAfter: number, kernel: number, stride: number, dilation = 1): SizeFormula {
  const effective = dilation * (kernel - 1) + 1;
  const output = Math.floor((input + padBefore + padAfter - effective) / stride) + 1;
  const span = dilation === 1 ? `${kernel}` : `${dilation}·(${kernel} − 1) − 1`;
  const text = `⌊(${input} + ${padBefore} + ${padAfter} − ${span}) / ${stride}⌋ + 1 = ${output}`;
  return { input, padBefore, padAfter, kernel, dilation, stride, output, text };
}

/**
 * Every step of a kernel sliding over a small one-channel input, as a learner would do it by hand:
 * the window (zero-padded border cells marked), the products, their sum and the output cell it fills.
 * Cross-correlation, as Conv2D computes it (no kernel flip).
 */
export function explainConvolution(o: ConvExplainOptions): ConvExplanation {
  const [ih, iw] = checkMatrix('input', o.input);
  const [kh, kw] = checkMatrix('kernel', o.kernel);
  const stride = pair(o.stride ?? 1);
  const dilation = pair(o.dilation ?? 1);
  if (stride.some((s) => !Number.isInteger(s) || s < 1)) throw new ExplainInputError('Stride must be a positive whole number.');
  if (dilation.some((d) => !Number.isInteger(d) || d < 1)) throw new ExplainInputError('Dilation must be a positive whole number.');
  const pads = resolvePads(o.padding ?? 'valid', ih, iw, [kh, kw], stride, dilation);
  const [pt, pl, pb, pr] = pads;
  const height = sizeFormula(ih, pt, pb, kh, stride[0], dilation[0]);
  const width = sizeFormula(iw, pl, pr, kw, stride[1], dilation[1]);
  if (height.output < 1 || width.output < 1) {
    throw new ExplainInputError(`The ${kh}×${kw} kernel does not fit the ${ih}×${iw} input padded to ${ih + pt + pb}×${iw + pl + pr} — add padding or use a smaller kernel.`);
  }
  const bias = o.bias ?? 0;
  const output: number[][] = [];
  const steps: ConvStep[] = [];
  for (let r = 0; r < height.output; r++) {
    const row: number[] = [];
    for (let c = 0; c < width.output; c++) {
      const top = r * stride[0] - pt;
      const left = c * stride[1] - pl;
      const cells: WindowCell[] = [];
      let sum = bias;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const y = top + i * dilation[0];
          const x = left + j * dilation[1];
          const padded = y < 0 || x < 0 || y >= ih || x >= iw;
          const value = padded ? 0 : o.input[y][x];
          const weight = o.kernel[i][j];
          const product = value * weight;
          sum += product;
          cells.push({ row: y, col: x, kRow: i, kCol: j, padded, value, weight, product });
        }
      }
      row.push(sum);
      steps.push({ index: steps.length, outRow: r, outCol: c, top, left, cells, sum });
    }
    output.push(row);
  }
  return { inputHeight: ih, inputWidth: iw, pads, stride, dilation, kernel: o.kernel, bias, output, steps, formula: { height, width } };
}

/** "1·1 + 0·0 + … = 3" — the multiply-and-sum of one step, for display. */
export function formatStepSum(step: ConvStep, bias = 0): string {
  // A negative factor is bracketed and signed with a real minus: "0·(−0.165)".
  const factor = (v: number) => (v < 0 && fmt(v) !== '0' ? `(−${fmt(-v)})` : fmt(v));
  const terms = step.cells.map((c) => `${factor(c.value)}·${factor(c.weight)}`);
  if (bias) terms.push(factor(bias));
  return `${terms.join(' + ')} = ${fmt(step.sum).replace(/^-/, '−')}`;
}

/** Short numbers for display: integers as they are, others to 3 significant decimals. */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** Two significant digits, for tight captions: 0.0061, 1.3, 48, 1.2e+3 → "1.2k". */
export function fmtShort(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e4) return `${(v / 1000).toFixed(0)}k`;
  if (a >= 100) return v.toFixed(0);
  return String(Number(v.toPrecision(2)));
}

/** The lecture's input repeated to at least size×size (for kernels bigger than 4×4). */
export function tileMatrix(m: number[][], size: number): number[][] {
  const n = Math.max(size, m.length);
  const w = Math.max(size, m[0]?.length ?? 0);
  return Array.from({ length: n }, (_, i) => Array.from({ length: w }, (_, j) => m[i % m.length][j % m[0].length]));
}

/** A size×size crop of channel `channel` of a C×H×W tensor (row-major), clamped to the tensor, for explaining on the node's real input. */
export function cropChannel(data: ArrayLike<number>, shape: readonly number[], channel: number, top: number, left: number, size: number): number[][] {
  const [c, h, w] = shape.length === 3 ? shape : [1, shape[0] ?? 1, shape[1] ?? 1];
  const ch = Math.min(Math.max(channel, 0), c - 1);
  const rows = Math.min(size, h);
  const cols = Math.min(size, w);
  const t = Math.min(Math.max(top, 0), h - rows);
  const l = Math.min(Math.max(left, 0), w - cols);
  const out: number[][] = [];
  for (let y = 0; y < rows; y++) {
    const row: number[] = [];
    for (let x = 0; x < cols; x++) row.push(data[ch * h * w + (t + y) * w + (l + x)]);
    out.push(row);
  }
  return out;
}
