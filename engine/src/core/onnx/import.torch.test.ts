/**
 * Proof of ONNX import against PyTorch: torchvision's ResNet-18 and GoogLeNet (random seeded weights,
 * randomised batch-norm statistics, aux_logits=False, transform_input=False) exported by
 * torch.onnx.export (Debian's python3-torch / python3-torchvision), imported, and run in our
 * reference backend: logits within 1e-4 (max abs) of PyTorch's, parameter counts equal to
 * torchvision's. Both export forms: batch norm kept, and batch norm folded into the convolutions
 * (torch's default in eval mode).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { ReferenceBackend } from '../../runtime/reference/backend';
import { OrtBackend } from '../../runtime/ort/ort-backend';
import { findPython } from '../../runtime/python';
import { readFloat32File } from '../../runtime/testing/compare';
import { exportPyTorch } from '../export/pytorch';
import { importOnnx, importOnnxWithSidecar } from './import';

const python = findPython(['torch', 'torchvision', 'onnx']);
const SCRIPT = resolve(__dirname, '../../../test-python/export_torchvision.py');
const HARNESS = resolve(__dirname, '../../../test-python/run_pytorch_models.py');
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-torchvision-'));
const reference: Record<string, { params: number }> = {};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function importAndRun(file: string, model: string, backend: 'reference' | 'onnxruntime' = 'reference') {
  const doc = importOnnx(readFileSync(join(dir, file)), { name: model });
  const analysis = analyze(doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const inputId = doc.nodes.find((n) => n.type === 'Input')!.id;
  const engine = backend === 'reference' ? new ReferenceBackend() : new OrtBackend();
  const run = await engine.run(doc, analysis, { [inputId]: readFloat32File(join(dir, `${model}.input.bin`)) }, { previews: false, tensors: 'outputs' });
  await engine.dispose();
  const logits = Object.values(run.tensors)[0].data;
  const want = readFloat32File(join(dir, `${model}.logits.bin`));
  expect(logits.length).toBe(want.length);
  let maxAbs = 0;
  for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(logits[i] - want[i]));
  return { doc, analysis, maxAbs };
}

describe.skipIf(!python)('ONNX import of torchvision models (skipped: needs python3 with torch, torchvision, onnx — apt python3-torch python3-torchvision python3-onnx)', () => {
  beforeAll(() => {
    const r = spawnSync(python!, [SCRIPT, dir], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const line of r.stdout.trim().split('\n')) {
      const { name, params } = JSON.parse(line);
      reference[name] = { params };
    }
  }, 600_000);

  it('ResNet-18: logits within 1e-4 of PyTorch, torchvision’s parameter count, 8 residual units recognised', async () => {
    const { doc, analysis, maxAbs } = await importAndRun('resnet18.onnx', 'resnet18');
    expect(maxAbs).toBeLessThanOrEqual(1e-4);
    expect(analysis.totals.params).toBe(reference.resnet18.params);
    expect(reference.resnet18.params).toBe(11_689_512);
    const units = doc.nodes.filter((n) => n.type === 'ResidualUnit');
    expect(units).toHaveLength(8);
    expect(units.filter((u) => u.params.projection === 'auto')).toHaveLength(8);
    // A 3-channel, 1000-class model: ImageNet normalisation is assumed on the Input node.
    expect(doc.nodes[0].params.preprocess).toMatchObject({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  }, 300_000);

  it('ResNeXt 32×4d (one unit per stage): logits within 1e-4 of PyTorch, its parameter count, 4 grouped residual units recognised', async () => {
    const { doc, analysis, maxAbs } = await importAndRun('resnext_mini.onnx', 'resnext_mini');
    expect(maxAbs).toBeLessThanOrEqual(1e-4);
    expect(analysis.totals.params).toBe(reference.resnext_mini.params);
    const units = doc.nodes.filter((n) => n.type === 'ResidualUnit');
    expect(units.map((u) => [u.params.filters, u.params.groups, u.params.widthPerGroup])).toEqual([
      [64, 32, 4],
      [128, 32, 4],
      [256, 32, 4],
      [512, 32, 4],
    ]);
  }, 300_000);

  it('GoogLeNet: logits within 1e-4 of PyTorch, torchvision’s parameter count (its inception blocks use BN and a 3×3 "5×5" branch, so they stay primitive)', async () => {
    const { doc, analysis, maxAbs } = await importAndRun('googlenet.onnx', 'googlenet');
    expect(maxAbs).toBeLessThanOrEqual(1e-4);
    expect(analysis.totals.params).toBe(reference.googlenet.params);
    expect(reference.googlenet.params).toBe(6_624_904);
    expect(doc.nodes.filter((n) => n.type === 'Concat')).toHaveLength(9);
  }, 300_000);

  it.each(['resnet18', 'googlenet'])('%s exported with batch norm folded into the convolutions: logits within 1e-4 of PyTorch', async (model) => {
    const { maxAbs } = await importAndRun(`${model}.folded.onnx`, model);
    expect(maxAbs).toBeLessThanOrEqual(1e-4);
  }, 300_000);

  it.each(['resnet18', 'googlenet'])('%s imported runs in the app’s onnxruntime backend too, within 1e-4 of PyTorch', async (model) => {
    const { maxAbs } = await importAndRun(`${model}.onnx`, model, 'onnxruntime');
    expect(maxAbs).toBeLessThanOrEqual(1e-4);
  }, 300_000);

  it('full circle: torchvision → ONNX → CNN Studio (weights in a sidecar) → PyTorch code + state dict gives torchvision’s logits', () => {
    const jobs = ['resnet18', 'googlenet'].map((model) => {
      const { document, sidecar } = importOnnxWithSidecar(readFileSync(join(dir, `${model}.onnx`)), { name: model, weightsFile: `${model}.weights.bin`, sidecarMinValues: 4096 });
      const exp = exportPyTorch(document, analyze(document), { sidecar });
      writeFileSync(join(dir, `${model}.py`), exp.code);
      writeFileSync(join(dir, `${model}.pt`), exp.weights!);
      return { code: join(dir, `${model}.py`), class: exp.className, weights: join(dir, `${model}.pt`), inputs: [join(dir, `${model}.input.bin`)], shapes: [[3, 224, 224]], output: join(dir, `${model}.torch-out.bin`), model };
    });
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    const r = spawnSync(python!, [HARNESS, join(dir, 'jobs.json')], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    r.stdout.trim().split('\n').forEach((line, k) => {
      const got = JSON.parse(line);
      expect(got.error).toBeUndefined();
      expect(got.params).toBe(reference[jobs[k].model].params);
      const out = readFloat32File(jobs[k].output);
      const want = readFloat32File(join(dir, `${jobs[k].model}.logits.bin`));
      let maxAbs = 0;
      for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(out[i] - want[i]));
      expect(maxAbs, jobs[k].model).toBeLessThanOrEqual(1e-5);
    });
  }, 300_000);
});
