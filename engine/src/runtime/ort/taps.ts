/**
 * Feature-map taps computed inside the ONNX graph, so a run moves kilobytes rather than every full
 * tensor (DESIGN.md: fresh memory fills at ~240 MiB/s). Per node, the graph reduces each channel
 * (min, max, sum, count of non-zeros) and the whole map (sum of squares); the worker folds those
 * few values into the node's statistics (readTaps). And the preview of ../previews.ts — up to 64
 * channels, downsampled by a whole factor to at most 64×64 (one AveragePool), uint8 normalised per
 * channel with the channel's full-resolution [min, max] — and the mean of those downsampled
 * channels, what the node's card shows (previews.ts: cardPreview).
 *
 * The taps are memory-bound: each reads a map that the network has just written. They are ordered
 * to run right after their node (see addGraphTaps), while the map is still in cache, and the
 * per-node results travel as one float bundle per node: 3 graph outputs in all (statistics,
 * preview bytes, channel means). The graph's inputs
 * and tiny maps are summarised on the JS side instead (addTaps), and a batch norm that only scales
 * a tapped map is derived from that map's taps (scaleOf).
 */
import { attr } from '../../core/onnx/lowering';
import { DataType } from '../../core/onnx/proto';
import type { OnnxGraphBuilder } from '../../core/onnx/builder';
import type { CompiledValue } from '../../core/onnx/export';
import type { Shape } from '../../core/shape';
import type { FeaturePreview, NodeRunResult } from '../../core/api';
import { cardFromMean, cardPreview, PREVIEW_MAX_CHANNELS, previewFactor, previewSize, rememberCard } from '../previews';

/** The graph outputs the taps add. */
export const TAP_OUTPUTS = {
  /** float32: every node's bundle (see statsLength), back to back. */
  stats: '__taps/stats',
  /** uint8: every node's preview, back to back. */
  previews: '__taps/previews',
  /** float32: the channels' mean of every preview of more than one channel (what its card shows), back to back. */
  means: '__taps/means',
} as const;

export interface PreviewLayout {
  channels: number;
  height: number;
  width: number;
  /** Offset into the concatenated preview bytes. */
  offset: number;
  /** Offset of its channels' mean (height × width floats) in the means output, when it has more than one channel. */
  meanOffset?: number;
}

export interface TappedNode {
  id: string;
  shape: Shape;
  /** Values in the node's output. */
  count: number;
  /** Its channels (a vector is one channel). */
  channels: number;
  /** Where its bundle starts in the statistics output (a derived node has none: its source's). */
  statsOffset: number;
  preview: PreviewLayout;
  /**
   * A node whose output is its source node's times one positive factor (see scaleOf): no tap
   * operators; its statistics are the source's scaled, its preview is the source's bytes.
   */
  derived?: { from: string; scale: number };
}

export interface TapLayout {
  /** Document node ids, in the order of the per-node outputs. */
  nodes: TappedNode[];
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
  return { nodes: [], host };
}

/** A node's output as C×H×W: a vector [N] reads as one 1×N channel. */
function mapDims(shape: Shape): [number, number, number] {
  return shape.length === 3 ? [shape[0], shape[1], shape[2]] : [1, 1, shape.reduce((n, d) => n * d, 1)];
}

export interface TapOptions {
  /**
   * Nodes with at most this many values are summarised on the JS side from their fetched outputs
   * (a few KiB each), as are the graph's inputs (their data is the feed): a chain of ~25 tap
   * operators costs more than that for tiny maps. Default 8192.
   */
  hostMaxValues?: number;
}

export function addTaps(b: OnnxGraphBuilder, values: Record<string, CompiledValue>, nodeIds: readonly string[], options: TapOptions = {}): TapLayout {
  const hostMax = options.hostMaxValues ?? 8192;
  const graphInputs = new Set(b.inputs.map((v) => v.name));
  const count = (id: string) => values[id].shape.reduce((n, d) => n * d, 1);
  const onHost = new Set(nodeIds.filter((id) => graphInputs.has(values[id].name) || count(id) <= hostMax));
  const inGraph = nodeIds.filter((id) => !onHost.has(id));
  return { ...addGraphTaps(b, values, inGraph), host: addHostTaps(b, values, [...onHost]).host };
}

