/**
 * Proof that the exported training script trains, checked by PyTorch itself (Debian's python3-torch
 * and python3-torchvision): `cnn-studio export --format pytorch --weights --train-script` on LeNet-5
 * (final softmax, so training goes through `logits()`), then `torchrun --nproc_per_node=2` on the CPU
 * (gloo, DistributedDataParallel) from the exported weights; the state dict it writes loads strictly
 * into the exported class and differs from the one it started from. A 3-channel model with batch norm
 * and mean/std preprocessing trains under plain `python train.py`. The script's torchvision
 * preprocessing gives the engine's input tensor for the same PNG. And the way back: the trained
 * model through torch.onnx.export and `cnn-studio import` gives PyTorch's outputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { imageToTensor } from '../preprocess';
import { getPreset } from '../presets';
import { mulberry32 } from '../weights/seeded';
import type { InputParams } from '../ops/input';
import { decodePng } from '../../runtime/image-file';
import { findPython } from '../../runtime/python';
import { chainDoc } from '../../runtime/testing/docs';
import { runCliCaptured } from '../../cli/testing';

const python = findPython(['torch', 'torchvision', 'PIL', 'torch.distributed.run']);
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, OMP_NUM_THREADS: '1' };

/** `count` PNGs per class, `width`×`height`, each class its own colour plus noise. */
function imageFolder(root: string, classes: string[], count: number, width: number, height: number): string[] {
  const rand = mulberry32(7);
  const files: string[] = [];
  classes.forEach((name, c) => {
    mkdirSync(join(root, name), { recursive: true });
    for (let k = 0; k < count; k++) {
      const png = new PNG({ width, height });
      for (let i = 0; i < width * height; i++) {
        for (let ch = 0; ch < 3; ch++) png.data[4 * i + ch] = Math.min(255, Math.floor((ch === c ? 160 : 40) + rand() * 90));
        png.data[4 * i + 3] = 255;
      }
      const file = join(root, name, `${k}.png`);
      writeFileSync(file, PNG.sync.write(png));
      files.push(file);
    }
  });
  return files;
}

/** Python 3.11 with torch < 2.0 (Debian's 1.13): torchrun's default `--redirects 0` parses to None and crashes. */
function torchrunWorkaround(): string[] {
  const r = spawnSync(python!, ['-c', 'from torch.distributed.elastic.multiprocessing.api import Std; print(Std.from_str("0") is None)'], { encoding: 'utf8' });
  return r.stdout.trim() === 'True' ? ['--redirects', '1', '--tee', '1'] : [];
}

/** Load the model class from model.py, the trained state dict strictly; compare with the starting one. */
const CHECK_WEIGHTS = `
import importlib.util, json, sys, torch
model_py, cls, before, after = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("model", model_py)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
a = torch.load(before, weights_only=True)
b = torch.load(after, weights_only=True)
getattr(module, cls)().load_state_dict(b, strict=True)
print(json.dumps({"same_keys": sorted(a) == sorted(b), "keys": len(b), "changed": [k for k in a if not torch.equal(a[k], b[k])]}))
`;

/** The trained model as ONNX (torch.onnx.export) and its output for one input, as JSON (last line). */
const TO_ONNX = `
import importlib.util, json, sys, torch
model_py, cls, weights, onnx_path, x_json = sys.argv[1:6]
spec = importlib.util.spec_from_file_location("model", model_py)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
net = getattr(module, cls)()
net.load_state_dict(torch.load(weights, weights_only=True))
net.eval()
x = json.load(open(x_json))
x = torch.tensor(x["data"], dtype=torch.float32).reshape(1, *x["shape"])
torch.onnx.export(net, x, onnx_path, input_names=["input"], output_names=["probabilities"], opset_version=17)
with torch.no_grad():
    print(json.dumps(net(x)[0].tolist()))
`;

