import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../core/document/load';
import { getPreset } from '../../core/presets';
import { builtCli, runCliCaptured as cli } from '../testing';

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-train-'));
let BIN: string;
beforeAll(async () => {
  BIN = await builtCli();
});

const jsonLines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l));
const load = (path: string) => {
  const r = parseDocument(readFileSync(path, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.document;
};

/** A folder of tiny PNGs, one subfolder per class. */
function imageFolder(name: string, classes: Record<string, number>, size = 12): string {
  const root = join(dir, name);
  for (const [cls, count] of Object.entries(classes)) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < count; i++) {
      const png = new PNG({ width: size, height: size });
      png.data.fill(cls.length * 40 + i);
      writeFileSync(join(root, cls, `${i}.png`), PNG.sync.write(png));
    }
  }
  return root;
}

describe('cnn-studio train', () => {
  it('LeNet-5 learns MNIST: 5 epochs of Adam reach ≥ 95% test accuracy; --json ends with the done line; the document keeps weights, labels and how it was trained', async () => {
    const out = join(dir, 'lenet.json');
    const r = await cli('train', 'preset:lenet5', '--data', 'mnist', '-o', out, '--json');
    expect(r.code, r.err).toBe(0);
    const lines = jsonLines(r.out);
    const done = lines.at(-1);
    expect(Object.keys(done).sort()).toEqual(['done', 'epochs', 'steps', 'test', 'timeMs', 'train']);
    expect(done).toMatchObject({ done: true, epochs: 5, steps: 5 * 125 });
    expect(done.test.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(done.train.loss).toBeLessThan(lines.find((l) => l.epoch === 1).train.loss);
    expect(lines.filter((l) => l.epoch).map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(lines.some((l) => l.progress)).toBe(true);

    const doc = load(out);
    expect(doc.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(doc.training).toMatchObject({ dataset: 'mnist', epochs: 5, steps: 625, batch: 64, optimizer: 'adam', trainSamples: 8000, testSamples: 2000 });
    expect(doc.training!.test!.accuracy).toBe(done.test.accuracy);
    // Every weight of the network is now in the document.
    const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
    expect(Object.keys(conv.weights ?? {}).sort()).toEqual(['bias', 'kernel']);

    // The trained network reads a digit it has never seen (assets/samples).
    const infer = await cli('infer', out, '--input', resolve(__dirname, '../../../../assets/samples/digit-3.png'), '--top', '1', '--json');
    expect(infer.code).toBe(0);
    expect(Object.values(JSON.parse(infer.out).top as Record<string, { label: string }[]>)[0][0].label).toBe('3');
  }, 120_000);

  it('is seeded: the same document, data and seed give the same weights bit for bit; another seed does not', async () => {
    const run = async (name: string, seed: string) => {
      const out = join(dir, name);
      const r = await cli('train', 'preset:lenet5', '--data', 'mnist', '-o', out, '--epochs', '1', '--max-steps', '8', '--seed', seed, '--augment', '--json');
      expect(r.code, r.err).toBe(0);
      return load(out).nodes.map((n) => n.weights);
    };
    const a = await run('a.json', '7');
    const b = await run('b.json', '7');
    const c = await run('c.json', '8');
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  }, 60_000);

  it('trains on an image folder: classes from the sorted subfolders, a bad file skipped with a note', async () => {
    const data = imageFolder('shapes', { circle: 6, square: 6, triangle: 6 });
    writeFileSync(join(data, 'square', 'notes.txt'), 'not an image');
    const model = join(dir, 'tiny.json');
    writeFileSync(
      model,
      JSON.stringify({
        format: 'cnn-studio.model',
        version: 1,
        name: 'tiny',
        nodes: [
          { id: 'input', type: 'Input', params: { channels: 1, height: 12, width: 12 } },
          { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 3 } },
          { id: 'relu', type: 'Activation', params: { fn: 'relu' } },
          { id: 'gap', type: 'GlobalPool', params: { mode: 'avg' } },
          { id: 'fc', type: 'Dense', params: { units: 3 } },
        ],
        edges: [
          { source: 'input', target: 'conv' },
          { source: 'conv', target: 'relu' },
          { source: 'relu', target: 'gap' },
          { source: 'gap', target: 'fc' },
        ],
      }),
    );
    const out = join(dir, 'tiny-trained.json');
    const r = await cli('train', model, '--data', data, '-o', out, '--epochs', '2', '--batch', '4', '--test-split', '0', '--optimizer', 'sgd', '--lr', '0.1', '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/skipped 1 file .*notes\.txt/);
    const done = jsonLines(r.out).at(-1);
    expect(done.test).toBeNull();
    expect(done.steps).toBe(2 * Math.floor(18 / 4));
    const doc = load(out);
    expect(doc.labels).toEqual(['circle', 'square', 'triangle']);
    expect(doc.training).toMatchObject({ dataset: 'shapes', optimizer: 'sgd', testSamples: 0, test: null });
  }, 60_000);

  it('refuses a model that cannot learn the data, saying what to change (exit 1)', async () => {
    // The 1000-way ResNet head on 10 digit classes.
    const wide = join(dir, 'wide.json');
    const doc = getPreset('lenet5');
    const out = doc.nodes.find((n) => n.id !== 'input' && n.type === 'Dense' && (n.params as { units: number }).units === 10)!;
    out.params = { units: 1000 };
    writeFileSync(wide, JSON.stringify(doc));
    const r = await cli('train', wide, '--data', 'mnist', '-o', join(dir, 'x.json'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('the last layer gives 1000 outputs but the data has 10 classes — set Dense units to 10');

    const noWeights = join(dir, 'pool-only.json');
    writeFileSync(
      noWeights,
      JSON.stringify({
        format: 'cnn-studio.model',
        version: 1,
        nodes: [
          { id: 'input', type: 'Input', params: { channels: 1, height: 28, width: 28 } },
          { id: 'pool', type: 'GlobalPool' },
        ],
        edges: [{ source: 'input', target: 'pool' }],
      }),
    );
    const r2 = await cli('train', noWeights, '--data', 'mnist', '-o', join(dir, 'y.json'));
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/one score per class/);
  }, 60_000);

  it('says what is wrong with the data or the flags (exit 2)', async () => {
    const missing = await cli('train', 'preset:lenet5', '--data', join(dir, 'nope'), '-o', join(dir, 'z.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nope');
    const one = imageFolder('one-class', { only: 3 });
    const r = await cli('train', 'preset:lenet5', '--data', one, '-o', join(dir, 'z.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has only one class, "only" — training needs at least 2/);
    expect((await cli('train', 'preset:lenet5', '-o', join(dir, 'z.json'))).code).toBe(2);
    expect((await cli('train', 'preset:lenet5', '--data', 'mnist')).code).toBe(2);
    const bad = await cli('train', 'preset:lenet5', '--data', 'mnist', '-o', join(dir, 'z.json'), '--optimizer', 'rmsprop');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--optimizer must be sgd, adam or adamw');
    expect((await cli('train', 'preset:lenet5', '--data', 'mnist', '-o', join(dir, 'z.json'), '--momentum', '0.9')).err).toContain('--momentum goes with --optimizer sgd');
    expect((await cli('train', 'preset:lenet5', '--data', 'mnist', '-o', join(dir, 'z.json'), '--test-split', '1')).code).toBe(2);
    expect(existsSync(join(dir, 'z.json'))).toBe(false);
  }, 60_000);

  it('killed mid-run, it leaves the input untouched and the output at the last finished epoch', async () => {
    const input = join(dir, 'lenet-in.json');
    writeFileSync(input, JSON.stringify(getPreset('lenet5')));
    const before = readFileSync(input, 'utf8');
    const out = join(dir, 'killed.json');
    const child = spawn(process.execPath, [BIN, 'train', input, '--data', 'mnist', '-o', out, '--epochs', '200', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        // Kill during the second epoch, after the first checkpoint.
        if (/"epoch":1,/.test(text) && /"progress":\{"epoch":2,/.test(text)) {
          child.kill('SIGKILL');
          done();
        }
      });
      child.on('exit', (code) => (code === null ? done() : fail(new Error(`exited ${code} before it could be killed: ${text.slice(-500)}`))));
    });
    expect(readFileSync(input, 'utf8')).toBe(before);
    const saved = load(out);
    expect(saved.training?.epochs).toBe(1);
    expect(saved.nodes.find((n) => n.type === 'Conv2D')!.weights?.kernel).toBeDefined();
  }, 120_000);
});
