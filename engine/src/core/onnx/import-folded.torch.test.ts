/**
 * torchvision ResNet-18 and ResNet-50 as users have them: exported by torch.onnx.export with every
 * option at its default (Debian's python3-torch: opset 14, eval mode, batch norm folded into the
 * convolutions, which then have biases), with random seeded weights and randomised batch-norm
 * statistics. They import as 8 / 16 residual units (not 60 / 120 primitive cards) whose convolutions
 * carry the folded biases, give PyTorch's logits, export back to PyTorch (model.py + state dict) and
 * give them again, and go through our ONNX export and back to the same document, weights bit for bit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { exportPyTorch } from '../export/pytorch';
import { decodeTensorData } from '../weights/resolve';
import { OrtBackend } from '../../runtime/ort/ort-backend';
import { findPython } from '../../runtime/python';
import { readFloat32File, relativeToLargest } from '../../runtime/testing/compare';
import { exportOnnx } from './export';
import { importOnnx } from './import';

const python = findPython(['torch', 'torchvision', 'onnx']);
const SCRIPT = resolve(__dirname, '../../../test-python/export_torchvision_mobile.py');
const HARNESS = resolve(__dirname, '../../../test-python/run_pytorch_models.py');
const MODELS = { resnet18: 8, resnet50: 16 } as const;
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-folded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!python)('torchvision ResNets exported with batch norm folded import as residual units (skipped: needs python3 with torch, torchvision, onnx)', () => {
  const docs: Record<string, ModelDocument> = {};

  beforeAll(() => {
    const r = spawnSync(python!, [SCRIPT, dir, Object.keys(MODELS).join(',')], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const model of Object.keys(MODELS)) docs[model] = importOnnx(readFileSync(join(dir, `${model}.onnx`)), { name: model });
  }, 600_000);

  it.each(Object.entries(MODELS))('%s: %i residual units whose convolutions carry the folded biases, and PyTorch’s logits', async (model, units) => {
    const doc = docs[model];
    const analysis = analyze(doc);
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const found = doc.nodes.filter((n) => n.type === 'ResidualUnit');
    expect(found).toHaveLength(units);
    expect(found.every((u) => u.params.batchNorm === false)).toBe(true);
    expect(doc.nodes.length).toBe(units + 6); // input, stem conv, ReLU, max pool … global pool, FC
    expect(analysis.primitives.nodes.filter((p) => p.type === 'BatchNorm')).toHaveLength(0);
    const convs = analysis.primitives.nodes.filter((p) => p.type === 'Conv2D' && found.some((u) => u.id === p.owner));
    expect(convs.every((p) => p.params.bias === true)).toBe(true);
    expect(Object.keys(found[0].weights ?? {}).sort()).toEqual(model === 'resnet18' ? ['conv1.bias', 'conv1.kernel', 'conv2.bias', 'conv2.kernel'] : ['conv1.bias', 'conv1.kernel', 'conv2.bias', 'conv2.kernel', 'conv3.bias', 'conv3.kernel', 'proj.bias', 'proj.kernel']);
    const backend = new OrtBackend();
    const run = await backend.run(doc, analysis, { [doc.nodes[0].id]: readFloat32File(join(dir, `${model}.input.bin`)) }, { previews: false, tensors: 'outputs' });
    await backend.dispose();
    expect(relativeToLargest(Object.values(run.tensors)[0].data, readFloat32File(join(dir, `${model}.logits.bin`)))).toBeLessThanOrEqual(1e-4);
  }, 300_000);

  it('exported back to PyTorch (units with batch_norm=False) they give torchvision’s logits again', () => {
    const jobs = Object.keys(MODELS).map((model) => {
      const exp = exportPyTorch(docs[model], analyze(docs[model]));
      expect(exp.code).toContain('batch_norm=False');
      writeFileSync(join(dir, `${model}.py`), exp.code);
      writeFileSync(join(dir, `${model}.pt`), exp.weights!);
      return { code: join(dir, `${model}.py`), class: exp.className, weights: join(dir, `${model}.pt`), inputs: [join(dir, `${model}.input.bin`)], shapes: [[3, 224, 224]], output: join(dir, `${model}.torch-out.bin`), model };
    });
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    const r = spawnSync(python!, [HARNESS, join(dir, 'jobs.json')], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    r.stdout.trim().split('\n').forEach((line, k) => {
      expect(JSON.parse(line).error, jobs[k].model).toBeUndefined();
      expect(relativeToLargest(readFloat32File(jobs[k].output), readFloat32File(join(dir, `${jobs[k].model}.logits.bin`))), jobs[k].model).toBeLessThanOrEqual(1e-4);
    });
  }, 300_000);

  it.each(Object.keys(MODELS))('%s round-trips through our ONNX export: the same nodes and params, every weight bit for bit', (model) => {
    const doc = docs[model];
    const again = importOnnx(exportOnnx(doc, analyze(doc)), { name: model });
    // The Input's preprocessing is the document's, not the ONNX file's.
    const layers = (d: ModelDocument) => d.nodes.filter((n) => n.type !== 'Input').map((n) => [n.id, n.type, n.params]);
    expect(layers(again)).toEqual(layers(doc));
    expect(again.edges.map((e) => [e.source, e.target])).toEqual(doc.edges.map((e) => [e.source, e.target]));
    const differing: string[] = [];
    let tensors = 0;
    doc.nodes.forEach((n, i) => {
      for (const [key, t] of Object.entries(n.weights ?? {})) {
        const want = decodeTensorData(t)!;
        const stored = again.nodes[i].weights?.[key];
        const got = stored && decodeTensorData(stored);
        tensors++;
        if (got?.length !== want.length || got.some((v, j) => !Object.is(v, want[j]))) differing.push(`${n.id} ${key}`);
      }
    });
    expect(tensors).toBe(model === 'resnet18' ? 42 : 108);
    expect(differing).toEqual([]);
  }, 120_000);
});
