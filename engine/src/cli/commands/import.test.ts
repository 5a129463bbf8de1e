import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../core/document/load';
import { analyze } from '../../core/graph/analyze';
import { encodeModel } from '../../core/onnx/proto';
import { encode, model, tinyValidModel } from '../../core/onnx/importer/testing';
import { runCliCaptured } from '../testing';

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-import-'));

const cli = runCliCaptured;

describe('cnn-studio import', () => {
  const onnx = join(dir, 'tiny.onnx');
  writeFileSync(onnx, encode(tinyValidModel()));

  it('writes a valid document with inline weights', async () => {
    const out = join(dir, 'tiny.json');
    const r = await cli('import', onnx, '-o', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^imported .*tiny\.onnx: 5 nodes, 73 parameters; wrote .*tiny\.json\n$/);
    const loaded = parseDocument(readFileSync(out, 'utf8'));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.document.name).toBe('tiny');
    expect(analyze(loaded.document).valid).toBe(true);
    expect(loaded.document.weightsFile).toBeUndefined();
    expect(existsSync(join(dir, 'tiny.weights.bin'))).toBe(false);
  });

  it('--sidecar puts large tensors in <name>.weights.bin next to the JSON', async () => {
    const sub = join(dir, 'out');
    mkdirSync(sub);
    const out = join(sub, 'm.json');
    // The tiny model's tensors are below the sidecar threshold: nothing moves.
    expect((await cli('import', onnx, '-o', out, '--sidecar')).code).toBe(0);
    expect(existsSync(join(sub, 'm.weights.bin'))).toBe(false);
  });

  it('refuses a broken file with its message, exit code 2, and writes nothing', async () => {
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, encode(tinyValidModel()).subarray(0, 40));
    const out = join(dir, 'bad.json');
    const r = await cli('import', bad, '-o', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cnn-studio import: ".*bad\.onnx": Not an ONNX model: the protobuf data is malformed or truncated/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses external data that escapes the folder through a symlink', async () => {
    const sub = join(dir, 'linked');
    mkdirSync(sub);
    writeFileSync(join(dir, 'secret.bin'), new Uint8Array(216));
    symlinkSync(join(dir, 'secret.bin'), join(sub, 'w.bin'));
    const m = tinyValidModel();
    m.initializers[0] = { name: 'w', dims: [3, 2, 3, 3], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] };
    writeFileSync(join(sub, 'm.onnx'), encode(m));
    const r = await cli('import', join(sub, 'm.onnx'), '-o', join(sub, 'm.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/resolves \(through a link\) to .*secret\.bin", outside the model's folder — refused\./);
  });

  describe('--input-shape, for a file whose input height and width are symbolic (dynamic axes)', () => {
    const dynamic = join(dir, 'dynamic.onnx');
    const m = model(tinyValidModel());
    m.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimParam: 'batch' }, { dimValue: 2 }, { dimParam: 'height' }, { dimParam: 'width' }];
    writeFileSync(dynamic, encodeModel(m));

    it('without it: refused with what to pass, exit code 2, nothing written', async () => {
      const out = join(dir, 'dynamic-refused.json');
      const r = await cli('import', dynamic, '-o', out);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^cnn-studio import: ".*dynamic\.onnx": Graph input "x" leaves its height and width open \(batch×2×height×width\), .* import it with an input shape, e\.g\. 2×224×224\. Pass --input-shape 2x224x224\.\n$/);
      expect(existsSync(out)).toBe(false);
    });

    it('with it: imported at that size', async () => {
      const out = join(dir, 'dynamic.json');
      const r = await cli('import', dynamic, '-o', out, '--input-shape', '2x32x40');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^imported .*dynamic\.onnx at 2×32×40: 5 nodes, 73 parameters; wrote .*dynamic\.json\n$/);
      const loaded = parseDocument(readFileSync(out, 'utf8'));
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) return;
      expect(loaded.document.nodes[0].params).toMatchObject({ channels: 2, height: 32, width: 40 });
      const a = analyze(loaded.document);
      expect(a.valid).toBe(true);
      expect(a.nodes[loaded.document.nodes[1].id].outputShape).toEqual([3, 32, 40]);
    });

    it('a malformed shape is a usage error; one the file contradicts says what fits', async () => {
      const bad = await cli('import', dynamic, '-o', join(dir, 'x.json'), '--input-shape=224x224');
      expect(bad.code).toBe(2);
      expect(bad.err).toBe('cnn-studio import: --input-shape: "224x224" is not an input shape: give channels×height×width as three whole numbers, e.g. 3x224x224.\n');
      const clash = await cli('import', dynamic, '-o', join(dir, 'x.json'), '--input-shape', '3x32x32');
      expect(clash.code).toBe(2);
      expect(clash.err).toMatch(/so its channels must be 2, not 3 as in the input shape 3×32×32 — give 2×32×32\. Pass --input-shape 2x32x32\.\n$/);
    });
  });

  it('usage errors', async () => {
    expect((await cli('import', onnx)).code).toBe(2);
    expect((await cli('import', join(dir, 'missing.onnx'), '-o', join(dir, 'x.json'))).err).toMatch(/no such file/);
  });
});

describe('cnn-studio export --format pytorch', () => {
  it('writes model.py, and with --weights a torch.save zip', async () => {
    const py = join(dir, 'lenet.py');
    const pt = join(dir, 'lenet.pt');
    const r = await cli('export', 'preset:lenet5', '--format', 'pytorch', '-o', py, '--weights', pt);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote .*lenet\.py \(class LeNet5, 61,706 parameters\) and .*lenet\.pt \(state dict, 0\.2 MiB\)\n$/);
    const code = readFileSync(py, 'utf8');
    expect(code).toContain('class LeNet5(nn.Module):');
    expect(code).toContain('if __name__ == "__main__":');
    const zip = readFileSync(pt);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    expect(zip.includes('archive/data.pkl')).toBe(true);
  });

  it('without --weights writes only the code; --weights with onnx is a usage error', async () => {
    const py = join(dir, 'only.py');
    expect((await cli('export', 'preset:lenet5', '--format', 'pytorch', '-o', py)).code).toBe(0);
    expect(existsSync(py)).toBe(true);
    const r = await cli('export', 'preset:lenet5', '--format', 'onnx', '-o', join(dir, 'x.onnx'), '--weights', join(dir, 'x.pt'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--weights goes with --format pytorch/);
  });
});