/** The initializer's values as float32, when `name` is a float initializer. */
function floatInitializer(b: OnnxGraphBuilder, name: string): Float32Array | undefined {
  const t = b.initializers.find((i) => i.name === name);
  if (!t || t.dataType !== DataType.FLOAT) return undefined;
  return new Float32Array(t.bytes.slice().buffer);
}

/**
 * The factor a when a BatchNormalization node only multiplies its input by one positive number:
 * β and the running mean all zero, and γ/√(var + ε) the same float for every channel — e.g. γ = 1,
 * β = 0, mean 0, var 1 (a = 1/√(1 + ε)): the defaults, where a batch norm is not calibrated on the
 * input (core/weights/calibration.ts: statistics given as such, one value a channel, or a run with
 * calibration off). Its output y = a·x then has x's statistics times a, the same zeros and,
 * normalised per channel, the same preview — no pass over y is needed. a > 1/2, so no non-zero x
 * rounds to a zero y. Otherwise undefined (a real shift or per-channel scales: the node gets taps of
 * its own). A calibrated batch norm is an InstanceNormalization, never derived: its statistics are
 * the input's own.
 */
function scaleOf(b: OnnxGraphBuilder, node: { opType?: string | null; input?: string[] | null; attribute?: { name?: string | null; f?: number | null }[] | null }): number | undefined {
  if (node.opType !== 'BatchNormalization' || !node.input || node.input.length < 5) return undefined;
  const [scale, bias, mean, variance] = node.input.slice(1, 5).map((name) => floatInitializer(b, name));
  if (!scale || !bias || !mean || !variance || scale.length === 0) return undefined;
  if (!bias.every((v) => v === 0) || !mean.every((v) => v === 0)) return undefined;
  const epsilon = Math.fround(node.attribute?.find((a) => a.name === 'epsilon')?.f ?? 1e-5);
  const factors = Array.from(scale, (g, c) => Math.fround(g / Math.fround(Math.sqrt(Math.fround(variance[c] + epsilon)))));
  const a = factors[0];
  return Number.isFinite(a) && a > 0.5 && factors.every((f) => f === a) ? a : undefined;
}

