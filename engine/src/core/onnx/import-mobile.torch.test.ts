/**
 * Proof of ONNX import for torchvision's mobile classifiers — MobileNetV2 (ReLU6, depthwise
 * convolutions), MobileNetV3-Small (hard swish, squeeze-and-excitation with a hard-sigmoid gate),
 * MnasNet-0.5 (global pooling written as ReduceMean), ShuffleNetV2-x1.0 (channel split and
 * shuffle), EfficientNet-B0 (SiLU written as x·Sigmoid(x), squeeze-and-excitation) and
 * RegNetY-400MF (grouped convolutions, squeeze-and-excitation) — exported by torch.onnx.export with every option at its default (Debian's python3-torch:
 * opset 14, batch norm folded into the convolutions), with random seeded weights and randomised
 * batch-norm statistics. Each imports — its inverted residual and squeeze-excite blocks recognised as
 * such, their convolutions carrying the folded batch norms — and gives PyTorch's logits within 1e-4 of the largest in both
 * backends (reference and onnxruntime) and again through our PyTorch export (model.py + state dict,
 * run in PyTorch). A model that does not import fails naming every operation left.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { exportPyTorch } from '../export/pytorch';
import { findPython } from '../../runtime/python';
import { readFloat32File, relativeToLargest } from '../../runtime/testing/compare';
import { logitErrorsAgainstPyTorch } from '../../runtime/testing/pytorch-logits';
import { importOnnx, OnnxImportError } from './import';
import { ops } from '../ops';

const python = findPython(['torch', 'torchvision', 'onnx']);
const SCRIPT = resolve(__dirname, '../../../test-python/export_torchvision_mobile.py');
const HARNESS = resolve(__dirname, '../../../test-python/run_pytorch_models.py');
const MODELS = ['mobilenet_v2', 'mobilenet_v3_small', 'mnasnet0_5', 'shufflenet_v2_x1_0', 'efficientnet_b0', 'regnet_y_400mf'] as const;
const TOLERANCE = 1e-4;
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-mobile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exported: Record<string, { params: number; opset: number }> = {};
/** "model on backend" → max |Δ| / max |logit|, printed at the end. */
const measured: string[] = [];
afterAll(() => console.log(`logits vs PyTorch, max |Δ| / max |logit|:\n  ${measured.join('\n  ')}`));

/** The imported document, or a failure naming every operation that kept it out. */
function importModel(model: string): ModelDocument {
  try {
    return importOnnx(readFileSync(join(dir, `${model}.onnx`)), { name: model });
  } catch (e) {
    if (e instanceof OnnxImportError && e.problems) {
      const left = e.problems.map((p) => `${p.opType} ("${p.onnxNode}"): ${p.reason}`);
      expect.fail(`${model} (opset ${exported[model].opset}) does not import; ${e.problems.length} operations remain:\n${left.join('\n')}`);
    }
    throw e;
  }
}

/** Primitives of `type` (an activation: of function `fn`), inside recognised blocks too. */
const count = (doc: ModelDocument, type: string, fn?: string) => analyze(doc).primitives.nodes.filter((p) => p.type === type && (fn === undefined || p.params.fn === fn)).length;
/** Document nodes (cards) of `type`. */
const cards = (doc: ModelDocument, type: string) => doc.nodes.filter((n) => n.type === type).length;

