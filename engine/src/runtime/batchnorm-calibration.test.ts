/**
 * Batch norms without trained statistics run on the statistics of the image being run
 * (core/weights/calibration.ts): an untrained deep network stays readable; a document that gives
 * the statistics, and every export, are untouched.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../core/document/schema';
import { analyze } from '../core/graph/analyze';
import { exportPyTorch } from '../core/export/pytorch';
import { compileOnnx, exportOnnx } from '../core/onnx/export';
import { importOnnxWithSidecar } from '../core/onnx/import';
import { decodeModel } from '../core/onnx/proto';
import { getPreset } from '../core/presets';
import { calibratedBatchNorms } from '../core/weights/calibration';
import type { BackendRunOptions } from './backend';
import { executeRun } from './execute';
import { OrtBackend } from './ort/ort-backend';
import { findPython } from './python';
import { ReferenceBackend } from './reference/backend';
import { compareRuns } from './testing/compare';
import { chainDoc } from './testing/docs';

const ort = new OrtBackend({ maxSessions: 2, upgradeDelayMs: 600_000 }); // no background re-optimisation during the test
const ref = new ReferenceBackend();
afterAll(() => ort.dispose());

const image = (n: number, salt = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + salt) * Math.cos(i * 0.011));
const maxAbs = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function withInputSize(doc: ModelDocument, size: number): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.type === 'Input' ? { ...n, params: { ...n.params, height: size, width: size } } : n)) };
}

function withoutFinalSoftmax(doc: ModelDocument): ModelDocument {
  const drop = new Set(doc.nodes.filter((n) => n.type === 'Softmax').map((n) => n.id));
  return { ...doc, nodes: doc.nodes.filter((n) => !drop.has(n.id)), edges: doc.edges.filter((e) => !drop.has(e.target)) };
}

describe('an untrained network stays readable', () => {
  it('ResNet-152 (preset, 224×224): logits of a few units, no saturated map or softmax — where the running statistics reach ~6e9', async () => {
    const doc = getPreset('resnet152');
    const analysis = analyze(doc);
    const inputs = { input: image(3 * 224 * 224) };
    const options: BackendRunOptions = { previews: true, tensors: ['fc', 'softmax'] };
    const r = await ort.run(doc, analysis, inputs, options);
    expect(maxAbs(r.tensors.fc.data)).toBeLessThan(1e3);
    // The stem's batch norm and every one of the 50 residual units.
    expect(r.calibrated).toHaveLength(51);
    expect(r.calibrated![0]).toBe('bn1');
    // bn1 normalises each channel of this image: mean 0, std 1 (to ε).
    expect(Math.abs(r.nodes.bn1.stats.mean)).toBeLessThan(1e-4);
    expect(r.nodes.bn1.stats.std).toBeCloseTo(1, 3);
    for (const [id, node] of Object.entries(r.nodes)) {
      const { min, max, std, zeros } = node.stats;
      expect(Math.max(Math.abs(min), Math.abs(max)), id).toBeLessThan(1e3);
      expect(std, id).toBeGreaterThan(0);
      if (id !== 'softmax') expect(zeros, id).toBeLessThan(0.9);
    }
    // A softmax that is not one-hot, and no class underflows to 0.
    expect(r.nodes.softmax.stats.max).toBeLessThan(0.5);
    expect(r.nodes.softmax.stats.zeros).toBe(0);

    // The same network on its running statistics (mean 0, var 1: batch norm is the identity).
    const running = await ort.run(doc, analysis, inputs, { ...options, calibrateBatchNorm: false });
    expect(running.calibrated).toBeUndefined();
    expect(maxAbs(running.tensors.fc.data)).toBeGreaterThan(1e6);
    expect(running.nodes.softmax.stats.zeros).toBeGreaterThan(0.99);
  }, 180_000);

  it('the engine says so: RunResult.calibratedBatchNorm names the document nodes', async () => {
    const doc = chainDoc({ channels: 2, height: 4, width: 4 }, [
      { id: 'conv', type: 'Conv2D', params: { filters: 3, kernel: 3, padding: 'same' } },
      { id: 'bn', type: 'BatchNorm' },
      { id: 'trained', type: 'BatchNorm', weights: { mean: [0.1, 0.2, 0.3], var: [1, 2, 3] } },
    ]);
    const req = { document: doc, inputs: { kind: 'tensor' as const, shape: [2, 4, 4], data: image(32) }, previews: false, tensors: 'outputs' as const };
    for (const backend of [ort, ref]) expect((await executeRun(req, backend)).calibratedBatchNorm).toEqual(['bn']);
    const none = chainDoc({ channels: 2, height: 4, width: 4 }, [{ id: 'relu', type: 'Activation' }]);
    expect('calibratedBatchNorm' in (await executeRun({ ...req, document: none }, ort))).toBe(false);
  });
});

describe('trained or imported statistics are used as they are', () => {
  it('ResNet-18 imported from ONNX with its statistics in a sidecar: outputs identical to the running-statistics run, on both backends', async () => {
    const preset = withInputSize({ ...getPreset('resnet18'), seed: 3 }, 32);
    const { document: doc, sidecar } = importOnnxWithSidecar(exportOnnx(preset, analyze(preset)), { name: 'resnet18', weightsFile: 'resnet18.bin', sidecarMinValues: 256 });
    expect(sidecar).toBeDefined();
    const analysis = analyze(doc);
    expect(calibratedBatchNorms(doc, analysis.primitives).size).toBe(0);
    const inputs = { [analysis.primitives.nodes.find((p) => p.type === 'Input')!.id]: image(3 * 32 * 32, 1) };
    for (const backend of [ort, ref]) {
      const options: BackendRunOptions = { previews: true, tensors: 'all', sidecar, sidecarKey: 'resnet18' };
      const live = await backend.run(doc, analysis, inputs, options);
      const running = await backend.run(doc, analysis, inputs, { ...options, calibrateBatchNorm: false });
      expect(live.calibrated).toBeUndefined();
      expect(Object.keys(live.tensors).length).toBe(doc.nodes.length);
      for (const [id, t] of Object.entries(live.tensors)) expect(t.data, `${backend.name} ${id}`).toEqual(running.tensors[id].data);
    }
  }, 60_000);

  it('a batch norm given statistics keeps them beside one calibrated on this image; both backends agree', async () => {
    const doc = chainDoc({ channels: 3, height: 9, width: 7 }, [
      { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 3 } },
      { id: 'calibrated', type: 'BatchNorm', params: { epsilon: 1e-3 }, weights: { scale: [1, 2, 0.5, -1], bias: [0, 1, -1, 0.5] } },
      { id: 'trained', type: 'BatchNorm', weights: { mean: [1, -1, 0.5, 0], var: [4, 0.25, 1, 9] } },
    ]);
    const analysis = analyze(doc);
    const inputs = { input: image(3 * 9 * 7, 2) };
    const options: BackendRunOptions = { previews: true, tensors: 'all' };
    const [a, b] = [await ref.run(doc, analysis, inputs, options), await ort.run(doc, analysis, inputs, options)];
    expect(compareRuns(a, b)).toEqual([]);
    expect(a.calibrated).toEqual(['calibrated']);
    expect(b.calibrated).toEqual(['calibrated']);
    // Per channel c: γ_c·(x − mean_c)/√(var_c + ε) + β_c over this image's 7×5 positions, in float64.
    const x = a.tensors.conv.data;
    const y = b.tensors.calibrated.data;
    const [scale, bias] = [[1, 2, 0.5, -1], [0, 1, -1, 0.5]];
    const n = 7 * 5;
    for (let c = 0; c < 4; c++) {
      const xs = Array.from(x.subarray(c * n, (c + 1) * n));
      const mean = xs.reduce((s, v) => s + v, 0) / n;
      const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
      xs.forEach((v, i) => expect(y[c * n + i]).toBeCloseTo((scale[c] * (v - mean)) / Math.sqrt(variance + 1e-3) + bias[c], 4));
    }
    // The trained one is the affine map of its running statistics, on either backend.
    const z = a.tensors.trained.data;
    const [m, v] = [[1, -1, 0.5, 0], [4, 0.25, 1, 9]];
    for (let c = 0; c < 4; c++) for (let i = 0; i < n; i++) expect(z[c * n + i]).toBeCloseTo((a.tensors.calibrated.data[c * n + i] - m[c]) / Math.sqrt(v[c] + 1e-5), 4);
  });
});

describe('exports keep the running statistics', () => {
  it('exportOnnx: every batch norm a BatchNormalization reading its own mean and var; calibration appears only in the engine’s graph', () => {
    const doc = getPreset('resnet50');
    const analysis = analyze(doc);
    const model = decodeModel(exportOnnx(doc, analysis));
    const ops = model.graph!.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === 'BatchNormalization')).toHaveLength(53);
    expect(ops).not.toContain('InstanceNormalization');
    const initializers = new Set(model.graph!.initializer!.map((t) => t.name));
    expect(initializers.has('bn1.mean') && initializers.has('conv2_1/proj_bn.var')).toBe(true);

    const live = compileOnnx(doc, analysis, { batch: 1, calibrateBatchNorm: calibratedBatchNorms(doc, analysis.primitives) });
    const liveOps = live.builder.nodes.map((n) => n.opType);
    expect(liveOps.filter((o) => o === 'InstanceNormalization')).toHaveLength(53);
    expect(liveOps).not.toContain('BatchNormalization');
    // No unused initializer (onnxruntime warns about each): the replaced running statistics are left out.
    const used = new Set(live.builder.nodes.flatMap((n) => n.input ?? []));
    expect(live.builder.initializers.map((t) => t.name).filter((name) => !used.has(name))).toEqual([]);
    expect(() => compileOnnx(doc, analysis, { batch: 'N', calibrateBatchNorm: new Set(['bn1']) })).toThrow(/batch 1/);
  });
});

// ── Against PyTorch ──────────────────────────────────────────────────────────────────────────

const python = findPython(['torch', 'numpy']);
/**
 * 96×96: stage 5 runs at 3×3. At 64×64 it is 2×2, and a batch norm over 4 values per channel
 * magnifies float32 rounding (ResNet-50's logits then differ from PyTorch's by 3.6e-4 of their
 * scale). At 96×96: 2.6e-6 / 2.9e-6 / 6.0e-5 of their scale — the reference backend, with float64
 * statistics, 1.9e-6 / 2.3e-6 / 5.3e-5: PyTorch's own float32 rounding, magnified the same way.
 */
