/**
 * Proof that training follows PyTorch step for step: the same initial weights (our PyTorch export
 * with its state dict), the same batches (no shuffle, no test split) and the same optimizer — two
 * epochs of SGD with momentum and of Adam, on LeNet-5 and on a small ResNet with batch norm — end
 * with the same weights and running statistics as torch.optim in PyTorch (float32), within 1e-3
 * normwise relative error, and the same per-step losses.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from '../../core/document/schema';
import { exportPyTorch } from '../../core/export/pytorch';
import { torchStateKeys } from '../../core/export/torch-keys';
import { analyze } from '../../core/graph/analyze';
import type { InputParams } from '../../core/ops/input';
import { getPreset } from '../../core/presets';
import { TrainConfigSchema, type TrainConfigInput } from '../../core/train/config';
import type { Dataset } from '../../core/train/dataset';
import { findPython } from '../python';
import { loadMnist } from './datasets';
import { Trainer } from './trainer';

const python = findPython(['torch', 'numpy']);
const SCRIPT = resolve(__dirname, '../../../test-python/train_reference.py');
const TOLERANCE = 1e-3;
const SAMPLES = 192;
const BATCH = 32;

/** A small ResNet with batch norm: a stem, a basic unit, a strided unit with a projection, global pool, dense. */
function smallResNet(): ModelDocument {
  const layers: [string, string, Record<string, unknown>][] = [
    ['stem', 'Conv2D', { filters: 8, kernel: 3, padding: 'same', bias: false }],
    ['stem_bn', 'BatchNorm', {}],
    ['stem_relu', 'Activation', { fn: 'relu' }],
    ['unit1', 'ResidualUnit', { filters: 8 }],
    ['unit2', 'ResidualUnit', { filters: 16, stride: 2 }],
    ['pool', 'GlobalPool', { mode: 'avg' }],
    ['fc', 'Dense', { units: 10 }],
  ];
  const nodes = [{ id: 'input', type: 'Input', params: { channels: 1, height: 16, width: 16 } }, ...layers.map(([id, type, params]) => ({ id, type, params }))];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name: 'small resnet', seed: 3, nodes, edges };
}

/** SAMPLES digits, classes taking turns (MNIST is ordered by class), preprocessed for `input`. */
async function digits(input: InputParams): Promise<Dataset> {
  const all = await loadMnist(input);
  const size = all.sampleShape.reduce((a, b) => a * b, 1);
  const firstOf = Array.from({ length: 10 }, (_, c) => all.labels.indexOf(c));
  const pick = Array.from({ length: SAMPLES }, (_, i) => firstOf[i % 10] + 7 * Math.floor(i / 10));
  const images = new Float32Array(SAMPLES * size);
  pick.forEach((j, i) => images.set(all.images.subarray(j * size, (j + 1) * size), i * size));
  return { ...all, count: SAMPLES, images, labels: Int32Array.from(pick, (j) => all.labels[j]), files: undefined };
}

const relativeError = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-12);
};

