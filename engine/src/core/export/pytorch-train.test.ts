/**
 * The training script's text and the CLI flags around it. That the script trains (torchrun, DDP,
 * strict reload) is proven in PyTorch by pytorch-train.torch.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { getPreset } from '../presets';
import { chainDoc } from '../../runtime/testing/docs';
import { runCliCaptured } from '../../cli/testing';
import { exportPyTorch } from './pytorch';
import { pytorchTrainScript, TrainScriptError, type TrainScriptOptions } from './pytorch-train';

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-train-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(doc: ModelDocument, options: TrainScriptOptions = {}): string {
  const analysis = analyze(doc);
  return pytorchTrainScript(doc, analysis, exportPyTorch(doc, analysis, { weights: false }), options);
}

const lenet = getPreset('lenet5');

describe('the PyTorch training script', () => {
  it('carries the chosen settings as argparse defaults', () => {
    const text = script(lenet, {
      config: {
        optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
        lr: 0.05,
        batch: 32,
        epochs: 12,
        schedule: { kind: 'step', every: 4, gamma: 0.2 },
        augment: { cropPadding: 4, flip: true },
        seed: 9,
        maxStepsPerEpoch: 100,
      },
    });
    for (const line of [
      '"--optimizer", choices=["sgd", "adam", "adamw"], default="sgd")',
      '"--lr", type=float, default=0.05,',
      '"--momentum", type=float, default=0.9,',
      '"--nesterov", action=argparse.BooleanOptionalAction, default=True,',
      '"--weight-decay", type=float, default=0.0005,',
      '"--batch", type=int, default=32,',
      '"--epochs", type=int, default=12)',
      '"--schedule", choices=["constant", "step", "cosine"], default="step",',
      '"--step-every", type=int, default=4,',
      '"--gamma", type=float, default=0.2,',
      '"--crop-padding", type=int, default=4,',
      '"--flip", action=argparse.BooleanOptionalAction, default=True,',
      '"--max-steps", type=int, default=100,',
      '"--seed", type=int, default=9,',
      'torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, nesterov=args.nesterov, weight_decay=args.weight_decay)',
      'torch.optim.lr_scheduler.StepLR(optimizer, step_size=args.step_every, gamma=args.gamma)',
      'transforms.RandomCrop(INPUT_SIZE, padding=crop_padding)',
      '# Defaults, as exported: sgd lr 0.05 momentum 0.9 nesterov weight decay 0.0005, batch 32, 12 epochs, lr × 0.2 every 4 epochs, random crops (padding 4) and flips;',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('defaults to the training defaults: Adam, lr 1e-3, batch 64, 5 epochs, constant, no augmentation', () => {
    const text = script(lenet);
    expect(text).toContain('default="adam"');
    expect(text).toContain('"--lr", type=float, default=0.001,');
    expect(text).toContain('"--betas", type=pair, metavar="B1,B2", default=(0.9, 0.999),');
    expect(text).toContain('"--eps", type=float, default=1e-8,');
    expect(text).toContain('"--weight-decay", type=float, default=0.0,');
    expect(text).toContain('"--batch", type=int, default=64,');
    expect(text).toContain('"--epochs", type=int, default=5)');
    expect(text).toContain('default="constant"');
    expect(text).toContain('"--crop-padding", type=int, default=0,');
    expect(text).toContain('"--max-steps", type=int, default=0,');
  });

  it('imports the model class, trains on logits before a final softmax, and reproduces the Input preprocessing', () => {
    const text = script(lenet);
    expect(text).toContain('from model import LeNet5');
    expect(text).toContain('model = Logits(net)');
    expect(text).toContain('return self.net.logits(x)');
    expect(text).toContain('INPUT_SIZE = (32, 32)');
    expect(text).toContain('NUM_OUTPUTS = 10');
    expect(text).toContain('Luma(1),');
    expect(text).toContain('DistributedDataParallel(model');
    expect(text).toContain('DistributedSampler(dataset, num_replicas=world, rank=rank');
    expect(text).toContain('dist.init_process_group("nccl" if cuda else "gloo")');

    const rgb = chainDoc({ channels: 3, height: 8, width: 8, preprocess: { resize: false, scale: false, mean: [0.5], std: [0.25, 0.5, 1] } }, [{ type: 'Flatten' }, { type: 'Dense', params: { units: 4 } }]);
    const plain = script(rgb, { modelFile: 'my-model.py' });
    expect(plain).toContain('model = net\n');
    expect(plain).not.toContain('class Logits');
    expect(plain).toContain('spec_from_file_location("cnn_studio_model", os.path.join(os.path.dirname(os.path.abspath(__file__)), "my-model.py"))');
    expect(plain).toContain('ToFloat(),');
    expect(plain).toContain('FirstChannels(3),');
    expect(plain).toContain('RequireSize(),');
    expect(plain).toContain('steps.append(transforms.Normalize((0.5, 0.5, 0.5), (0.25, 0.5, 1.0)))');
    expect(plain).not.toContain('transforms.Resize');
  });

  it('refuses settings PyTorch refuses and models it cannot train from an image folder', () => {
    expect(() => script(lenet, { config: { lr: 0 } })).toThrow(/^Training setting lr: /);
    expect(() => script(lenet, { config: { optimizer: { kind: 'sgd', nesterov: true } } })).toThrow('Nesterov momentum needs a momentum above 0');

    const map = chainDoc({ channels: 1, height: 8, width: 8 }, [{ type: 'Conv2D', params: { filters: 2, kernel: 3 } }]);
    expect(() => script(map)).toThrow(/output is a vector of class scores, but "n1" gives 2×6×6/);
    const twoChannels = chainDoc({ channels: 2, height: 4, width: 4 }, [{ type: 'Flatten' }, { type: 'Dense', params: { units: 2 } }]);
    expect(() => script(twoChannels)).toThrow(TrainScriptError);
  });

  it('model.py: a final softmax goes through logits(), renamed when a node took that name; forward still returns probabilities', () => {
    const analysis = analyze(lenet);
    const exp = exportPyTorch(lenet, analysis, { weights: false });
    expect(exp.logits).toBe('logits');
    expect(exp.code).toContain('    def forward(self, input):\n        return F.softmax(self.logits(input), dim=1)  # softmax\n\n    def logits(self, input):\n');
    expect(exp.code).toContain('        return output_dense\n');
    const named = chainDoc({ channels: 1, height: 2, width: 2 }, [{ type: 'Flatten' }, { id: 'logits', type: 'Dense', params: { units: 3 } }, { type: 'Softmax' }]);
    const n = exportPyTorch(named, analyze(named), { weights: false });
    expect(n.logits).toBe('logits_');
    expect(n.code).toContain('return F.softmax(self.logits_(input), dim=1)');
    expect(n.code).toContain('self.logits = nn.Linear(4, 3)');
    const plain = chainDoc({ channels: 1, height: 2, width: 2 }, [{ type: 'Flatten' }, { type: 'Dense', params: { units: 3 } }]);
    expect(exportPyTorch(plain, analyze(plain), { weights: false }).logits).toBeUndefined();
  });
});

describe('cnn-studio export --train-script', () => {
  it('writes train.py next to model.py with the flags as its defaults; the first line of output is unchanged', async () => {
    const model = join(dir, 'model.py');
    const train = join(dir, 'train.py');
    const r = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', model, '--train-script', train, '--optimizer', 'adamw', '--lr', '3e-4', '--betas', '0.8,0.99', '--epochs', '2', '--schedule', 'cosine', '--augment');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [first, second] = r.out.trimEnd().split('\n');
    expect(first).toBe(`wrote ${model} (class LeNet5, 61,706 parameters)`);
    expect(second).toBe(`wrote ${train} (training script; defaults: adamw lr 0.0003 betas 0.8,0.99 weight decay 0.01, batch 64, 2 epochs, cosine lr, random crops (padding 4) and flips) — run: python3 ${train} --data DIR, or torchrun --nproc_per_node=N ${train} --data DIR`);
    const text = readFileSync(train, 'utf8');
    expect(text).toContain('from model import LeNet5');
    expect(text).toContain('"--lr", type=float, default=0.0003,');
    expect(text).toContain('default=(0.8, 0.99)');
  });

  it('is a usage error with other formats, without --train-script, or with a bad setting, and writes nothing', async () => {
    const out = join(dir, 'never.onnx');
    const train = join(dir, 'never.py');
    for (const format of ['onnx', 'keras']) {
      const r = await runCliCaptured('export', 'preset:lenet5', '--format', format, '-o', out, '--train-script', train);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`cnn-studio export: --train-script goes with --format pytorch (it trains the model.py that format writes), not ${format}.\n`);
    }
    const stray = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', join(dir, 'm.py'), '--lr', '0.1');
    expect(stray.code).toBe(2);
    expect(stray.err).toMatch(/--lr is a training script setting: it goes with --train-script/);
    const bad = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', join(dir, 'm.py'), '--train-script', train, '--lr', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('cnn-studio export: --lr must be a number above 0 (e.g. 0.001), got "fast".\n');
    const adam = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', join(dir, 'm.py'), '--train-script', train, '--momentum', '0.9');
    expect(adam.err).toMatch(/--momentum and --nesterov go with --optimizer sgd/);
    const betas = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', join(dir, 'm.py'), '--train-script', train, '--betas', '0.9');
    expect(betas.err).toMatch(/--betas must be two numbers from 0 to below 1, e.g. 0.9,0.999, got "0.9"/);
    const same = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', join(dir, 'm.py'), '--train-script', join(dir, 'm.py'));
    expect(same.err).toMatch(/is also the model or weights file/);
    expect([out, train, join(dir, 'm.py')].some((f) => existsSync(f))).toBe(false);
  });

  it('conflicting settings are a usage error; a model it cannot train is an invalid-model error (exit 1), and nothing is written', async () => {
    const r = await runCliCaptured('export', 'preset:lenet5', '--format', 'pytorch', '-o', join(dir, 'x.py'), '--train-script', join(dir, 'x-train.py'), '--optimizer', 'sgd', '--momentum', '0', '--nesterov');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--nesterov needs a momentum above 0/);
    const model = join(dir, 'map.json');
    writeFileSync(model, JSON.stringify(chainDoc({ channels: 1, height: 8, width: 8 }, [{ type: 'Conv2D', params: { filters: 2, kernel: 3 } }])));
    const map = await runCliCaptured('export', model, '--format', 'pytorch', '-o', join(dir, 'map.py'), '--train-script', join(dir, 'map-train.py'));
    expect(map.code).toBe(1);
    expect(map.err).toMatch(/trains a classifier/);
    expect(existsSync(join(dir, 'map.py'))).toBe(false);
  });
});
