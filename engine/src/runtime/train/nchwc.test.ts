import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../core/graph/analyze';
import { OnnxGraphBuilder } from '../../core/onnx/builder';
import { attr } from '../../core/onnx/lowering';
import { getPreset } from '../../core/presets';
import { numel } from '../../core/shape';
import { OptimizerSchema } from '../../core/train/optimizers';
import { buildTrainingGraph } from '../../core/train/training-graph';
import { resolveWeights } from '../../core/weights/resolve';
import { NCHWC_DOMAIN, encodeForSession, nchwcBlockSize, rewriteForNchwc } from './nchwc';

/** A graph of one convolution per case, each reading the image or the previous output. */
function convs(cases: { c: number; f: number; k: number; group?: number; filter?: 'input' | 'flipped' }[]): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder('t');
  cases.forEach(({ c, f, k, group = 1, filter = 'input' }, i) => {
    b.addInput(`x${i}`, [2, c, 6, 6]);
    b.addInput(`w${i}`, [f, c / group, k, k]);
    let w = `w${i}`;
    if (filter === 'flipped') {
      // As a convolution's input gradient builds its filter: reshape to a constant shape, then reverse.
      const shaped = `w${i}_shaped`;
      b.addNode('Reshape', [w, b.addInt64Initializer(`s${i}`, [f, c / group, k, k])], [shaped]);
      w = `w${i}_flipped`;
      const c64 = (name: string, v: number[]) => b.addInt64Initializer(`${name}${i}`, v);
      b.addNode('Slice', [shaped, c64('st', [-1, -1]), c64('en', [-(2 ** 62), -(2 ** 62)]), c64('ax', [2, 3]), c64('sp', [-1, -1])], [w]);
    }
    b.addNode('Conv', [`x${i}`, w], [`y${i}`], { kernel_shape: attr.ints([k, k]), pads: attr.ints(Array(4).fill(k >> 1)), group: attr.i(group) });
    b.addOutput(`y${i}`);
  });
  return b;
}

describe('NCHWc rewrite of training graphs', () => {
  it('rewrites only ungrouped convolutions wider than 1×1 whose channels are whole blocks, filters as inputs or flipped', () => {
    const source = convs([
      { c: 16, f: 32, k: 3 },
      { c: 32, f: 16, k: 3, filter: 'flipped' },
      { c: 6, f: 16, k: 5 },
      { c: 16, f: 16, k: 1 },
      { c: 16, f: 16, k: 3, group: 16 },
    ]);
    const { builder, rewritten } = rewriteForNchwc(source, 16);
    expect(rewritten).toBe(2);
    const layoutConvs = builder.nodes.filter((n) => n.opType === 'Conv' && n.domain === NCHWC_DOMAIN);
    expect(layoutConvs.map((n) => n.output![0])).toEqual(['y0/nchwc_y', 'y1/nchwc_y']);
    // Every original output is still produced, once.
    const outputs = builder.nodes.flatMap((n) => n.output ?? []);
    for (let i = 0; i < 5; i++) expect(outputs.filter((o) => o === `y${i}`)).toHaveLength(1);
    // The source graph is left alone.
    expect(source.nodes.every((n) => !n.domain)).toBe(true);
    expect(rewriteForNchwc(source, 8).rewritten).toBe(2);
    expect(rewriteForNchwc(source, 64).rewritten).toBe(0);
  });

  it('ResNet-20’s training step gives the same loss, weights and optimizer state with and without the rewrite', async () => {
    const block = await nchwcBlockSize();
    if (block === 0) {
      console.warn('skipped: this onnxruntime build has no NCHWc kernels, so training graphs run unchanged');
      return;
    }
    const doc = getPreset('resnet20');
    const analysis = analyze(doc);
    const graph = buildTrainingGraph(doc, analysis, { kind: 'step', batch: 8, optimizer: OptimizerSchema.parse({ kind: 'sgd', momentum: 0.9 }) });
    expect(rewriteForNchwc(graph.builder, block).rewritten).toBeGreaterThanOrEqual(10);
    const prims = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const feeds: Record<string, ort.Tensor> = {
      [graph.image]: new ort.Tensor('float32', Float32Array.from({ length: 8 * numel(graph.imageShape) }, random), [8, ...graph.imageShape]),
      [graph.labels]: new ort.Tensor('int64', BigInt64Array.from({ length: 8 }, (_, i) => BigInt(i % 10)), [8]),
      [graph.scalars.lr]: new ort.Tensor('float32', Float32Array.of(0.1), []),
      [graph.scalars.stepSize]: new ort.Tensor('float32', Float32Array.of(0.1), []),
      [graph.scalars.bc2Sqrt]: new ort.Tensor('float32', Float32Array.of(1), []),
    };
    for (const w of graph.weights) feeds[w.input] = new ort.Tensor('float32', resolveWeights(doc, prims.get(w.prim)!)[w.spec.name].slice(), w.spec.shape);
    for (const s of graph.state) feeds[s.input] = new ort.Tensor('float32', Float32Array.from({ length: numel(s.shape) }, random), s.shape);
    const run = async (bytes: Uint8Array) => {
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, graphOptimizationLevel: 'extended' });
      try {
        return await session.run(feeds);
      } finally {
        await session.release();
      }
    };
    const standard = await run(graph.builder.encode({}));
    const rewritten = await run(encodeForSession(graph.builder, block));
    for (const name of Object.keys(standard)) {
      const want = standard[name].data as Float32Array;
      const got = rewritten[name].data as Float32Array;
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < want.length; i++) {
        diff += (got[i] - want[i]) ** 2;
        norm += want[i] ** 2;
      }
      // Summation order differs between the kernels: float32 rounding, nothing more.
      expect(Math.sqrt(diff / Math.max(norm, 1e-30)), name).toBeLessThan(1e-5);
    }
  }, 120_000);
});
