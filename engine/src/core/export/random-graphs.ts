/**
 * Seeded random valid model documents, for cross-checks against outside implementations (PyTorch,
 * ONNX). Every op and parameter form the export must handle appears: asymmetric "same" padding,
 * dilation, groups, min/avg/max pooling with ceil and count_include_pad, LRN, BN with inline
 * statistics, branches merged by Concat, Add and Multiply, Inception and ResidualUnit modules, Dense
 * on a vector and on a C×1×1 map — and the modern ops: every activation function, channel shuffles,
 * squeeze-and-excitation gates (ChannelScale), ShuffleNet's split (ChannelSlice → Concat).
 *
 * The modern ops draw from a stream of their own and only ever go where they keep the shape, so
 * each seed still makes the graph it made before they existed (same layers, ids and weights), with
 * them added: the property tests over random graphs keep every graph they had. Isomorphic.
 */
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument, type ModelNode } from '../document/schema';
import { analyze } from '../graph/analyze';
import { mulberry32 } from '../weights/seeded';
import { float32ToBase64 } from '../util/base64';

/** The activations beyond the first four (clip with both bounds, so the ONNX import cannot read it as a ReLU). */
const MODERN_ACTIVATIONS = [
  { fn: 'relu6' },
  { fn: 'silu' },
  { fn: 'hardswish' },
  { fn: 'hardsigmoid' },
  { fn: 'gelu' },
  { fn: 'mish' },
  { fn: 'clip', min: -0.5, max: 0.75 },
];

