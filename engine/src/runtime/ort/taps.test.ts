import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../core/graph/analyze';
import { compileOnnx, graphOutputs } from '../../core/onnx/export';
import { calibratedBatchNorms } from '../../core/weights/calibration';
import { chainDoc } from '../testing/docs';
import { addTaps } from './taps';

/**
 * The taps' speed rests on onnxruntime running each node's taps right after the node (taps.ts):
 * this reads the order from onnxruntime's own profile, so a change in its scheduling shows here.
 */
describe('in-graph taps', () => {
  it('run right after the node they read, before the network goes on', async () => {
    const doc = chainDoc({ channels: 3, height: 32, width: 32 }, [
      { id: 'c1', type: 'Conv2D', params: { filters: 16, kernel: 3, padding: 'same' } },
      { id: 'r1', type: 'Activation', params: { fn: 'relu' } },
      { id: 'p1', type: 'Pool2D', params: { mode: 'max', kernel: 2, stride: 2 } },
      { id: 'c2', type: 'Conv2D', params: { filters: 32, kernel: 3, padding: 'same' } },
      { id: 'r2', type: 'Activation', params: { fn: 'relu' } },
    ]);
    const analysis = analyze(doc);
    const compiled = compileOnnx(doc, analysis, { batch: 1, outputs: graphOutputs(doc, analysis), name: 'order' });
    const layout = addTaps(compiled.builder, compiled.values, doc.nodes.map((n) => n.id), { hostMaxValues: 0 });
    // The input is the feed: summarised on the JS side, like tiny maps.
    expect(layout.host?.map((h) => h.id)).toEqual(['input']);
    // A ReLU of a tapped map takes its channel ranges from its input's: no reductions of its own.
    const reductionsOf = (id: string) => compiled.builder.nodes.filter((n) => n.output?.[0]?.startsWith(`__taps/${id}/`) && /^Reduce(Min|Max)$/.test(n.opType ?? '')).length;
    expect([reductionsOf('c1'), reductionsOf('r1'), reductionsOf('p1'), reductionsOf('r2')]).toEqual([2, 0, 2, 0]);
    const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-taps-'));
    try {
      // Basic optimisation: no layout changes, so every network node keeps its own name.
      const session = await ort.InferenceSession.create(compiled.builder.encode({}), { graphOptimizationLevel: 'basic', enableProfiling: true, profileFilePrefix: join(dir, 'p') });
      await session.run({ [compiled.values.input.name]: new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.5), [1, 3, 32, 32]) });
      session.endProfiling();
      await session.release();
      const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
      const events = (Array.isArray(profile) ? profile : profile.traceEvents) as { cat: string; name: string; ts: number }[];
      const order = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time')).sort((a, b) => a.ts - b.ts).map((e) => e.name.replace(/_kernel_time$/, ''));
      const network = (id: string) => order.findIndex((n) => !n.startsWith('__taps/') && n.startsWith(id));
      // (bytes_flat and channel_mean_flat, reshapes that read nothing, wait for the previews and means outputs at the end; a
      // ReLU's channel ranges, and its preview's scale, come from its input's ranges and may run
      // before the ReLU does.)
      const derived = (n: string) => /^__taps\/r\d\/(ch_min|ch_max|span|step|constant|safe_step|scale)$/.test(n);
      const taps = (id: string) => order.flatMap((n, i) => (n.startsWith(`__taps/${id}/`) && !/\/(bytes_flat|channel_mean_flat)$/.test(n) && !derived(n) ? [i] : []));
      const ids = ['c1', 'r1', 'p1', 'c2', 'r2'];
      ids.forEach((id, k) => {
        expect(taps(id).length).toBeGreaterThan(5);
        if (k > 0) expect(Math.min(...taps(id))).toBeGreaterThan(network(id));
        if (k + 1 < ids.length) expect(Math.max(...taps(id))).toBeLessThan(network(ids[k + 1]));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('give a batch norm that only scales a tapped map no operators: it is derived from its input', () => {
    const doc = chainDoc({ channels: 3, height: 32, width: 32 }, [
      { id: 'c1', type: 'Conv2D', params: { filters: 16, kernel: 3, padding: 'same' } },
      { id: 'bn', type: 'BatchNorm' }, // no weights given: γ = 1, β = 0, mean 0, var 1 (not calibrated here)
      { id: 'bn2', type: 'BatchNorm' },
      { id: 'r1', type: 'Activation', params: { fn: 'relu' } },
      { id: 'shifted', type: 'BatchNorm', weights: { bias: Array.from({ length: 16 }, (_, c) => (c === 3 ? 0.5 : 0)) } },
      { id: 'per_channel', type: 'BatchNorm', weights: { scale: Array.from({ length: 16 }, (_, c) => 1 + c / 16) } },
      { id: 'small', type: 'BatchNorm', weights: { scale: new Array(16).fill(0.25) } },
    ]);
    const analysis = analyze(doc);
    const compiled = compileOnnx(doc, analysis, { batch: 1, outputs: graphOutputs(doc, analysis), name: 'derived' });
    const layout = addTaps(compiled.builder, compiled.values, doc.nodes.map((n) => n.id), { hostMaxValues: 0 });
    const a = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(1 + Math.fround(1e-5)))));
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    expect(byId.get('bn')!.derived).toEqual({ from: 'c1', scale: a });
    expect(byId.get('bn2')!.derived).toEqual({ from: 'c1', scale: Math.fround(a * a) });
    expect(byId.get('bn2')!.preview).toEqual(byId.get('c1')!.preview);
    // A shift, per-channel factors, or a factor ≤ 1/2 (a tiny x could round to a zero y): taps of its own.
    for (const id of ['r1', 'shifted', 'per_channel', 'small']) expect(byId.get(id)!.derived).toBeUndefined();
    const tapOps = (id: string) => compiled.builder.nodes.filter((n) => n.output?.[0]?.startsWith(`__taps/${id}/`)).map((n) => n.opType);
    expect(tapOps('bn')).toEqual([]);
    // The ReLU after them takes its ranges from c1's, scaled: Mul, then Max with 0, no reductions.
    expect(tapOps('bn2')).toEqual(['Mul', 'Mul']);
    expect(tapOps('r1').filter((op) => /^Reduce(Min|Max)$/.test(op!))).toEqual([]);
    expect(tapOps('shifted').length).toBeGreaterThan(10);
  });

  it('give a batch norm calibrated on the input (live inference, no statistics given) taps of its own', () => {
    const doc = chainDoc({ channels: 3, height: 32, width: 32 }, [
      { id: 'c1', type: 'Conv2D', params: { filters: 16, kernel: 3, padding: 'same' } },
      { id: 'bn', type: 'BatchNorm' },
      { id: 'r1', type: 'Activation', params: { fn: 'relu' } },
    ]);
    const analysis = analyze(doc);
    const compiled = compileOnnx(doc, analysis, { batch: 1, outputs: graphOutputs(doc, analysis), name: 'calibrated', calibrateBatchNorm: calibratedBatchNorms(doc, analysis.primitives) });
    const layout = addTaps(compiled.builder, compiled.values, doc.nodes.map((n) => n.id), { hostMaxValues: 0 });
    expect(compiled.builder.nodes.find((n) => n.output?.[0] === 'bn')?.opType).toBe('InstanceNormalization');
    expect(layout.nodes.find((n) => n.id === 'bn')!.derived).toBeUndefined();
    const tapOps = (id: string) => compiled.builder.nodes.filter((n) => n.output?.[0]?.startsWith(`__taps/${id}/`)).map((n) => n.opType);
    expect(tapOps('bn').filter((op) => /^Reduce(Min|Max)$/.test(op!))).toHaveLength(2);
    // The ReLU after it still takes its ranges from bn's own.
    expect(tapOps('r1').filter((op) => /^Reduce(Min|Max)$/.test(op!))).toEqual([]);
  });
});
