/**
 * Feature-map taps computed inside the ONNX graph, so a run moves kilobytes rather than every full
 * tensor (DESIGN.md: fresh memory fills at ~240 MiB/s). Per node: [min, max, mean, sum of squares,
 * share of non-zeros] (all exact, float32 sums); and the preview of ../previews.ts — up to 64 channels, area-downsampled (aspect
 * kept) to at most 64×64 by two small (block-diagonal) matrix products, uint8 normalised per channel with the
 * channel's full-resolution [min, max]. All nodes' statistics, previews and ranges are concatenated
 * into three graph outputs.
 */
import { attr } from '../../core/onnx/lowering';
import { DataType } from '../../core/onnx/proto';
import type { OnnxGraphBuilder } from '../../core/onnx/builder';
import type { CompiledValue } from '../../core/onnx/export';
import type { Shape } from '../../core/shape';
import { PREVIEW_MAX_CHANNELS, previewSize } from '../previews';

/** Values per node in the statistics output: min, max, mean, sum of squares, share of non-zeros. */
export const STATS_PER_NODE = 5;

export const TAP_OUTPUTS = { stats: '__taps/stats', previews: '__taps/previews', ranges: '__taps/ranges' } as const;

export interface PreviewLayout {
  channels: number;
  height: number;
  width: number;
  /** Offset into the concatenated preview bytes. */
  offset: number;
  /** Offset (in floats) into the concatenated ranges: [min0, max0, min1, max1, …]. */
  rangeOffset: number;
}

export interface TapLayout {
  /** Document node ids, in the order of the statistics output. */
  nodes: { id: string; shape: Shape; count: number; preview?: PreviewLayout }[];
  hasPreviews: boolean;
  /**
   * Nodes summarised on the JS side by ../previews.ts from their full outputs (small graphs: their
   * tensors are a few KiB, and a graph without tap nodes is faster to create): `output` is the
   * graph output to fetch, or absent for an Input node (its data is the feed).
   */
  host?: { id: string; shape: Shape; output?: string }[];
}

/**
 * Small graphs: exposes each node's output as a graph output instead of adding tap nodes; the
 * backend computes statistics and previews from the fetched tensors (exactly previews.ts).
 */
export function addHostTaps(b: OnnxGraphBuilder, values: Record<string, CompiledValue>, nodeIds: readonly string[]): TapLayout {
  const inputs = new Set(b.inputs.map((v) => v.name));
  const outputs = new Set(b.outputs.map((v) => v.name));
  const host: NonNullable<TapLayout['host']> = [];
  for (const id of nodeIds) {
    const v = values[id];
    if (inputs.has(v.name)) {
      host.push({ id, shape: v.shape });
      continue;
    }
    if (!outputs.has(v.name)) {
      b.addOutput(v.name, [1, ...v.shape]);
      outputs.add(v.name);
    }
    host.push({ id, shape: v.shape, output: v.name });
  }
  return { nodes: [], hasPreviews: false, host };
}

/**
 * Area-resampling matrix [n, m] (m ≤ n), transposed for x·A: column k averages input
 * [k·n/m, (k+1)·n/m), each input cell weighted by how much of it lies inside (as ../previews.ts).
 */
export function areaMatrix(n: number, m: number): Float32Array {
  const a = new Float32Array(n * m);
  const scale = n / m;
  for (let k = 0; k < m; k++) {
    const start = k * scale;
    const end = (k + 1) * scale;
    for (let i = Math.floor(start); i < Math.min(n, Math.ceil(end)); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 1e-9) a[i * m + k] = overlap / scale;
    }
  }
  return a;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