/** Statistics and previews of these nodes computed by tap operators inside the graph. */
function addGraphTaps(b: OnnxGraphBuilder, values: Record<string, CompiledValue>, nodeIds: readonly string[]): TapLayout {
  const layout: TapLayout = { nodes: [] };
  if (nodeIds.length === 0) return layout;
  const t = (hint: string) => b.uniqueName(`__taps/${hint}`);
  const flatShape = b.addInt64Initializer(t('flat'), [-1]);
  const spatialAxes = b.addInt64Initializer(t('axes_hw'), [2, 3]);
  const zero = b.addFloatInitializer(t('zero'), [], new Float32Array([0]));
  const bytesPerStep = b.addFloatInitializer(t('255'), [], new Float32Array([255]));
  const huge = b.addFloatInitializer(t('huge'), [], new Float32Array([1e30]));
  const onesByLength = new Map<number, string>();
  const ones = (n: number) => {
    let name = onesByLength.get(n);
    if (!name) onesByLength.set(n, (name = b.addRawInitializer(t(`ones_${n}`), [1, n], DataType.UINT8, new Uint8Array(n).fill(1))));
    return name;
  };
  const shapes = new Map<string, string>();
  const shape = (dims: number[]) => {
    const key = dims.join('x');
    let name = shapes.get(key);
    if (!name) shapes.set(key, (name = b.addInt64Initializer(t(`shape_${key}`), dims)));
    return name;
  };

  // Batch norms that only scale a tapped map (scaleOf) are derived from it: by value name, the
  // node whose taps they read and the factor.
  const producers = new Map(b.nodes.map((nd) => [nd.output?.[0], nd]));
  const byValue = new Map<string, TappedNode>();

  // Offsets first (document order); the operators are then created last node first — see below.
  let offset = 0;
  let meanOffset = 0;
  let statsOffset = 0;
  for (const id of nodeIds) {
    const v = values[id];
    const [C, H, W] = mapDims(v.shape);
    const count = C * H * W;
    const producer = v.shape.length === 3 ? producers.get(v.name) : undefined;
    const source = producer?.input ? byValue.get(producer.input[0]) : undefined;
    const scale = source && producer ? scaleOf(b, producer) : undefined;
    if (source && scale !== undefined) {
      const from = source.derived?.from ?? source.id;
      const tapped: TappedNode = { id, shape: v.shape, count, channels: C, statsOffset: source.statsOffset, preview: source.preview, derived: { from, scale: Math.fround(scale * (source.derived?.scale ?? 1)) } };
      layout.nodes.push(tapped);
      byValue.set(v.name, tapped);
      continue;
    }
    const channels = Math.min(C, PREVIEW_MAX_CHANNELS);
    const [height, width] = previewSize(H, W);
    const tapped: TappedNode = { id, shape: v.shape, count, channels: C, statsOffset, preview: { channels, height, width, offset, ...(channels > 1 ? { meanOffset } : {}) } };
    layout.nodes.push(tapped);
    byValue.set(v.name, tapped);
    offset += channels * height * width;
    if (channels > 1) meanOffset += height * width;
    statsOffset += statsLength(C);
  }

  const bundles: string[] = [];
  const previews: string[] = [];
  const means: string[] = [];
  // onnxruntime runs nodes in a post-order depth-first walk from the graph's last leaf, taking a
  // node's inputs highest index first. Created in reverse, the first document node's taps have the
  // highest indices, so the walk from the statistics output (the last node added) runs each node's
  // taps right after the network computed it — while its map is still in cache and before its
  // memory is reused — instead of all of them after the network (measured: ResNet-50's graph with
  // taps 1.54× → 1.31–1.37× a raw session, GoogLeNet's 1.57× → 1.34–1.42×). Each node's preview
  // feeds its bundle (its first byte: a shape alone would be folded into a constant), so the walk
  // schedules it there too. The bundles' pieces go straight into the one statistics Concat (a Concat
  // per node was ~25 more operators a run).

  // Per-channel [min, max] of a map, by value name: created once, by the map's own taps or, earlier,
  // by those of a ReLU that reads it. Per channel, not whole-tensor: onnxruntime parallelises a
  // reduction over its outputs.
  const ranges = new Map<string, { min: string; max: string }>();
  const factors = new Map<number, string>();
  const factor = (a: number) => {
    let name = factors.get(a);
    if (!name) factors.set(a, (name = b.addFloatInitializer(t('factor'), [], new Float32Array([a]))));
    return name;
  };
  const channelRange = (value: string, owner: string): { min: string; max: string } => {
    let range = ranges.get(value);
    const derived = byValue.get(value)?.derived;
    if (!range && derived) {
      // A derived node's range is its source's times its (positive) factor.
      const source = channelRange(values[derived.from].name, derived.from);
      const scaled = (x: string, hint: string) => {
        const out = t(`${owner}/${hint}`);
        b.addNode('Mul', [x, factor(derived.scale)], [out]);
        return out;
      };
      ranges.set(value, (range = { min: scaled(source.min, 'ch_min'), max: scaled(source.max, 'ch_max') }));
    }
    if (!range) {
      const reduce = (op: string, hint: string) => {
        const out = t(`${owner}/${hint}`);
        b.addNode(op, [value], [out], { axes: attr.ints([2, 3]), keepdims: attr.i(1) });
        return out;
      };
      ranges.set(value, (range = { min: reduce('ReduceMin', 'ch_min'), max: reduce('ReduceMax', 'ch_max') }));
    }
    return range;
  };
  for (const n of [...layout.nodes].reverse()) {
    if (n.derived) continue;
    const { id, count } = n;
    const v = values[id];
    const [C, H, W] = mapDims(v.shape);
    const node = (op: string, inputs: string[], hint: string, attrs?: Parameters<OnnxGraphBuilder['addNode']>[3]) => {
      const out = t(`${id}/${hint}`);
      b.addNode(op, inputs, [out], attrs);
      return out;
    };
    const x = v.shape.length === 3 ? v.name : node('Reshape', [v.name, shape([1, 1, 1, count])], 'as_map');

    // A ReLU of a tapped map: its per-channel range is max(range of its input, 0), exactly — two
    // passes over the map fewer.
    const producer = v.shape.length === 3 ? producers.get(v.name) : undefined;
    const reluOf = producer?.opType === 'Relu' && producer.input ? byValue.get(producer.input[0]) : undefined;
    let chMin: string;
    let chMax: string;
    if (reluOf !== undefined) {
      const source = channelRange(values[reluOf.id].name, reluOf.id);
      chMin = node('Max', [source.min, zero], 'ch_min');
      chMax = node('Max', [source.max, zero], 'ch_max');
    } else {
      ({ min: chMin, max: chMax } = channelRange(x, id));
    }
    const chSum = node('ReduceSum', [x, spatialAxes], 'ch_sum', { keepdims: attr.i(1) });
    // Whole-tensor here: its per-channel form runs ~2× slower in onnxruntime 1.30.
    const sumSquares = node('ReduceSumSquare', [x], 'sumsq', { keepdims: attr.i(1) });
    // Non-zeros, exact: a bool Cast marks them, a uint8 Cast makes the marks countable, and an
    // integer matrix product with ones counts them (u8 GEMM reads 1 byte a value, where casting
    // the marks back to float and summing moves 8). Only the node's total is wanted, so the marks
    // are read as any [H·W, C] matrix and a row of ones sums its columns: [1, H·W] × [H·W, C] runs
    // ~3× faster in onnxruntime 1.30 than the per-channel [C, H·W] × [H·W, 1] (a GEMV) did.
    // As float: exact below 2^24 values.
    const marks = node('Cast', [node('Cast', [x], 'nonzero', { to: attr.i(DataType.BOOL) })], 'nonzero_u8', { to: attr.i(DataType.UINT8) });
    const columnCounts = node('MatMulInteger', [ones(H * W), node('Reshape', [marks, shape([H * W, C])], 'nonzero_matrix')], 'nonzero_column_counts');
    const nonzeros = node('Reshape', [node('Cast', [node('ReduceSum', [columnCounts], 'nonzero_count', { keepdims: attr.i(1) })], 'nonzero_count_f', { to: attr.i(DataType.FLOAT) }), shape([1, 1, 1, 1])], 'nonzeros');

    // Preview: round(clamp((p − min) / (span / 255), 0, 255)) per channel, by QuantizeLinear with a
    // per-channel scale (it rounds half to even, previews.ts half up: a tie may differ by 1). A
    // constant channel (span 0) gets a huge scale, so it maps to 0 as in previews.ts.
    const p = n.preview;
    let map = x;
    let mn = chMin;
    let mx = chMax;
    if (p.channels < C) {
      const slice = (input: string, hint: string) => node('Slice', [input, shape([0]), shape([p.channels]), shape([1])], hint);
      map = slice(map, 'channels');
      mn = slice(mn, 'preview_min');
      mx = slice(mx, 'preview_max');
    }
    const f = previewFactor(H, W);
    if (f > 1) {
      // f×f block means; the last row and column average what is left (ceil_mode, padding excluded).
      const pool = { kernel_shape: attr.ints([Math.min(f, H), Math.min(f, W)]), strides: attr.ints([f, f]), ceil_mode: attr.i(1), count_include_pad: attr.i(0) };
      map = node('AveragePool', [map], 'downsampled', pool);
    }
    const span = node('Sub', [mx, mn], 'span');
    const step = node('Where', [node('Equal', [span, zero], 'constant'), huge, node('Div', [span, bytesPerStep], 'step')], 'safe_step');
    const bytes = node('QuantizeLinear', [node('Sub', [map, mn], 'shifted'), node('Reshape', [step, flatShape], 'scale')], 'bytes', { axis: attr.i(1) });
    const flatBytes = node('Reshape', [bytes, flatShape], 'bytes_flat');
    previews.unshift(flatBytes);
    const first = node('Slice', [bytes, shape([0, 0, 0]), shape([1, 1, 1]), shape([1, 2, 3])], 'preview_first');
    let order = node('Cast', [first], 'preview_first_f', { to: attr.i(DataType.FLOAT) });
    if (p.meanOffset !== undefined) {
      // The card's mean (previews.ts: cardPreview) from the downsampled floats while they are in
      // cache: a ResNet-50 result's cards took ~7 ms of JavaScript from the uint8 previews. Its first
      // value joins the bundle's last one (times 0), so the walk schedules it here too.
      const mean = node('ReduceMean', [map], 'channel_mean', { axes: attr.ints([1]), keepdims: attr.i(1) });
      means.unshift(node('Reshape', [mean, flatShape], 'channel_mean_flat'));
      const meanFirst = node('Slice', [mean, shape([0, 0, 0]), shape([1, 1, 1]), shape([1, 2, 3])], 'channel_mean_first');
      order = node('Add', [order, node('Mul', [meanFirst, zero], 'channel_mean_nothing')], 'preview_first_and_mean');
    }

    // The node's bundle: [min, max, sum] per channel, then [sum of squares, non-zeros, first preview byte].
    bundles.unshift(chMin, chMax, chSum, sumSquares, nonzeros, order);
  }
  const concat = (inputs: string[], output: string, axis: number) => {
    if (inputs.length === 1) b.addNode('Identity', inputs, [output]);
    else b.addNode('Concat', inputs, [output], { axis: attr.i(axis) });
  };
  concat(previews, b.uniqueName(TAP_OUTPUTS.previews), 0);
  b.addOutput(TAP_OUTPUTS.previews, [offset], DataType.UINT8);
  if (means.length) {
    concat(means, b.uniqueName(TAP_OUTPUTS.means), 0);
    b.addOutput(TAP_OUTPUTS.means, [meanOffset]);
  }
  // Added last: the walk starts here (see above). [1, Σ, 1, 1]: the bundles along the channel axis.
  concat(bundles, b.uniqueName(TAP_OUTPUTS.stats), 1);
  b.addOutput(TAP_OUTPUTS.stats, [1, statsOffset, 1, 1]);
  return layout;
}