export function randomValidDocument(seed: number): ModelDocument {
  const rand = mulberry32(seed);
  const extra = mulberry32(seed ^ 0x5bd1e995);
  const chance = (p: number) => extra() < p;
  const pickExtra = <T>(xs: readonly T[]): T => xs[Math.floor(extra() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const size = int(9, 20);
  const doc: ModelDocument = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: `random ${seed}`,
    seed,
    nodes: [{ id: 'input', type: 'Input', params: { channels: int(1, 4), height: size, width: size + int(-2, 2) } }],
    edges: [],
  };
  let last = 'input';
  let n = 0;
  const tryAdd = (nodes: ModelNode[], edges: [string, string, number?][]): boolean => {
    const candidate: ModelDocument = {
      ...doc,
      nodes: [...doc.nodes, ...nodes],
      edges: [...doc.edges, ...edges.map(([source, target, port], i) => ({ id: `e${doc.edges.length + i}`, source, target, ...(port === undefined ? {} : { targetPort: port }) }))],
    };
    const a = analyze(candidate);
    if (!a.valid) return false;
    doc.nodes = candidate.nodes;
    doc.edges = candidate.edges;
    last = nodes[nodes.length - 1].id;
    return true;
  };
  const id = (type: string) => `${type.toLowerCase()}-${++n}`;
  let m = 0;
  /** Ids of the modern ops' nodes: their own counter, so the older nodes keep their ids (and seeded weights). */
  const extraId = (type: string) => `${type.toLowerCase()}-x${++m}`;
  const padding = () => pick(['valid', 'same', int(0, 2), [int(0, 2), int(0, 2), int(0, 2), int(0, 2)]] as const);
  const layer = (): ModelNode => {
    const kind = pick(['conv', 'conv', 'conv', 'pool', 'pool', 'bn', 'lrn', 'act', 'pad', 'inception', 'residual']);
    switch (kind) {
      case 'conv': {
        const stride = int(1, 2);
        return {
          id: id('conv'),
          type: 'Conv2D',
          params: {
            filters: pick([2, 4, 6, 8]),
            kernel: rand() < 0.8 ? int(1, 5) : [int(1, 4), int(1, 4)],
            stride,
            padding: padding(),
            dilation: stride === 1 && rand() < 0.3 ? 2 : 1,
            groups: pick([1, 1, 1, 2]),
            bias: rand() < 0.7,
          },
        };
      }
      case 'pool':
        return {
          id: id('pool'),
          type: 'Pool2D',
          params: { mode: pick(['max', 'avg', 'min']), kernel: int(2, 3), stride: int(1, 2), padding: pick(['valid', 'same', 1] as const), ceil: rand() < 0.3, countIncludePad: rand() < 0.5 },
        };
      case 'bn':
        return { id: id('bn'), type: 'BatchNorm', params: { epsilon: pick([1e-5, 1e-3]) } };
      case 'lrn':
        return { id: id('lrn'), type: 'LRN', params: { size: pick([3, 5]), alpha: 1e-3, beta: 0.75, bias: pick([1, 2]) } };
      case 'act': {
        const params = pick([{ fn: 'relu' }, { fn: 'leaky_relu', alpha: 0.1 }, { fn: 'sigmoid' }, { fn: 'tanh' }]);
        return { id: id('act'), type: 'Activation', params: chance(0.6) ? { ...pickExtra(MODERN_ACTIVATIONS) } : params };
      }
      case 'pad':
        return { id: id('pad'), type: 'ZeroPad2D', params: { padding: rand() < 0.5 ? 1 : [int(0, 2), int(0, 2), int(0, 2), int(0, 2)] } };
      case 'inception':
        return { id: id('inception'), type: 'Inception', params: { c1x1: int(1, 4), c3x3reduce: int(1, 4), c3x3: int(1, 4), c5x5reduce: int(1, 4), c5x5: int(1, 4), poolProj: int(1, 4) } };
      default:
        return {
          id: id('res'),
          type: 'ResidualUnit',
          params: { block: pick(['basic', 'bottleneck']), filters: pick([2, 4]), stride: int(1, 2), preActivation: rand() < 0.4, projection: pick(['auto', 'always', 'never']) },
        };
    }
  };

  /** After a layer, one shape-keeping block of modern ops (nothing when it does not fit the map). */
  const addModernBlock = () => {
    const shape = analyze(doc).nodes[last]?.outputShape;
    if (!shape || shape.length !== 3) return;
    const [c, h, w] = shape;
    const map = last;
    const kind = pickExtra(['shuffle', 'se', 'split'] as const);
    if (kind === 'shuffle') {
      const shuffle = { id: extraId('shuffle'), type: 'ChannelShuffle', params: { groups: pickExtra([2, 3, 4]) } };
      tryAdd([shuffle], [[map, shuffle.id]]);
    } else if (kind === 'se' && h * w > 1) {
      // Squeeze-and-excitation: global pool, 1×1 convolution to the map's channels, a gate, channel scale.
      // (Not on a 1×1 map, where scaling channels is a Multiply and the ONNX import reads it as one.)
      const pool: ModelNode = { id: extraId('squeeze'), type: 'GlobalPool', params: { mode: 'avg' } };
      const excite: ModelNode = { id: extraId('excite'), type: 'Conv2D', params: { filters: c, kernel: 1 } };
      const gate: ModelNode = { id: extraId('gate'), type: 'Activation', params: { fn: pickExtra(['sigmoid', 'hardsigmoid']) } };
      const scale: ModelNode = { id: extraId('scale'), type: 'ChannelScale', params: {} };
      tryAdd([pool, excite, gate, scale], [[map, pool.id], [pool.id, excite.id], [excite.id, gate.id], [map, scale.id, 0], [gate.id, scale.id, 1]]);
    } else if (kind === 'split' && c > 1) {
      // ShuffleNet's unit: split the channels, pass one part through an activation, concatenate them again.
      const k = 1 + Math.floor(extra() * (c - 1));
      const left: ModelNode = { id: extraId('split'), type: 'ChannelSlice', params: { start: 0, end: k } };
      const right: ModelNode = { id: extraId('split'), type: 'ChannelSlice', params: { start: k, end: c } };
      const branch: ModelNode = { id: extraId('branch'), type: 'Activation', params: { ...pickExtra(MODERN_ACTIVATIONS) } };
      const join: ModelNode = { id: extraId('join'), type: 'Concat', params: {} };
      tryAdd([left, right, branch, join], [[map, left.id], [map, right.id], [right.id, branch.id], [left.id, join.id, 0], [branch.id, join.id, 1]]);
    }
  };

  const layers = int(3, 7);
  for (let i = 0, attempts = 0; i < layers && attempts < 60; attempts++) {
    if (rand() < 0.15) {
      // Two branches from `last`, merged by Concat or Add.
      const a = layer();
      const b = layer();
      const merge: ModelNode = { id: id(rand() < 0.5 ? 'concat' : 'add'), type: '', params: {} };
      merge.type = merge.id.startsWith('concat') ? 'Concat' : 'Add';
      // An Add's inputs have one shape, so a Multiply of them is valid too.
      if (merge.type === 'Add' && chance(0.5)) Object.assign(merge, { id: merge.id.replace(/^add/, 'multiply'), type: 'Multiply' });
      if (tryAdd([a, b, merge], [[last, a.id], [last, b.id], [a.id, merge.id, 0], [b.id, merge.id, 1]])) i++;
      continue;
    }
    const l = layer();
    if (tryAdd([l], [[last, l.id]])) {
      i++;
      if (chance(0.3)) addModernBlock();
    }
  }
  // The head: Dense straight on a C×1×1 map, or Flatten → Dense; sometimes softmax.
  const head = rand() < 0.5 ? { id: id('gpool'), type: 'GlobalPool', params: { mode: pick(['avg', 'max']) } } : { id: id('flatten'), type: 'Flatten', params: {} };
  tryAdd([head], [[last, head.id]]);
  if (rand() < 0.5) {
    const bn = { id: id('bn1d'), type: 'BatchNorm', params: {} };
    tryAdd([bn], [[last, bn.id]]);
  }
  const dense = { id: id('dense'), type: 'Dense', params: { units: int(2, 10), bias: rand() < 0.8 } };
  tryAdd([dense], [[last, dense.id]]);
  if (rand() < 0.5) {
    const softmax = { id: id('softmax'), type: 'Softmax', params: {} };
    tryAdd([softmax], [[last, softmax.id]]);
  }
  giveBatchNormStatistics(doc, rand);
  return doc;
}

/**
 * Seeded BN has mean 0, var 1 (an identity up to γ, β): give every batch norm — primitive or inside a
 * residual unit — non-trivial inline statistics, so a swapped mean/var would show.
 */
function giveBatchNormStatistics(doc: ModelDocument, rand: () => number): void {
  const a = analyze(doc);
  for (const prim of a.primitives.nodes) {
    if (prim.type !== 'BatchNorm') continue;
    const node = doc.nodes.find((x) => x.id === prim.owner)!;
    const c = prim.shape[0];
    const local = prim.id === prim.owner ? '' : `${prim.id.slice(prim.owner.length + 1)}.`;
    const vec = (f: () => number) => Float32Array.from({ length: c }, f);
    node.weights = {
      ...node.weights,
      [`${local}scale`]: { shape: [c], data: Array.from(vec(() => 0.5 + rand())) },
      [`${local}bias`]: { shape: [c], base64: float32ToBase64(vec(() => rand() - 0.5)) },
      [`${local}mean`]: { shape: [c], data: Array.from(vec(() => rand() - 0.5)) },
      [`${local}var`]: { shape: [c], base64: float32ToBase64(vec(() => 0.5 + rand())) },
    };
  }
}