export function addTaps(b: OnnxGraphBuilder, values: Record<string, CompiledValue>, nodeIds: readonly string[]): TapLayout {
  const layout: TapLayout = { nodes: [], hasPreviews: false };
  if (nodeIds.length === 0) return layout;
  const t = (hint: string) => b.uniqueName(`__taps/${hint}`);
  const zero = b.addFloatInitializer(t('zero'), [], new Float32Array([0]));
  const scale = b.addFloatInitializer(t('255'), [], new Float32Array([255]));
  const half = b.addFloatInitializer(t('half'), [], new Float32Array([0.5]));
  const tiny = b.addFloatInitializer(t('tiny'), [], new Float32Array([1e-30]));
  const flatShape = b.addInt64Initializer(t('flat'), [-1]);
  const scalarAs4d = b.addInt64Initializer(t('1x1x1x1'), [1, 1, 1, 1]);
  const onesByLength = new Map<number, string>();
  const ones = (n: number) => {
    let name = onesByLength.get(n);
    if (!name) onesByLength.set(n, (name = b.addRawInitializer(t(`ones_${n}`), [n, 1], DataType.UINT8, new Uint8Array(n).fill(1))));
    return name;
  };
  const matrices = new Map<string, string>();
  const area = (n: number, m: number, rows: boolean) => {
    const key = `${rows ? 'rows' : 'cols'}_${n}x${m}`;
    let name = matrices.get(key);
    if (!name) {
      name = b.addFloatInitializer(t(`area_${key}`), rows ? [m, n] : [n, m], rows ? transpose(areaMatrix(n, m), n, m) : areaMatrix(n, m));
      matrices.set(key, name);
    }
    return name;
  };
  const shapes = new Map<string, string>();
  const shape = (dims: number[]) => {
    const key = dims.join('x');
    let name = shapes.get(key);
    if (!name) shapes.set(key, (name = b.addInt64Initializer(t(`shape_${key}`), dims)));
    return name;
  };
  /**
   * Area resampling of the last axis (W) or the one before it (H), n → m. The matrix is block
   * diagonal: g = gcd(n, m) equal blocks of p = n/g inputs → q = m/g outputs. With g > 1 the
   * axis is split into [g, p] and multiplied by one block (p·q instead of n·m weights per row).
   */
  const resample = (x: string, C: number, H: number, W: number, rows: boolean, node: (op: string, inputs: string[], hint: string) => string, m: number): string => {
    const n = rows ? H : W;
    const g = gcd(n, m);
    if (g === 1) return rows ? node('MatMul', [area(n, m, true), x], 'resample_h') : node('MatMul', [x, area(n, m, false)], 'resample_w');
    const [p, q] = [n / g, m / g];
    if (rows) {
      const split = node('Reshape', [x, shape([1, C, g, p, W])], 'split_h');
      const small = node('MatMul', [area(p, q, true), split], 'resample_h');
      return node('Reshape', [small, shape([1, C, m, W])], 'joined_h');
    }
    const split = node('Reshape', [x, shape([1, C, H, g, p])], 'split_w');
    const small = node('MatMul', [split, area(p, q, false)], 'resample_w');
    return node('Reshape', [small, shape([1, C, H, m])], 'joined_w');
  };
  const stats: string[] = [];
  const previews: string[] = [];
  const ranges: string[] = [];
  let offset = 0;
  let rangeOffset = 0;
  for (const id of nodeIds) {
    const v = values[id];
    const count = v.shape.reduce((n, d) => n * d, 1);
    // A vector [N] reads as one 1×N channel.
    const [C, H, W] = v.shape.length === 3 ? v.shape : [1, 1, count];
    let x = v.name;
    if (v.shape.length !== 3) {
      const map = t(`${id}/as_map`);
      b.addNode('Reshape', [x, b.addInt64Initializer(t(`${id}/map_shape`), [1, 1, 1, count])], [map]);
      x = map;
    }
    const node = (op: string, inputs: string[], hint: string, attrs?: Parameters<OnnxGraphBuilder['addNode']>[3]) => {
      const out = t(`${id}/${hint}`);
      b.addNode(op, inputs, [out], attrs);
      return out;
    };
    const flat = (input: string, hint: string) => node('Reshape', [input, flatShape], hint);

    // Per-channel min/max over the full map: gives the whole-tensor min/max and the preview ranges.
    const chMin = node('ReduceMin', [x], 'ch_min', { axes: attr.ints([2, 3]), keepdims: attr.i(1) });
    const chMax = node('ReduceMax', [x], 'ch_max', { axes: attr.ints([2, 3]), keepdims: attr.i(1) });
    // Whole-tensor reductions kept as [1, 1, 1, 1], concatenated per node to [1, 1, 1, 5].
    const whole = (op: string, input: string, hint: string) => node(op, [input], hint, { keepdims: attr.i(1) });
    // Share of non-zeros, exact: a bool Cast marks them, a uint8 Cast makes the marks countable, and
    // an integer matrix product with ones counts them per channel (u8 GEMM reads 1 byte a value,
    // where casting the marks back to float and averaging moves 8 — measured ~10% of ResNet-50's run).
    const marks = node('Cast', [node('Cast', [x], 'nonzero', { to: attr.i(DataType.BOOL) })], 'nonzero_u8', { to: attr.i(DataType.UINT8) });
    const rows = node('Reshape', [marks, b.addInt64Initializer(t(`${id}/rows`), [C, H * W])], 'nonzero_rows');
    const counts = node('Cast', [node('MatMulInteger', [rows, ones(H * W)], 'nonzero_counts')], 'nonzero_counts_f', { to: attr.i(DataType.FLOAT) });
    const share = node('Div', [node('ReduceSum', [counts], 'nonzero_total', { keepdims: attr.i(0) }), b.addFloatInitializer(t(`${id}/count`), [], new Float32Array([count]))], 'nonzero_share');
    const nonzeros = node('Reshape', [share, scalarAs4d], 'nonzeros');
    const parts = [whole('ReduceMin', chMin, 'min'), whole('ReduceMax', chMax, 'max'), whole('ReduceMean', x, 'mean'), whole('ReduceSumSquare', x, 'sumsq'), nonzeros];
    stats.push(node('Concat', parts, 'stats', { axis: attr.i(3) }));

    const channels = Math.min(C, PREVIEW_MAX_CHANNELS);
    const [height, width] = previewSize(H, W);
    let p = x;
    let mn = chMin;
    let mx = chMax;
    if (channels < C) {
      const starts = b.addInt64Initializer(t(`${id}/c0`), [0]);
      const ends = b.addInt64Initializer(t(`${id}/c1`), [channels]);
      const axes = b.addInt64Initializer(t(`${id}/axis1`), [1]);
      const slice = (input: string, hint: string) => node('Slice', [input, starts, ends, axes], hint);
      p = slice(p, 'channels');
      mn = slice(mn, 'ch_min64');
      mx = slice(mx, 'ch_max64');
    }
    if (width < W) p = resample(p, channels, H, W, false, node, width);
    if (height < H) p = resample(p, channels, H, width, true, node, height);
    // round(clamp((p − mn)·255 / span, 0, 255)) per channel: Cast truncates, so add 0.5 and clamp;
    // converted to uint8 here, so the concatenation moves bytes rather than floats. (p − mn comes
    // first: folding mn into an offset would cancel catastrophically when |mn| ≫ span.)
    const perUnit = node('Div', [scale, node('Max', [node('Sub', [mx, mn], 'span'), tiny], 'span_safe')], 'per_unit');
    const scaled = node('Add', [node('Mul', [node('Sub', [p, mn], 'shifted'), perUnit], 'scaled'), half], 'rounded');
    const bytes = node('Cast', [node('Clip', [scaled, zero, scale], 'clamped')], 'bytes', { to: attr.i(DataType.UINT8) });
    previews.push(flat(bytes, 'bytes_flat'));
    ranges.push(flat(node('Concat', [mn, mx], 'range', { axis: attr.i(3) }), 'range_flat'));
    const preview = { channels, height, width, offset, rangeOffset };
    offset += channels * height * width;
    rangeOffset += 2 * channels;
    layout.nodes.push({ id, shape: v.shape, count, preview });
  }
  const concat = (inputs: string[], output: string, axis = 0) => {
    if (inputs.length === 1) b.addNode('Identity', inputs, [output]);
    else b.addNode('Concat', inputs, [output], { axis: attr.i(axis) });
    return output;
  };
  b.addOutput(concat(stats, b.uniqueName(TAP_OUTPUTS.stats)), [nodeIds.length, 1, 1, STATS_PER_NODE]);
  layout.hasPreviews = previews.length > 0;
  if (layout.hasPreviews) {
    concat(previews, b.uniqueName(TAP_OUTPUTS.previews));
    b.addOutput(TAP_OUTPUTS.previews, [offset], DataType.UINT8);
    b.addOutput(concat(ranges, b.uniqueName(TAP_OUTPUTS.ranges)), [rangeOffset]);
  }
  return layout;
}
