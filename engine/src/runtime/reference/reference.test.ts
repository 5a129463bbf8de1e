import { describe, expect, it } from 'vitest';
import { analyze } from '../../core/graph/analyze';
import type { ModelDocument } from '../../core/document/schema';
import { chainDoc, LECTURE_4X4, type LayerSpec } from '../testing/docs';
import { ReferenceBackend } from './backend';

async function run(doc: ModelDocument, input: number[], nodeId = doc.nodes[doc.nodes.length - 1].id) {
  const analysis = analyze(doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const r = await new ReferenceBackend().run(doc, analysis, { input: Float32Array.from(input) }, { previews: false, tensors: [nodeId] });
  return r.tensors[nodeId];
}

async function runLayer(input: { channels: number; height: number; width: number }, layer: LayerSpec, values: number[]) {
  const t = await run(chainDoc(input, [layer]), values);
  return { shape: t.shape, data: Array.from(t.data) };
}

const grid = (rows: number[][]) => rows.flat();
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
const one = { channels: 1 };

describe('reference pooling — the lecture vectors (4×4, 2×2 windows, stride 2)', () => {
  const input = grid(LECTURE_4X4);
  it.each([
    ['max', [[28, 65], [87, 56]]],
    ['min', [[3, 21], [5, 4]]],
    ['avg', [[13, 35], [47, 21]]],
  ] as const)('%s pooling', async (mode, expected) => {
    const r = await runLayer({ ...one, height: 4, width: 4 }, { type: 'Pool2D', params: { mode, kernel: 2, stride: 2 } }, input);
    expect(r.shape).toEqual([1, 2, 2]);
    expect(r.data).toEqual(grid(expected as unknown as number[][]));
  });
});

describe('reference pooling — padding and ceil', () => {
  it('average with and without counting the padding', async () => {
    const ones = Array(9).fill(1);
    const excl = await runLayer({ ...one, height: 3, width: 3 }, { type: 'Pool2D', params: { mode: 'avg', kernel: 2, stride: 2, padding: 1 } }, ones);
    expect(excl.data).toEqual([1, 1, 1, 1]);
    const incl = await runLayer({ ...one, height: 3, width: 3 }, { type: 'Pool2D', params: { mode: 'avg', kernel: 2, stride: 2, padding: 1, countIncludePad: true } }, ones);
    // Corner windows hold 1 real value of 4; the others 2 of 4 (bottom/right windows clipped to the padded input).
    expect(incl.data).toEqual([0.25, 0.5, 0.5, 1]);
  });

  it('max pooling never picks the padding, even with all-negative inputs', async () => {
    const r = await runLayer({ ...one, height: 2, width: 2 }, { type: 'Pool2D', params: { mode: 'max', kernel: 2, stride: 1, padding: 1 } }, [-1, -2, -3, -4]);
    expect(r.data).toEqual([-1, -1, -2, -1, -1, -2, -3, -3, -4]);
  });

  it('ceil mode adds the partial last window', async () => {
    // 5×5 values 0..24, 2×2/2 max: floor gives 2×2, ceil 3×3 (last row/column windows hold one row/column).
    const floor = await runLayer({ ...one, height: 5, width: 5 }, { type: 'Pool2D', params: { mode: 'max', kernel: 2 } }, range(25));
    expect(floor.data).toEqual([6, 8, 16, 18]);
    const ceil = await runLayer({ ...one, height: 5, width: 5 }, { type: 'Pool2D', params: { mode: 'max', kernel: 2, ceil: true } }, range(25));
    expect(ceil.data).toEqual([6, 8, 9, 16, 18, 19, 21, 23, 24]);
  });

  it('global average and max pooling', async () => {
    const r = await runLayer({ channels: 2, height: 2, width: 2 }, { type: 'GlobalPool', params: { mode: 'avg' } }, [1, 2, 3, 4, -1, -2, -3, -10]);
    expect(r).toEqual({ shape: [2, 1, 1], data: [2.5, -4] });
    const m = await runLayer({ channels: 2, height: 2, width: 2 }, { type: 'GlobalPool', params: { mode: 'max' } }, [1, 2, 3, 4, -1, -2, -3, -10]);
    expect(m.data).toEqual([4, -1]);
  });
});

describe('reference convolution — hand-worked values', () => {
  const ones3x3 = Array(9).fill(1);
  it('stride 2 with padding 1 (ones kernel sums each window)', async () => {
    const r = await runLayer({ ...one, height: 4, width: 4 }, { type: 'Conv2D', params: { filters: 1, kernel: 3, stride: 2, padding: 1 }, weights: { kernel: ones3x3, bias: [0] } }, range(16, 1));
    expect(r).toEqual({ shape: [1, 2, 2], data: [14, 30, 57, 99] });
  });

  it('"same" padding with stride 2 puts the odd padding row/column at the bottom/right', async () => {
    const r = await runLayer({ ...one, height: 4, width: 4 }, { type: 'Conv2D', params: { filters: 1, kernel: 3, stride: 2, padding: 'same' }, weights: { kernel: ones3x3, bias: [0] } }, range(16, 1));
    expect(r).toEqual({ shape: [1, 2, 2], data: [54, 45, 72, 54] });
  });

  it('dilation 2 spreads a 2×2 kernel over 3×3', async () => {
    // kernel [[1,0],[0,1]] dilated: y[i,j] = x[i,j] + x[i+2,j+2] = (5i+j) + (5(i+2)+j+2) = 10i + 2j + 12
    const r = await runLayer({ ...one, height: 5, width: 5 }, { type: 'Conv2D', params: { filters: 1, kernel: 2, dilation: 2, bias: false }, weights: { kernel: [1, 0, 0, 1] } }, range(25));
    expect(r.shape).toEqual([1, 3, 3]);
    expect(r.data).toEqual([0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => 10 * i + 2 * j + 12)));
  });

  it('groups: each filter sees only its own group of channels', async () => {
    const input = [1, 1, 1, 1, 2, 2, 2, 2];
    const grouped = await runLayer({ channels: 2, height: 2, width: 2 }, { type: 'Conv2D', params: { filters: 2, kernel: 1, groups: 2 }, weights: { kernel: [3, 5], bias: [0, 1] } }, input);
    expect(grouped.data).toEqual([3, 3, 3, 3, 11, 11, 11, 11]);
    const full = await runLayer({ channels: 2, height: 2, width: 2 }, { type: 'Conv2D', params: { filters: 2, kernel: 1 }, weights: { kernel: [3, 5, 1, -1], bias: [0, 0] } }, input);
    expect(full.data).toEqual([13, 13, 13, 13, -1, -1, -1, -1]);
  });

  it('multi-channel 2×2 kernel, valid padding', async () => {
    // Two input channels; the filter adds channel 0's top-left and subtracts channel 1's bottom-right.
    const input = [...range(9), ...range(9, 100)];
    const r = await runLayer({ channels: 2, height: 3, width: 3 }, { type: 'Conv2D', params: { filters: 1, kernel: 2 }, weights: { kernel: [1, 0, 0, 0, 0, 0, 0, -1], bias: [0.5] } }, input);
    // y[i,j] = x0[i,j] − x1[i+1,j+1] + 0.5 = (3i+j) − (100 + 3(i+1) + j+1) + 0.5 = −103.5
    expect(r).toEqual({ shape: [1, 2, 2], data: [-103.5, -103.5, -103.5, -103.5] });
  });
});

