import { resolvePads } from '../ops/common';
import { pair, type Padding, type Pads, type Pair } from '../shape';
import { ExplainInputError, sizeFormula, type SizeFormula } from './convolution';

/** The lecture's 4×4 pooling example. 2×2, stride 2 → max [[28,65],[87,56]], min [[3,21],[5,4]], average [[13,35],[47,21]]. */
export const LECTURE_POOL_INPUT: number[][] = [
  [6, 15, 21, 31],
  [3, 28, 23, 65],
  [41, 5, 56, 12],
  [55, 87, 12, 4],
];

export type PoolMode = 'max' | 'avg' | 'min';
export const POOL_MODES: readonly PoolMode[] = ['max', 'avg', 'min'];

export interface PoolWindow {
  outRow: number;
  outCol: number;
  top: number;
  left: number;
  /** Input cells of the window that lie inside the input (padding never wins a max/min). */
  cells: { row: number; col: number; value: number }[];
  /** Cells of the window in the zero padding. */
  paddedCells: number;
}

export interface PoolResult {
  mode: PoolMode;
  output: number[][];
  /** For max/min: the [row, col] of the chosen input cell of each window (first one on ties). */
  chosen?: [number, number][][];
}

export interface PoolComparison {
  input: number[][];
  kernel: [number, number];
  stride: [number, number];
  pads: Pads;
  windows: PoolWindow[];
  results: Record<PoolMode, PoolResult>;
  formula: { height: SizeFormula; width: SizeFormula };
}

export interface PoolExplainOptions {
  input: number[][];
  kernel?: Pair;
  /** Defaults to the kernel. */
  stride?: Pair;
  padding?: Padding;
  /** Average pooling: count padded zeros in the divisor (PyTorch count_include_pad). */
  countIncludePad?: boolean;
}

/** Max, average and min pooling of the same input side by side, with each window's cells. */
export function comparePooling(o: PoolExplainOptions): PoolComparison {
  const ih = o.input.length;
  const iw = ih ? o.input[0].length : 0;
  if (!ih || !iw || o.input.some((r) => r.length !== iw)) throw new ExplainInputError('The pooling input must be a non-empty rectangular matrix.');
  const kernel = pair(o.kernel ?? 2);
  const stride = pair(o.stride ?? kernel);
  const pads = resolvePads(o.padding ?? 'valid', ih, iw, kernel, stride);
  const [pt, pl, pb, pr] = pads;
  const height = sizeFormula(ih, pt, pb, kernel[0], stride[0]);
  const width = sizeFormula(iw, pl, pr, kernel[1], stride[1]);
  if (height.output < 1 || width.output < 1) throw new ExplainInputError(`The ${kernel[0]}×${kernel[1]} window does not fit the ${ih}×${iw} input.`);

  const windows: PoolWindow[] = [];
  const results: Record<PoolMode, PoolResult> = {
    max: { mode: 'max', output: [], chosen: [] },
    avg: { mode: 'avg', output: [] },
    min: { mode: 'min', output: [], chosen: [] },
  };
  for (let r = 0; r < height.output; r++) {
    for (const m of POOL_MODES) {
      results[m].output.push([]);
      results[m].chosen?.push([]);
    }
    for (let c = 0; c < width.output; c++) {
      const top = r * stride[0] - pt;
      const left = c * stride[1] - pl;
      const cells: PoolWindow['cells'] = [];
      let paddedCells = 0;
      for (let i = 0; i < kernel[0]; i++) {
        for (let j = 0; j < kernel[1]; j++) {
          const y = top + i;
          const x = left + j;
          if (y < 0 || x < 0 || y >= ih || x >= iw) paddedCells++;
          else cells.push({ row: y, col: x, value: o.input[y][x] });
        }
      }
      windows.push({ outRow: r, outCol: c, top, left, cells, paddedCells });
      let max = cells[0];
      let min = cells[0];
      let sum = 0;
      for (const cell of cells) {
        if (cell.value > max.value) max = cell;
        if (cell.value < min.value) min = cell;
        sum += cell.value;
      }
      const count = o.countIncludePad ? cells.length + paddedCells : cells.length;
      results.max.output[r].push(max.value);
      results.max.chosen![r].push([max.row, max.col]);
      results.min.output[r].push(min.value);
      results.min.chosen![r].push([min.row, min.col]);
      results.avg.output[r].push(sum / count);
    }
  }
  return { input: o.input, kernel, stride, pads, windows, results, formula: { height, width } };
}
