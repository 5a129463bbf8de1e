/**
 * Proof against PyTorch of two import paths, with files torch.onnx.export writes in this test
 * (Debian's python3-torch, opset 14 by default):
 *  - padding: F.pad(x, (1, 2, 0, 1)), nn.ZeroPad2d((1, 2, 0, 1)) with nn.ConstantPad2d(1, 0.0), and
 *    F.pad to an even size read from x.shape — each exported as a chain of constants (ConstantOfShape,
 *    Concat, Reshape, Slice, Transpose, Cast; Mod) feeding Pad's pads — import with the chain folded
 *    into ZeroPad2D nodes;
 *  - symbolic height and width: a small CNN, torchvision's ResNet-18 and ShuffleNetV2 exported with
 *    dynamic_axes on batch, height and width import only with an input shape, and at that size (not
 *    the one traced) give PyTorch's logits.
 * Logits within 1e-4 of the largest, in the reference backend and onnxruntime.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { findPython } from '../../runtime/python';
import { logitErrorsAgainstPyTorch } from '../../runtime/testing/pytorch-logits';
import { importOnnx, OnnxImportError, type InputShape } from './import';

const python = findPython(['torch', 'torchvision', 'onnx']);
const SCRIPT = resolve(__dirname, '../../../test-python/export_padding_and_dynamic.py');
const TOLERANCE = 1e-4;
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-padding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Exported {
  opset: number;
  /** C×H×W of the reference input. */
  shape: [number, number, number];
  /** The file's input dimensions (names where symbolic). */
  dims: (number | string)[];
}
const exported: Record<string, Exported> = {};
const measured: string[] = [];
afterAll(() => console.log(`logits vs PyTorch, max |Δ| / max |logit|:\n  ${measured.join('\n  ')}`));

/** Runs the document on the model's reference input in both backends; each must give PyTorch's logits. */
async function expectPyTorchLogits(model: string, doc: ModelDocument): Promise<void> {
  const analysis = analyze(doc);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  for (const { backend, error } of await logitErrorsAgainstPyTorch(doc, analysis, dir, model)) {
    measured.push(`${model} on ${backend}: ${error.toExponential(2)}`);
    expect(error, `${model} on ${backend}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

const load = (model: string, inputShape?: InputShape) => importOnnx(readFileSync(join(dir, `${model}.onnx`)), { name: model, ...(inputShape ? { inputShape } : {}) });
const pads = (doc: ModelDocument) => doc.nodes.filter((n) => n.type === 'ZeroPad2D').map((n) => n.params.padding);

describe.skipIf(!python)('ONNX import of torch’s padding and of symbolic input sizes (skipped: needs python3 with torch, torchvision, onnx)', () => {
  beforeAll(() => {
    const r = spawnSync(python!, [SCRIPT, dir], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const line of r.stdout.trim().split('\n')) {
      const { name, ...rest } = JSON.parse(line);
      exported[name] = rest;
    }
  }, 600_000);

  it('F.pad(x, (1, 2, 0, 1)): its chain of constants folds into one ZeroPad2D (top 0, left 1, bottom 1, right 2)', async () => {
    expect(exported.f_pad.opset).toBeGreaterThanOrEqual(11); // pads as an input, not an attribute
    const doc = load('f_pad');
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'ZeroPad2D', 'Conv2D', 'Activation', 'Flatten', 'Dense']);
    expect(pads(doc)).toEqual([[0, 1, 1, 2]]);
    await expectPyTorchLogits('f_pad', doc);
  }, 120_000);

  it('nn.ZeroPad2d((1, 2, 0, 1)) and nn.ConstantPad2d(1, 0.0) import as ZeroPad2D nodes', async () => {
    const doc = load('zero_pad');
    expect(pads(doc)).toEqual([[0, 1, 1, 2], 1]);
    await expectPyTorchLogits('zero_pad', doc);
  }, 120_000);

  it('F.pad to an even size from x.shape (Mod of the traced sizes) imports as the padding it computes', async () => {
    const doc = load('pad_to_even');
    expect(pads(doc)).toEqual([[0, 0, 1, 1]]); // 7×9 → 8×10
    await expectPyTorchLogits('pad_to_even', doc);
  }, 120_000);

  it('a CNN exported with dynamic height and width asks for an input shape, then gives PyTorch’s logits at 3×40×48 (traced at 32×32)', async () => {
    expect(exported.dynamic_hw.dims).toEqual(['batch', 3, 'height', 'width']);
    let error: unknown;
    try {
      load('dynamic_hw');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    expect((error as OnnxImportError).code).toBe('needs-input-shape');
    expect((error as OnnxImportError).inputShape).toEqual({ input: 'input', dims: ['batch', 3, 'height', 'width'], suggested: [3, 224, 224] });
    const doc = load('dynamic_hw', exported.dynamic_hw.shape);
    expect(doc.nodes[0].params).toMatchObject({ channels: 3, height: 40, width: 48 });
    expect(pads(doc)).toEqual([[0, 1, 1, 2]]);
    await expectPyTorchLogits('dynamic_hw', doc);
  }, 120_000);

  it('torchvision ResNet-18 exported with dynamic height and width: 8 residual units, PyTorch’s logits at 3×64×80', async () => {
    expect(exported.resnet18_dynamic.dims).toEqual(['batch', 3, 'height', 'width']);
    const doc = load('resnet18_dynamic', exported.resnet18_dynamic.shape);
    expect(doc.nodes.filter((n) => n.type === 'ResidualUnit')).toHaveLength(8);
    await expectPyTorchLogits('resnet18_dynamic', doc);
  }, 120_000);

  it('torchvision ShuffleNetV2 exported with dynamic height and width: its 16 channel shuffles (targets computed from Shape) recognised, PyTorch’s logits at 3×64×96', async () => {
    const doc = load('shufflenet_dynamic', exported.shufflenet_dynamic.shape);
    expect(analyze(doc).primitives.nodes.filter((p) => p.type === 'ChannelShuffle')).toHaveLength(16);
    await expectPyTorchLogits('shufflenet_dynamic', doc);
  }, 120_000);
});