const SIZE = 96;
const HARNESS = resolve(__dirname, '../../test-python/run_pytorch_models.py');

describe.skipIf(!python)('calibrated batch norms are PyTorch’s training mode for a batch of 1 (skipped without python3-torch)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-calibration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the exported ResNet-18, pre-activation ResNet-18 and ResNet-50 (96×96) in model.train(): the engine’s logits within 1e-4', async () => {
    const names = ['resnet18', 'preact-resnet18', 'resnet50'];
    const expected: Float32Array[] = [];
    const jobs: { code: string; class: string; weights: string; inputs: string[]; shapes: number[][]; output: string; train: boolean }[] = [];
    for (const [k, name] of names.entries()) {
      const doc = withoutFinalSoftmax(withInputSize(getPreset(name), SIZE));
      const analysis = analyze(doc);
      const exp = exportPyTorch(doc, analysis);
      const base = join(dir, `case${k}`);
      writeFileSync(`${base}.py`, exp.code);
      writeFileSync(`${base}.pt`, exp.weights!);
      const x = image(3 * SIZE * SIZE, k);
      writeFileSync(`${base}.input.bin`, x);
      const r = await ort.run(doc, analysis, { input: x }, { previews: false, tensors: 'outputs' });
      expect(r.calibrated?.length, name).toBeGreaterThan(0);
      expected.push(Object.values(r.tensors)[0].data);
      jobs.push({ code: `${base}.py`, class: exp.className, weights: `${base}.pt`, inputs: [`${base}.input.bin`], shapes: [[3, SIZE, SIZE]], output: `${base}.out.bin`, train: true });
    }
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    const run = spawnSync(python!, [HARNESS, join(dir, 'jobs.json')], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000 });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    names.forEach((name, k) => {
      expect(lines[k].error, name).toBeUndefined();
      const bytes = readFileSync(jobs[k].output);
      const torchOut = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const want = expected[k];
      let diff = 0;
      for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(want[i] - torchOut[i]));
      expect(diff, `${name}: max |Δ| ${diff} at scale ${maxAbs(want)}`).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(want)));
    });
  }, 300_000);
});
