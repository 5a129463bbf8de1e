/**
 * Seeded random valid model documents, for cross-checks against outside implementations (PyTorch,
 * ONNX). Every op and parameter form the export must handle appears: asymmetric "same" padding,
 * dilation, groups, min/avg/max pooling with ceil and count_include_pad, LRN, BN with inline
 * statistics, branches merged by Concat and Add, Inception and ResidualUnit modules, Dense on a
 * vector and on a C×1×1 map. Isomorphic.
 */
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument, type ModelNode } from '../document/schema';
import { analyze } from '../graph/analyze';
import { mulberry32 } from '../weights/seeded';
import { float32ToBase64 } from '../util/base64';

export function randomValidDocument(seed: number): ModelDocument {
  const rand = mulberry32(seed);
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
      case 'act':
        return { id: id('act'), type: 'Activation', params: pick([{ fn: 'relu' }, { fn: 'leaky_relu', alpha: 0.1 }, { fn: 'sigmoid' }, { fn: 'tanh' }]) };
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

  const layers = int(3, 7);
  for (let i = 0, attempts = 0; i < layers && attempts < 60; attempts++) {
    if (rand() < 0.15) {
      // Two branches from `last`, merged by Concat or Add.
      const a = layer();
      const b = layer();
      const merge: ModelNode = { id: id(rand() < 0.5 ? 'concat' : 'add'), type: '', params: {} };
      merge.type = merge.id.startsWith('concat') ? 'Concat' : 'Add';
      if (tryAdd([a, b, merge], [[last, a.id], [last, b.id], [a.id, merge.id, 0], [b.id, merge.id, 1]])) i++;
      continue;
    }
    const l = layer();
    if (tryAdd([l], [[last, l.id]])) i++;
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