describe('reference normalisation, dense and the rest', () => {
  it('LRN divides by (bias + alpha/size · Σ neighbour squares)^beta', async () => {
    const r = await runLayer({ channels: 3, height: 1, width: 1 }, { type: 'LRN', params: { size: 3, alpha: 3, beta: 1, bias: 1 } }, [1, 2, 3]);
    expect(r.data[0]).toBeCloseTo(1 / 6, 6);
    expect(r.data[1]).toBeCloseTo(2 / 15, 6);
    expect(r.data[2]).toBeCloseTo(3 / 14, 6);
  });

  it('batch norm uses the running statistics', async () => {
    const r = await runLayer({ channels: 2, height: 1, width: 2 }, { type: 'BatchNorm', params: { epsilon: 1 }, weights: { scale: [2, 1], bias: [1, 0], mean: [1, 0], var: [3, 0] } }, [1, 5, 3, -2]);
    // ch0: (x−1)/2·2+1 → 1, 5; ch1: x/1·1 → 3, −2
    expect(r.data).toEqual([1, 5, 3, -2]);
  });

  it('dense reads a C×1×1 map as a vector', async () => {
    const doc = chainDoc({ channels: 2, height: 2, width: 1 }, [
      { type: 'GlobalPool', params: { mode: 'avg' } },
      { type: 'Dense', params: { units: 2 }, weights: { kernel: [1, 2, -1, 0], bias: [0, 10] } },
    ]);
    const t = await run(doc, [1, 3, 4, 6]);
    expect(t.shape).toEqual([2]);
    expect(Array.from(t.data)).toEqual([2 + 10, -2 + 10]);
  });

  it('flatten, dropout (identity), softmax and activations', async () => {
    const doc = chainDoc({ channels: 2, height: 1, width: 2 }, [{ type: 'Dropout' }, { type: 'Flatten' }, { type: 'Softmax' }]);
    const t = await run(doc, [0, Math.log(2), Math.log(3), Math.log(4)]);
    expect(t.shape).toEqual([4]);
    [0.1, 0.2, 0.3, 0.4].forEach((p, i) => expect(t.data[i]).toBeCloseTo(p, 6));

    const act = async (fn: string, alpha?: number) => (await runLayer({ ...one, height: 1, width: 3 }, { type: 'Activation', params: { fn, alpha } }, [-2, 0, 1])).data;
    expect(await act('relu')).toEqual([0, 0, 1]);
    expect(await act('leaky_relu', 0.5)).toEqual([-1, 0, 1]);
    expect((await act('sigmoid'))[1]).toBe(0.5);
    expect((await act('tanh'))[2]).toBeCloseTo(Math.tanh(1), 6);
  });

  it('softmax over channels at each position of a map', async () => {
    const r = await runLayer({ channels: 2, height: 1, width: 2 }, { type: 'Softmax' }, [0, 1, 0, 1]);
    expect(r.data).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('zero padding, concat (channel order) and add (a skip connection)', async () => {
    const pad = await runLayer({ ...one, height: 1, width: 2 }, { type: 'ZeroPad2D', params: { padding: [1, 0, 0, 2] } }, [7, 8]);
    expect(pad).toEqual({ shape: [1, 2, 4], data: [0, 0, 0, 0, 7, 8, 0, 0] });

    const doc: ModelDocument = {
      ...chainDoc({ ...one, height: 1, width: 2 }, [{ id: 'a', type: 'Activation', params: { fn: 'relu' } }]),
    };
    doc.nodes.push({ id: 'cat', type: 'Concat', params: {} }, { id: 'sum', type: 'Add', params: {} });
    doc.edges.push(
      { id: 'c1', source: 'a', target: 'cat', targetPort: 1 },
      { id: 'c0', source: 'input', target: 'cat', targetPort: 0 },
      { id: 's0', source: 'input', target: 'sum' },
      { id: 's1', source: 'a', target: 'sum' },
    );
    const analysis = analyze(doc);
    const r = await new ReferenceBackend().run(doc, analysis, { input: Float32Array.from([-1, 2]) }, { previews: false, tensors: ['cat', 'sum'] });
    expect(r.tensors.cat.shape).toEqual([2, 1, 2]);
    expect(Array.from(r.tensors.cat.data)).toEqual([-1, 2, 0, 2]);
    expect(Array.from(r.tensors.sum.data)).toEqual([-1, 4]);
  });
});

describe('ReferenceBackend results', () => {
  it('stats and previews for every document node that ran; tensors only for graph outputs', async () => {
    const doc = chainDoc({ channels: 1, height: 4, width: 4 }, [{ id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 } }, { id: 'relu', type: 'Activation', params: { fn: 'relu' } }]);
    const r = await new ReferenceBackend().run(doc, analyze(doc), { input: Float32Array.from(grid(LECTURE_4X4)) }, { previews: true, tensors: 'outputs' });
    expect(Object.keys(r.nodes).sort()).toEqual(['input', 'pool', 'relu']);
    expect(Object.keys(r.tensors)).toEqual(['relu']);
    expect(r.nodes.pool.stats).toMatchObject({ min: 28, max: 87, mean: 59, zeros: 0 });
    expect(r.nodes.pool.preview).toMatchObject({ channels: 1, height: 2, width: 2 });
    expect(Array.from(r.nodes.pool.preview!.data)).toEqual([28, 65, 87, 56].map((v) => Math.round(((v - 28) / (87 - 28)) * 255)));
    expect(Array.from(r.nodes.pool.preview!.ranges)).toEqual([28, 87]);
  });

  it('composites run through their primitives and report their output primitive', async () => {
    const doc = chainDoc({ channels: 4, height: 6, width: 6 }, [{ id: 'inc', type: 'Inception', params: { c1x1: 2, c3x3reduce: 2, c3x3: 3, c5x5reduce: 1, c5x5: 2, poolProj: 1 } }]);
    const analysis = analyze(doc);
    expect(analysis.valid).toBe(true);
    const r = await new ReferenceBackend().run(doc, analysis, { input: new Float32Array(4 * 36).map((_, i) => Math.sin(i)) }, { previews: true, tensors: 'all' });
    expect(r.tensors.inc.shape).toEqual([8, 6, 6]);
    expect(r.nodes.inc.preview?.channels).toBe(8);
  });
});
