/**
 * The trained network is the same network elsewhere: LeNet-5 trained on the built-in MNIST digits
 * (5 epochs of Adam, the defaults) scores ≥ 95% on the held-out test split here, and its PyTorch
 * export (model.py + the state dict of the trained document) scores the same on the same images in
 * PyTorch (Debian's python3-torch) — at most one image of 2,000 apart (float rounding on a near tie).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPyTorch } from '../../core/export/pytorch';
import { analyze } from '../../core/graph/analyze';
import type { InputParams } from '../../core/ops/input';
import { getPreset } from '../../core/presets';
import { TrainConfigSchema } from '../../core/train/config';
import { gatherBatch, splitDataset } from '../../core/train/dataset';
import { withTrainedWeights } from '../../core/train/trained-weights';
import { findPython } from '../python';
import { loadMnist } from './datasets';
import { Trainer } from './trainer';

const python = findPython(['torch', 'numpy']);

const EVALUATE = `
import importlib.util, json, sys
import numpy as np, torch
d = sys.argv[1]
spec = importlib.util.spec_from_file_location("model", d + "/model.py")
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
meta = json.load(open(d + "/meta.json"))
model = getattr(m, meta["class"])()
model.load_state_dict(torch.load(d + "/model.pt"))
model.eval()
x = torch.from_numpy(np.fromfile(d + "/images.bin", dtype="<f4").reshape(meta["shape"]))
y = torch.from_numpy(np.fromfile(d + "/labels.bin", dtype="<i8"))
with torch.no_grad():
    pred = model(x).reshape(x.shape[0], -1).argmax(1)
print(json.dumps({"correct": int((pred == y).sum()), "count": int(y.shape[0])}))
`;

describe.skipIf(!python)('a trained LeNet-5 scores the same in PyTorch — skipped without python3-torch', () => {
  it('5 epochs of Adam on MNIST: ≥ 95% on the test split here, and the same in PyTorch', async () => {
    const doc = getPreset('lenet5');
    const analysis = analyze(doc);
    const input = analysis.primitives.nodes.find((p) => p.type === 'Input')!.params as InputParams;
    const data = await loadMnist(input);
    const config = TrainConfigSchema.parse({});
    const result = await new Trainer(doc, analysis, data, config, { threads: 2 }).run();
    expect(result.test!.accuracy).toBeGreaterThanOrEqual(0.95);

    const trained = withTrainedWeights(doc, result.last).document;
    const exported = exportPyTorch(trained, analyze(trained), { weights: true });
    const { test } = splitDataset(data.count, config.testSplit, config.seed);
    const batch = gatherBatch(data, test);
    const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-pytorch-accuracy-'));
    writeFileSync(join(dir, 'model.py'), exported.code);
    writeFileSync(join(dir, 'model.pt'), exported.weights!);
    writeFileSync(join(dir, 'images.bin'), new Uint8Array(batch.images.buffer, batch.images.byteOffset, batch.images.byteLength));
    writeFileSync(join(dir, 'labels.bin'), new Uint8Array(batch.labels.buffer, batch.labels.byteOffset, batch.labels.byteLength));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ class: exported.className, shape: [test.length, ...data.sampleShape] }));
    const run = spawnSync(python!, ['-c', EVALUATE, dir], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '2' } });
    expect(run.status, run.stderr).toBe(0);
    const torch = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { correct: number; count: number };
    expect(torch.count).toBe(test.length);
    const ours = Math.round(result.test!.accuracy * test.length);
    console.log(`LeNet-5, 5 epochs of Adam: ${ours}/${test.length} here, ${torch.correct}/${torch.count} in PyTorch`);
    expect(Math.abs(torch.correct - ours)).toBeLessThanOrEqual(1);
  }, 180_000);
});