/** train.py's input_transform() on one PNG, as JSON. */
const TRANSFORM = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("train", sys.argv[1])
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)
x = train.input_transform()(train.load_rgba(sys.argv[2]))
print(json.dumps({"shape": list(x.shape), "data": x.flatten().tolist()}))
`;

function runPython(args: string[], cwd = dir) {
  const r = spawnSync(python!, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

function expectSameInput(trainPy: string, png: string, input: InputParams) {
  const got = JSON.parse(runPython(['-c', TRANSFORM, trainPy, png]).stdout);
  const want = imageToTensor(decodePng(readFileSync(png)), input);
  expect(got.shape).toEqual([input.channels, input.height, input.width]);
  const maxAbs = want.reduce((m, v, i) => Math.max(m, Math.abs(v - got.data[i])), 0);
  expect(maxAbs).toBeLessThan(1e-5);
}

describe.skipIf(!python)('the exported training script, run in PyTorch (skipped: needs python3 with torch, torchvision and PIL — apt python3-torch python3-torchvision)', () => {
  it('LeNet-5: torchrun --nproc_per_node=2 on CPU from the exported weights writes a state dict that loads strictly and has moved', async () => {
    const work = join(dir, 'lenet');
    mkdirSync(work);
    const images = imageFolder(join(work, 'data'), ['circle', 'square', 'triangle'], 4, 40, 36);
    const r = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', join(work, 'model.py'), '--weights', join(work, 'model.pt'), '--train-script', join(work, 'train.py'), '--optimizer', 'sgd', '--lr', '0.05');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);

    const started = Date.now();
    const args = ['-m', 'torch.distributed.run', ...torchrunWorkaround(), '--nproc_per_node=2', '--standalone'];
    const run = runPython([...args, 'train.py', '--data', 'data', '--resume', 'model.pt', '--out', 'trained.pt', '--max-steps', '3', '--epochs', '1', '--batch', '2', '--workers', '0'], work);
    console.log(`torchrun, 2 processes: ${((Date.now() - started) / 1000).toFixed(1)} s\n${run.stdout}`);
    expect(run.stdout).toMatch(/12 images in 3 classes \(0=circle, 1=square, 2=triangle\) of 10 outputs; 2 processes on cpu/);
    expect(run.stdout).toMatch(/resumed from model\.pt/);
    expect(run.stdout).toMatch(/epoch 1\/1 {2}loss \d+\.\d+ {2}accuracy \d+\.\d+% {2}lr 0\.05 {2}12 images/); // 3 steps × 2 processes × 2 images
    expect(run.stdout).toMatch(/wrote trained\.pt \(3 steps;/);

    const check = JSON.parse(runPython(['-c', CHECK_WEIGHTS, join(work, 'model.py'), 'LeNet5', join(work, 'model.pt'), join(work, 'trained.pt')]).stdout);
    expect(check.same_keys).toBe(true);
    expect(check.keys).toBe(10);
    expect(check.changed).toEqual(expect.arrayContaining(['c1_conv_5_5.weight', 'output_dense.bias']));

    expectSameInput(join(work, 'train.py'), images[0], getPreset('lenet5').nodes[0].params as InputParams);

    // The way back documented in docs/training-export.md: torch.onnx.export, then cnn-studio import.
    const rand = mulberry32(3);
    writeFileSync(join(work, 'x.json'), JSON.stringify({ shape: [1, 32, 32], data: Array.from({ length: 32 * 32 }, () => rand()) }));
    const torchOut = JSON.parse(runPython(['-c', TO_ONNX, join(work, 'model.py'), 'LeNet5', join(work, 'trained.pt'), join(work, 'trained.onnx'), join(work, 'x.json')]).stdout.trim().split('\n').pop()!);
    expect((await runCliCaptured('import', join(work, 'trained.onnx'), '-o', join(work, 'trained.json'))).code).toBe(0);
    const inferred = await runCliCaptured('infer', join(work, 'trained.json'), '--input', join(work, 'x.json'), '--json', '--backend', 'reference');
    expect(inferred.code, inferred.err).toBe(0);
    const [out] = Object.values(JSON.parse(inferred.out).outputs) as { data: number[] }[];
    expect(out.data.length).toBe(10);
    out.data.forEach((v, i) => expect(Math.abs(v - torchOut[i])).toBeLessThan(1e-5));
  }, 180_000);

  it('RGB with batch norm and mean/std: plain python train.py (one process, no torchrun; SGD Nesterov, augmentation) from the exported weights', async () => {
    const work = join(dir, 'rgb');
    mkdirSync(work);
    const input: InputParams = { channels: 3, height: 20, width: 24, preprocess: { resize: true, scale: true, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] } };
    const doc: ModelDocument = chainDoc(input, [
      { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 3, padding: 'same' } },
      { id: 'bn', type: 'BatchNorm' },
      { type: 'Activation', params: { fn: 'relu' } },
      { type: 'GlobalPool', params: { mode: 'avg' } },
      { type: 'Flatten' },
      { id: 'fc', type: 'Dense', params: { units: 2 } },
    ]);
    writeFileSync(join(work, 'tiny.json'), JSON.stringify(doc));
    const images = imageFolder(join(work, 'data'), ['red', 'green'], 3, 30, 17);
    const r = await runCliCaptured('export', join(work, 'tiny.json'), '--format', 'pytorch', '-o', join(work, 'tiny-net.py'), '--weights', join(work, 'tiny.pt'), '--train-script', join(work, 'train.py'), '--batch', '4', '--epochs', '2', '--optimizer', 'sgd', '--nesterov', '--schedule', 'step', '--augment');
    expect(r.code, r.err).toBe(0);

    const run = runPython(['train.py', '--data', 'data', '--resume', 'tiny.pt', '--out', 'trained.pt', '--workers', '0'], work);
    expect(run.stdout).toMatch(/6 images in 2 classes \(0=green, 1=red\) of 2 outputs; 1 process on cpu/);
    expect(run.stdout).toMatch(/epoch 2\/2 {2}loss \S+ {2}accuracy \S+ {2}lr 0\.0001 {2}4 images/); // step schedule: ×0.1 after epoch 1; one batch of 4 per epoch, the 2 left over dropped
    expect(run.stdout).toMatch(/wrote trained\.pt \(2 steps;/);
    const check = JSON.parse(runPython(['-c', CHECK_WEIGHTS, join(work, 'tiny-net.py'), 'Test', join(work, 'tiny.pt'), join(work, 'trained.pt')]).stdout);
    expect(check.same_keys).toBe(true);
    expect(check.changed).toEqual(expect.arrayContaining(['conv.weight', 'bn.running_mean', 'bn.num_batches_tracked', 'fc.weight']));

    expectSameInput(join(work, 'train.py'), images[0], input);
  }, 120_000);
});
