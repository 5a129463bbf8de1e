import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { chainDoc, LECTURE_4X4 } from '../../runtime/testing/docs';
import { runCliCaptured } from '../testing';
import { lenetSidecarPair } from '../../runtime/testing/sidecar-docs';

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-infer-'));
const write = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const cli = runCliCaptured;

const poolModel = write(
  'pool.json',
  JSON.stringify(
    chainDoc({ channels: 1, height: 4, width: 4 }, [
      { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 } },
      { id: 'flat', type: 'Flatten' },
    ]),
  ),
);
const lecture = write('lecture.json', JSON.stringify({ shape: [1, 4, 4], data: LECTURE_4X4 }));

describe('cnn-studio infer', () => {
  it.each(['reference', 'ort'])('--json prints {"outputs": {id: {shape, data}}, "timeMs"} for the graph outputs (%s backend)', async (backend) => {
    const r = await cli('infer', poolModel, '--input', lecture, '--json', '--backend', backend);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json).sort()).toEqual(['outputs', 'timeMs']);
    expect(typeof json.timeMs).toBe('number');
    expect(json.outputs).toEqual({ flat: { shape: [4], data: [28, 65, 87, 56] } });
  });

  it('reads the weights sidecar named by the document from its folder: the outputs of the same weights inline', async () => {
    const pair = lenetSidecarPair('lenet.weights.bin');
    const inline = write('lenet-inline.json', JSON.stringify(pair.inline));
    const side = write('lenet.json', JSON.stringify(pair.withSidecar));
    const tensor = write('lenet-input.json', JSON.stringify({ shape: (pair.input as { shape: number[] }).shape, data: Array.from((pair.input as { data: Float32Array }).data) }));
    const missing = await cli('infer', side, '--input', tensor, '--json', '--backend', 'reference');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('lenet.weights.bin');
    write('lenet.weights.bin', Buffer.from(pair.sidecar));
    const a = await cli('infer', side, '--input', tensor, '--json', '--backend', 'reference');
    const b = await cli('infer', inline, '--input', tensor, '--json', '--backend', 'reference');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out).outputs).toEqual(JSON.parse(b.out).outputs);
  });

  it('--all prints every node, the input included', async () => {
    const r = await cli('infer', poolModel, '--input', lecture, '--json', '--all', '--backend', 'reference');
    const json = JSON.parse(r.out);
    expect(Object.keys(json.outputs).sort()).toEqual(['flat', 'input', 'pool']);
    expect(json.outputs.pool).toEqual({ shape: [1, 2, 2], data: [28, 65, 87, 56] });
    expect(json.outputs.input.data).toEqual(LECTURE_4X4.flat());
  });

  it('--top K lists the highest classes with the document labels', async () => {
    const model = write(
      'labelled.json',
      JSON.stringify({
        ...chainDoc({ channels: 1, height: 4, width: 4 }, [{ id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 } }, { id: 'flat', type: 'Flatten' }]),
        labels: ['cat', 'dog', 'bird', 'fish'],
      }),
    );
    const r = await cli('infer', model, '--input', lecture, '--json', '--top', '2', '--backend', 'reference');
    expect(JSON.parse(r.out).top).toEqual({ flat: [{ index: 2, label: 'bird', score: 87 }, { index: 1, label: 'dog', score: 65 }] });
    const text = await cli('infer', model, '--input', lecture, '--top', '2', '--backend', 'reference');
    expect(text.out).toMatch(/1\.\s+2\s+87\.000\s+bird\n\s+2\.\s+1\s+65\.000\s+dog/);
    // No conv or dense kernel here: nothing random to warn about.
    expect(text.err).not.toMatch(/random/);
  });

  it('--top notes on stderr when the class scores come from random kernels, and not for an imported model', async () => {
    const pair = lenetSidecarPair();
    const tensor = write('lenet-top-input.json', JSON.stringify({ shape: (pair.input as { shape: number[] }).shape, data: Array.from((pair.input as { data: Float32Array }).data) }));
    const preset = await cli('infer', 'preset:lenet5', '--input', tensor, '--top', '3', '--seed', '7', '--backend', 'reference');
    expect(preset.code).toBe(0);
    expect(preset.err).toBe('note: Untrained: every weight is random (seed 7), so these classes say nothing about the input. Trained weights come with an ONNX model: cnn-studio import model.onnx -o model.cnn.json\n');
    const json = await cli('infer', 'preset:lenet5', '--input', tensor, '--top', '3', '--json', '--backend', 'reference');
    expect(json.err).toMatch(/^note: Untrained: every weight is random \(seed 42\)/);
    expect(Object.keys(JSON.parse(json.out)).sort()).toEqual(['outputs', 'timeMs', 'top']);
    const imported = await cli('infer', write('lenet-imported.json', JSON.stringify(pair.inline)), '--input', tensor, '--top', '3', '--backend', 'reference');
    expect(imported.err).toBe('');
  });

  it('notes on stderr when batch norms ran on the statistics of this input; --json names them', async () => {
    const layers = (bn: Record<string, number[]> | undefined) => [
      { id: 'conv', type: 'Conv2D', params: { filters: 2, kernel: 3, padding: 'same' } },
      { id: 'bn', type: 'BatchNorm', ...(bn ? { weights: bn } : {}) },
    ];
    const untrained = write('bn.json', JSON.stringify(chainDoc({ channels: 1, height: 4, width: 4 }, layers(undefined))));
    for (const backend of ['ort', 'reference']) {
      const text = await cli('infer', untrained, '--input', lecture, '--backend', backend);
      expect(text.code).toBe(0);
      expect(text.err).toBe('note: Batch norm uses statistics of this image (no trained statistics yet).\n');
      const json = await cli('infer', untrained, '--input', lecture, '--json', '--backend', backend);
      expect(json.err).toBe(text.err);
      expect(JSON.parse(json.out).calibratedBatchNorm).toEqual(['bn']);
    }
    const trained = write('bn-trained.json', JSON.stringify(chainDoc({ channels: 1, height: 4, width: 4 }, layers({ mean: [0.5, -1], var: [2, 0.5] }))));
    const r = await cli('infer', trained, '--input', lecture, '--json', '--backend', 'reference');
    expect(r.err).toBe('');
    expect(Object.keys(JSON.parse(r.out)).sort()).toEqual(['outputs', 'timeMs']);
  });

  it('runs a preset on a PNG the test made, on both backends with the same result', async () => {
    const png = new PNG({ width: 40, height: 30 });
    for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) % 256;
    const image = write('img.png', PNG.sync.write(png));
    const ref = JSON.parse((await cli('infer', 'preset:lenet5', '--input', image, '--json', '--backend', 'reference', '--seed', '7')).out);
    const ort = JSON.parse((await cli('infer', 'preset:lenet5', '--input', image, '--json', '--backend', 'ort', '--seed', '7')).out);
    const [id] = Object.keys(ref.outputs);
    expect(ref.outputs[id].shape).toEqual([10]);
    expect(ref.outputs[id].data.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    ref.outputs[id].data.forEach((v: number, i: number) => expect(Math.abs(v - ort.outputs[id].data[i])).toBeLessThan(1e-5));
  });

  it('fails with one clear line on a wrong input', async () => {
    const wrong = write('wrong.json', JSON.stringify({ shape: [3, 4, 4], data: new Array(48).fill(0) }));
    const r = await cli('infer', poolModel, '--input', wrong, '--backend', 'reference');
    expect(r.code).toBe(2);
    expect(r.err).toBe('cnn-studio infer: Input "input" expects a tensor of shape [1, 4, 4] (C×H×W), but got [3, 4, 4].\n');
    const missing = await cli('infer', poolModel);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--input <image \| tensor.json> is required/);
  });
});