describe.skipIf(!python)('training trajectories equal PyTorch’s (torch.optim, float32) — skipped without python3-torch', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cnn-studio-trajectory-'));
  });

  const cases: { name: string; doc: () => ModelDocument; optimizer: TrainConfigInput['optimizer']; lr: number }[] = [
    { name: 'LeNet-5, SGD with momentum 0.9', doc: () => getPreset('lenet5'), optimizer: { kind: 'sgd', momentum: 0.9 }, lr: 0.01 },
    { name: 'LeNet-5, Adam', doc: () => getPreset('lenet5'), optimizer: { kind: 'adam' }, lr: 2e-3 },
    { name: 'small ResNet with batch norm, SGD with Nesterov momentum and weight decay', doc: smallResNet, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, lr: 0.02 },
    { name: 'small ResNet with batch norm, AdamW', doc: smallResNet, optimizer: { kind: 'adamw', weightDecay: 0.01 }, lr: 2e-3 },
  ];

  it.each(cases)('$name: 2 epochs end with PyTorch’s weights and running statistics', async ({ name, doc: makeDoc, optimizer, lr }) => {
    const doc = makeDoc();
    const analysis = analyze(doc);
    const input = analysis.primitives.nodes.find((p) => p.type === 'Input')!.params as InputParams;
    const data = await digits(input);
    const config = TrainConfigSchema.parse({ epochs: 2, batch: BATCH, lr, optimizer, testSplit: 0, shuffle: false, seed: 1 });

    const losses: number[] = [];
    const result = await new Trainer(doc, analysis, data, config, { threads: 2, onStep: (step, _weights, loss) => void (losses[step - 1] = loss) }).run();
    expect(result.status).toBe('done');
    expect(result.steps).toBe(2 * (SAMPLES / BATCH));

    // PyTorch from the same start.
    const caseDir = join(dir, name.replace(/\W+/g, '-'));
    mkdirSync(caseDir, { recursive: true });
    const exported = exportPyTorch(doc, analysis, { weights: true });
    writeFileSync(join(caseDir, 'model.py'), exported.code);
    writeFileSync(join(caseDir, 'model.pt'), exported.weights!);
    writeFileSync(join(caseDir, 'images.bin'), new Uint8Array(data.images.buffer, data.images.byteOffset, data.images.byteLength));
    writeFileSync(join(caseDir, 'labels.bin'), new Uint8Array(BigInt64Array.from(data.labels, (l) => BigInt(l)).buffer));
    const batches = Array.from({ length: SAMPLES / BATCH }, (_, b) => Array.from({ length: BATCH }, (_, i) => b * BATCH + i));
    const spec = {
      mode: 'train',
      model: 'model.py',
      class: exported.className,
      weights: 'model.pt',
      logits: exported.logits ?? null,
      images: { file: 'images.bin', shape: [SAMPLES, ...data.sampleShape] },
      labels: { file: 'labels.bin', shape: [SAMPLES] },
      batches,
      epochs: 2,
      optimizer: { ...config.optimizer, lr },
      output: 'out',
    };
    writeFileSync(join(caseDir, 'case.json'), JSON.stringify(spec));
    const run = spawnSync(python!, [SCRIPT, join(caseDir, 'case.json')], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TORCH_THREADS: '2' } });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ ok: true });
    const listing = JSON.parse(readFileSync(join(caseDir, 'out', 'result.json'), 'utf8')) as Record<string, { file: string; offset?: number; shape: number[]; dtype: string }>;
    const tensor = (key: string) => {
      const entry = listing[key];
      if (!entry) throw new Error(`PyTorch wrote no "${key}"`);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const size = entry.dtype === 'float64' ? 8 : 4;
      const bytes = readFileSync(join(caseDir, 'out', entry.file)).subarray(entry.offset ?? 0, (entry.offset ?? 0) + count * size);
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      return size === 8 ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
    };

    // Per-step losses.
    const torchLosses = tensor('losses');
    expect(torchLosses.length).toBe(losses.length);
    expect(relativeError(losses, torchLosses)).toBeLessThan(TOLERANCE);

    // Final weights and running statistics, each tensor on its own.
    const keys = torchStateKeys(analysis);
    const byPrim = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
    let worst = 0;
    let compared = 0;
    for (const t of result.last) {
      const prim = [...byPrim.values()].find((p) => p.owner === t.owner && (p.id === p.owner ? t.key.indexOf('.') < 0 : t.key.startsWith(`${p.id.slice(p.owner.length + 1)}.`)))!;
      const weightName = t.key.slice(t.key.lastIndexOf('.') + 1);
      const err = relativeError(t.data, tensor(`state/${keys.get(prim.id)![weightName]}`));
      worst = Math.max(worst, err);
      compared++;
      expect(err, `${t.owner} ${t.key}`).toBeLessThan(TOLERANCE);
    }
    expect(compared).toBe(result.last.length);
    console.log(`${name}: ${compared} tensors, worst relative error ${worst.toExponential(2)}, loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`);
  }, 180_000);
});
