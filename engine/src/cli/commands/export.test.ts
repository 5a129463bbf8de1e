import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, tensorToFloat32 } from '../../core/onnx/proto';
import { chainDoc } from '../../runtime/testing/docs';
import { runCliCaptured } from '../testing';

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-export-'));

const cli = runCliCaptured;

describe('cnn-studio export', () => {
  it('writes a preset as ONNX; --seed changes the seeded weights', async () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    expect((await cli('export', 'preset:lenet5', '--format', 'onnx', '-o', a)).code).toBe(0);
    const r = await cli('export', 'preset:lenet5', '-o', b, '--seed', '5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote .*b\.onnx/);
    const ma = decodeModel(readFileSync(a));
    const mb = decodeModel(readFileSync(b));
    expect(ma.opsetImport![0].version).toBe(17);
    const wa = tensorToFloat32(ma.graph!.initializer![0]);
    const wb = tensorToFloat32(mb.graph!.initializer![0]);
    expect(wa.length).toBe(wb.length);
    expect(wa).not.toEqual(wb);
  });

  it('exports a model file with its inline weights', async () => {
    const model = join(dir, 'dense.json');
    writeFileSync(model, JSON.stringify(chainDoc({ channels: 1, height: 2, width: 2 }, [{ type: 'Flatten' }, { id: 'fc', type: 'Dense', params: { units: 2 }, weights: { kernel: [1, 2, 3, 4, 5, 6, 7, 8], bias: [0.5, -0.5] } }])));
    const out = join(dir, 'dense.onnx');
    const r = await cli('export', model, '-o', out);
    expect(r.err).toBe('');
    const m = decodeModel(readFileSync(out));
    const kernel = m.graph!.initializer!.find((t) => t.name === 'fc.kernel')!;
    expect(kernel.dims).toEqual([2, 4]);
    expect([...tensorToFloat32(kernel)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('usage errors and invalid models exit non-zero with one line and write nothing', async () => {
    const out = join(dir, 'never.onnx');
    expect((await cli('export', 'preset:lenet5')).code).toBe(2);
    expect((await cli('export', 'preset:lenet5', '-o', out, '--format', 'tflite')).err).toMatch(/unknown --format "tflite"/);
    expect((await cli('export', 'preset:lenet5', '-o', out, '--seed', 'x')).code).toBe(2);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(chainDoc({ channels: 1, height: 2, width: 2 }, [{ type: 'Conv2D', params: { filters: 1, kernel: 5 } }])));
    const r = await cli('export', bad, '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot be exported/);
    expect(existsSync(out)).toBe(false);
  });
});