/** The graph outputs a layout's taps added (none without in-graph taps; no means when every preview has one channel). */
export function tapOutputs(layout: TapLayout): string[] {
  if (layout.nodes.length === 0) return [];
  const means = layout.nodes.some((n) => !n.derived && n.preview.meanOffset !== undefined);
  return [TAP_OUTPUTS.stats, TAP_OUTPUTS.previews, ...(means ? [TAP_OUTPUTS.means] : [])];
}

/** Floats in a node's bundle: 3 per channel (min, max, sum), its sum of squares, its count of non-zeros, its first preview byte. */
function statsLength(channels: number): number {
  return 3 * channels + 3;
}

/** Each tapped node's statistics and preview, from the outputs addTaps added (or none). */
export function readTaps(layout: TapLayout, result: Record<string, { data: unknown }>): Record<string, NodeRunResult> {
  const nodes: Record<string, NodeRunResult> = {};
  if (layout.nodes.length === 0) return nodes;
  const stats = result[TAP_OUTPUTS.stats].data as Float32Array;
  const previews = result[TAP_OUTPUTS.previews].data as Uint8Array;
  const means = result[TAP_OUTPUTS.means]?.data as Float32Array | undefined;
  for (const n of layout.nodes) {
    if (n.derived) {
      // Its source came earlier in document order.
      const source = nodes[n.derived.from];
      const a = n.derived.scale;
      const scaled = (x: number) => Math.fround(a * x);
      const { min, max, mean, std, zeros } = source.stats;
      const preview = source.preview && { ...source.preview, ranges: source.preview.ranges.map(scaled) };
      if (source.preview && preview) {
        const card = cardPreview(source.preview);
        rememberCard(preview, { ...card, ranges: card.ranges.map(scaled) });
      }
      nodes[n.id] = { shape: n.shape, stats: { min: scaled(min), max: scaled(max), mean: a * mean, std: a * std, zeros }, preview };
      continue;
    }
    const C = n.channels;
    const at = n.statsOffset;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let c = 0; c < C; c++) {
      min = Math.min(min, stats[at + c]);
      max = Math.max(max, stats[at + C + c]);
      sum += stats[at + 2 * C + c];
    }
    const mean = sum / n.count;
    const std = Math.sqrt(Math.max(0, stats[at + 3 * C] / n.count - mean * mean));
    const nonzeros = stats[at + 3 * C + 1];
    const p = n.preview;
    const ranges = new Float32Array(2 * p.channels);
    for (let c = 0; c < p.channels; c++) {
      ranges[2 * c] = stats[at + c];
      ranges[2 * c + 1] = stats[at + C + c];
    }
    // A view into the run's preview bytes: copying into fresh memory would cost more than the
    // taps (~240 MiB/s, DESIGN.md); the worker sends the buffer once (preview-packing.ts).
    const data = previews.subarray(p.offset, p.offset + p.channels * p.height * p.width);
    const preview: FeaturePreview = { channels: p.channels, height: p.height, width: p.width, data, ranges };
    if (p.meanOffset !== undefined && means) rememberCard(preview, cardFromMean(preview, means.subarray(p.meanOffset, p.meanOffset + p.height * p.width)));
    const node: NodeRunResult = { shape: n.shape, stats: { min, max, mean, std, zeros: 1 - nonzeros / n.count }, preview };
    nodes[n.id] = node;
  }
  return nodes;
}