describe.skipIf(!python)('ONNX import of torchvision’s mobile classifiers, default export (skipped: needs python3 with torch, torchvision, onnx)', () => {
  const docs: Record<string, ModelDocument> = {};

  beforeAll(() => {
    const r = spawnSync(python!, [SCRIPT, dir, MODELS.join(',')], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const line of r.stdout.trim().split('\n')) {
      const { name, params, opset } = JSON.parse(line);
      exported[name] = { params, opset };
    }
  }, 600_000);

  it.each(MODELS)('%s imports and gives PyTorch’s logits in both backends', async (model) => {
    const doc = importModel(model);
    docs[model] = doc;
    const analysis = analyze(doc);
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const { backend, error } of await logitErrorsAgainstPyTorch(doc, analysis, dir, model)) {
      measured.push(`${model} on ${backend}: ${error.toExponential(2)}`);
      expect(error, `${model} on ${backend}`).toBeLessThanOrEqual(TOLERANCE);
    }
  }, 300_000);

  it('recognises what each is made of', () => {
    const { mobilenet_v2: v2, mobilenet_v3_small: v3, mnasnet0_5: mnas, shufflenet_v2_x1_0: shuffle, efficientnet_b0: effnet, regnet_y_400mf: regnet } = docs;
    expect(MODELS.every((m) => docs[m]), 'every model imported').toBe(true);
    expect(count(v2, 'Activation', 'relu6')).toBe(35);
    // 17 depthwise 3×3 convolutions, labelled so on their cards (inside the opened blocks) and in the Summary.
    const a = analyze(v2);
    expect(a.primitives.nodes.filter((p) => p.type === 'Conv2D' && ops.get('Conv2D')!.summary(p.params, p.inputShapes).startsWith('depthwise conv 3×3'))).toHaveLength(17);
    // The blocks as blocks: MobileNetV2's 17, MobileNetV3-Small's 11, EfficientNet-B0's 16 MBConv and
    // MnasNet-0.5's 16 plus its depthwise-separable stem are inverted residuals; RegNetY's 16 gates are squeeze-excite.
    expect([v2, v3, effnet, mnas].map((d) => cards(d, 'InvertedResidual'))).toEqual([17, 11, 16, 17]);
    expect(cards(regnet, 'SqueezeExcite')).toBe(16);
    expect(cards(v2, 'Conv2D') + cards(v2, 'Activation')).toBe(4); // the stem and the last 1×1 conv, each with its ReLU6
    expect(v2.nodes.find((n) => n.id === 'features.3')?.params).toEqual({ filters: 24, kernel: 3, stride: 1, activation: 'relu6', batchNorm: false, expandRatio: 6 });
    expect(effnet.nodes.filter((n) => n.type === 'InvertedResidual').every((n) => n.params.activation === 'silu' && n.params.seRatio === 0.25)).toBe(true);
    expect([count(v3, 'Activation', 'hardswish'), count(v3, 'Activation', 'hardsigmoid'), count(v3, 'ChannelScale')]).toEqual([19, 9, 9]);
    expect([count(mnas, 'GlobalPool'), count(mnas, 'Flatten')]).toEqual([1, 0]); // ReduceMean(keepdims 0) read by Gemm
    expect([count(shuffle, 'ChannelShuffle'), count(shuffle, 'ChannelSlice')]).toEqual([16, 26]);
    // EfficientNet-B0: 16 MBConv blocks, each with squeeze-and-excitation; SiLU after the stem, every expansion (15), depthwise (16) and excitation (16), and the head.
    expect([count(effnet, 'ChannelScale'), count(effnet, 'Activation', 'silu')]).toEqual([16, 49]);
    // RegNetY-400MF: 16 blocks (depths 1, 3, 6, 6), each with squeeze-and-excitation.
    expect(count(regnet, 'ChannelScale')).toBe(16);
  });

  it('exported back to PyTorch (model.py + state dict) gives torchvision’s logits again', () => {
    const jobs = MODELS.filter((m) => docs[m]).map((model) => {
      const exp = exportPyTorch(docs[model], analyze(docs[model]));
      writeFileSync(join(dir, `${model}.py`), exp.code);
      writeFileSync(join(dir, `${model}.pt`), exp.weights!);
      return { code: join(dir, `${model}.py`), class: exp.className, weights: join(dir, `${model}.pt`), inputs: [join(dir, `${model}.input.bin`)], shapes: [[3, 224, 224]], output: join(dir, `${model}.torch-out.bin`), model };
    });
    expect(jobs.map((j) => j.model)).toEqual([...MODELS]);
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    const r = spawnSync(python!, [HARNESS, join(dir, 'jobs.json')], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    r.stdout.trim().split('\n').forEach((line, k) => {
      const got = JSON.parse(line);
      expect(got.error, jobs[k].model).toBeUndefined();
      const error = relativeToLargest(readFloat32File(jobs[k].output), readFloat32File(join(dir, `${jobs[k].model}.logits.bin`)));
      measured.push(`${jobs[k].model} through the PyTorch export: ${error.toExponential(2)}`);
      expect(error, jobs[k].model).toBeLessThanOrEqual(TOLERANCE);
    });
  }, 300_000);
});
