/**
 * Issue 22, the CLI's findings (items 3, 5, 7, 8), each reproduced as the audit found it — the real bin
 * as a child process, killed if it hangs: files a model must not make it read, inputs that hung or
 * exhausted memory, output piped to a reader that leaves, and bad input that ended in "internal error".
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, tensorToFloat32 } from '../core/onnx/proto';
import { model, node, tinyValidModel } from '../core/onnx/importer/testing';
import { findPython } from '../runtime/python';
import { builtCli } from './testing';

let BIN: string;
beforeAll(async () => {
  BIN = await builtCli();
});
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-hardening-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const posix = process.platform !== 'win32';
/** A stack trace or Node's own error output. */
const NO_STACK = /\n\s+at |node:internal|Unhandled 'error' event|internal error/;

/** The bin on `args`; killed after `timeoutMs` (a hang is `code: null, killed: true`). */
function cli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; killed: boolean; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number; killed?: boolean }) | null;
      res({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, killed: !!e?.killed, stdout, stderr });
    });
  });
}

const json = (v: unknown) => JSON.stringify(v);
/** Input 1×2×2 → Flatten → Dense 2 whose kernel is `kernel`. */
function denseDoc(kernel: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    format: 'cnn-studio.model',
    version: 1,
    ...extra,
    nodes: [
      { id: 'input', type: 'Input', params: { channels: 1, height: 2, width: 2 } },
      { id: 'f', type: 'Flatten' },
      { id: 'fc', type: 'Dense', params: { units: 2 }, weights: { kernel: { shape: [2, 4], ...kernel } } },
    ],
    edges: [
      { source: 'input', target: 'f' },
      { source: 'f', target: 'fc' },
    ],
  };
}
const sidecarDoc = (weightsFile: string) => denseDoc({ sidecar: { offset: 0, length: 32 } }, { weightsFile });
const write = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
  return p;
};
const tensor = write('t4.json', json({ shape: [1, 2, 2], data: [1, 2, 3, 4] }));

describe('item 3: a model names only a sidecar beside it', () => {
  // A file the model must never read: 32 bytes of 7.0f, one folder up from the model.
  const secret = write('secret.bin', new Uint8Array(Float32Array.from({ length: 8 }, () => 7).buffer));

  for (const [what, weightsFile] of [
    ['a relative path out of the folder', '../secret.bin'],
    ['an absolute path', secret],
    ['/dev/zero', '/dev/zero'],
    ['the audit path', '../../../../etc/passwd'],
  ] as const) {
    it(`weightsFile as ${what}: refused with a clear message, never read`, async () => {
      const m = write(`models/${what.replace(/\W+/g, '-')}.json`, json(sidecarDoc(weightsFile)));
      const v = await cli(['validate', m], 15_000);
      expect(v.killed).toBe(false);
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(/error \[bad-weights-file\] \(at weightsFile\): The model's weightsFile ".*" is not a plain file name; the weights file must sit next to the model's JSON file\./);
      const out = join(dir, `${what.replace(/\W+/g, '-')}.onnx`);
      const e = await cli(['export', m, '-o', out], 15_000);
      expect(e.killed).toBe(false);
      expect(e.code).toBe(2);
      expect(e.stderr).toMatch(/^cnn-studio export: The model's weightsFile ".*" is not a plain file name/);
      expect(existsSync(out)).toBe(false);
      const i = await cli(['infer', m, '--input', tensor], 15_000);
      expect([i.code, i.killed]).toEqual([2, false]);
      expect(i.stdout).toBe('');
    }, 60_000);
  }

  it.runIf(posix)('a plain name that links out of the folder, or to a device, is refused too; validate says why', async () => {
    const m = write('linked/m.json', json(sidecarDoc('w.weights.bin')));
    symlinkSync(secret, join(dir, 'linked/w.weights.bin'));
    const v = await cli(['validate', m]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/The model's weightsFile w\.weights\.bin is a link to ".*secret\.bin", outside the model's folder — refused\./);
    const out = join(dir, 'linked.onnx');
    expect((await cli(['export', m, '-o', out])).code).toBe(2);
    expect(existsSync(out)).toBe(false);

    const z = write('zero/m.json', json(sidecarDoc('w.weights.bin')));
    symlinkSync('/dev/zero', join(dir, 'zero/w.weights.bin'));
    const r = await cli(['infer', z, '--input', tensor], 15_000);
    expect([r.code, r.killed]).toEqual([2, false]);
    expect(r.stderr).toMatch(/w\.weights\.bin is a link to "\/dev\/zero", outside the model's folder — refused\./);

    const f = write('fifo/m.json', json(sidecarDoc('w.weights.bin')));
    execFileSync('mkfifo', [join(dir, 'fifo/w.weights.bin')]);
    const q = await cli(['export', f, '-o', join(dir, 'fifo.onnx')], 15_000);
    expect([q.code, q.killed]).toEqual([2, false]);
    expect(q.stderr).toContain('w.weights.bin is not a regular file (a device, pipe or socket) — refused.');
  }, 60_000);

  it('the sidecar beside the model is read; a short one is reported by validate', async () => {
    const m = write('good/m.json', json(sidecarDoc('m.weights.bin')));
    write('good/m.weights.bin', new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]).buffer));
    expect((await cli(['validate', m])).code).toBe(0);
    const out = join(dir, 'good.onnx');
    expect((await cli(['export', m, '-o', out])).code).toBe(0);
    const kernel = decodeModel(readFileSync(out)).graph!.initializer!.find((t) => t.name === 'fc.kernel')!;
    expect([...tensorToFloat32(kernel)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    write('good/m.weights.bin', new Uint8Array(16));
    const v = await cli(['validate', m]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('m.weights.bin is 16 bytes but the model needs 32 bytes of weights from it');
  }, 60_000);
});

describe.runIf(posix)('item 5: unbounded inputs', () => {
  const fifo = join(dir, 'in.fifo');
  const folder = join(dir, 'a-folder.json');
  mkdirSync(folder);
  execFileSync('mkfifo', [fifo]);

  for (const [what, path] of [
    ['/dev/zero', '/dev/zero'],
    ['a FIFO', fifo],
    ['a directory', folder],
  ] as const) {
    it(`${what} is refused at once by validate, summary, import and infer --input`, async () => {
      const runs = await Promise.all([
        cli(['validate', path], 15_000),
        cli(['summary', path], 15_000),
        cli(['import', path, '-o', join(dir, 'never.json')], 15_000),
        cli(['infer', 'preset:lenet5', '--input', path], 15_000),
      ]);
      for (const r of runs) {
        expect(r.killed, r.stderr).toBe(false);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(what === 'a directory' ? /it is a directory, not a file\.\n$/ : /it is not a regular file \(a device, pipe or socket\)\.\n$/);
        expect(r.stderr).not.toMatch(NO_STACK);
      }
      expect(existsSync(join(dir, 'never.json'))).toBe(false);
    }, 60_000);
  }

  it('a FIFO as ONNX external data does not hang import', async () => {
    const sub = join(dir, 'external');
    mkdirSync(sub);
    const m = tinyValidModel();
    m.initializers[0] = { name: 'w', dims: [3, 2, 3, 3], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'w.weights.bin' }] };
    writeFileSync(join(sub, 'm.onnx'), encodeModel(model(m)));
    execFileSync('mkfifo', [join(sub, 'w.weights.bin')]);
    const r = await cli(['import', join(sub, 'm.onnx'), '-o', join(sub, 'm.json')], 15_000);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot read the external data file "w.weights.bin": it is not a regular file (a device, pipe or socket).');
  }, 30_000);

  it('a small PNG declaring 20000×20000 pixels (valid, CRCs and all) is refused from its header', async () => {
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
      return Buffer.concat([head, data, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20000, 0);
    ihdr.writeUInt32BE(20000, 4);
    ihdr.set([8, 6, 0, 0, 0], 8);
    // One row of image data is enough: pngjs sized its inflate buffer (1.6 GB) from the header alone.
    const idat = deflateSync(Buffer.alloc(20000 * 4 + 1));
    const png = write('huge.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]));
    expect(readFileSync(png).length).toBeLessThan(2000);
    const r = await cli(['infer', 'preset:lenet5', '--input', png], 20_000);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is 20000×20000 = 400,000,000 pixels, over the limit of 100,000,000 — scale it down first.');
  }, 30_000);
});

describe('item 7: output', () => {
  /** Runs the bin with stdout piped, reads `bytes` of it, then closes the pipe (as `| head -c` does). */
  function readThenClose(args: string[], bytes: number): Promise<{ code: number | null; signal: string | null; stderr: string; got: number }> {
    return new Promise((res) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let got = 0;
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= bytes) child.stdout.destroy();
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        res({ code, signal, stderr, got });
      });
    });
  }

  it('a reader that leaves early (| head -1) ends the command quietly: exit 0, no stack trace', async () => {
    const r = await readThenClose(['summary', 'preset:resnet152', '--expand'], 1);
    expect(r.got).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
    expect([r.code, r.signal]).toEqual([0, null]);
    const inputImage = write('img.json', json({ shape: [1, 32, 32], data: Array.from({ length: 1024 }, (_, i) => (i % 7) / 7) }));
    const j = await readThenClose(['infer', 'preset:lenet5', '--input', inputImage, '--all', '--json'], 100);
    expect(j.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect([j.code, j.signal]).toEqual([0, null]);
  }, 120_000);

  it.runIf(posix)('export writes through a symbolic link (the link stays) and leaves no temporary file', async () => {
    const sub = join(dir, 'linked-out');
    const real = join(dir, 'real-out');
    mkdirSync(sub);
    mkdirSync(real);
    writeFileSync(join(real, 'model.py'), 'old');
    symlinkSync(join(real, 'model.py'), join(sub, 'model.py'));
    const r = await cli(['export', 'preset:lenet5', '--format', 'pytorch', '-o', join(sub, 'model.py')]);
    expect(r.code).toBe(0);
    expect(lstatSync(join(sub, 'model.py')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(real, 'model.py'), 'utf8')).toContain('class LeNet5(nn.Module):');
    expect(readdirSync(sub)).toEqual(['model.py']);
    expect(readdirSync(real)).toEqual(['model.py']);
    // A target that cannot be replaced: exit 2, nothing left behind.
    mkdirSync(join(sub, 'dir.onnx'));
    const bad = await cli(['export', 'preset:lenet5', '-o', join(sub, 'dir.onnx')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`cnn-studio export: cannot write "${join(sub, 'dir.onnx')}": it is not a regular file; nothing was changed.\n`);
    expect(readdirSync(sub).sort()).toEqual(['dir.onnx', 'model.py']);
  }, 60_000);
});

describe('item 8: bad input is a clear message and exit 1 or 2, never "internal error"', () => {
  it('an ONNX model whose input and a layer are named "__proto__" imports and runs', async () => {
    const m = model(tinyValidModel());
    m.graph!.input![0].name = '__proto__';
    for (const n of m.graph!.node!) n.input = n.input!.map((x) => (x === 'x' ? '__proto__' : x));
    const relu = m.graph!.node!.find((n) => n.opType === 'Relu')!;
    relu.name = '__proto__';
    const onnx = write('proto.onnx', encodeModel(m));
    const out = join(dir, 'proto.json');
    const imp = await cli(['import', onnx, '-o', out]);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.nodes.map((n: { id: string }) => n.id)).not.toContain('__proto__');
    const input = write('proto-in.json', json({ shape: [2, 6, 6], data: Array.from({ length: 72 }, (_, i) => i / 72) }));
    for (const extra of [[], ['--all'], ['--all', '--backend', 'reference']]) {
      const r = await cli(['infer', out, '--input', input, '--json', ...extra]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(Object.keys(JSON.parse(r.stdout).outputs).length).toBeGreaterThan(0);
    }
    // A document that names a node "__proto__" itself is refused when read, saying why.
    const hand = write('hand-proto.json', json({ format: 'cnn-studio.model', version: 1, nodes: [{ id: '__proto__', type: 'Input', params: { channels: 1, height: 2, width: 2 } }, { id: 'f', type: 'Flatten' }], edges: [{ source: '__proto__', target: 'f' }] }));
    const h = await cli(['infer', hand, '--input', tensor, '--all']);
    expect(h.code).toBe(2);
    expect(h.stderr).toContain('nodes[0].id: node id "__proto__" is reserved');
  }, 60_000);

  it('a document with only an Input node: export says there is nothing to export (no ORT C++ message)', async () => {
    const only = write('only.json', json({ format: 'cnn-studio.model', version: 1, nodes: [{ id: 'input', type: 'Input', params: { channels: 1, height: 2, width: 2 } }], edges: [] }));
    const out = join(dir, 'only.onnx');
    const r = await cli(['export', only, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cnn-studio export: the model has no layer after its Input, so there is nothing to export — connect layers to the Input.\n');
    expect(existsSync(out)).toBe(false);
    const i = await cli(['infer', only, '--input', tensor, '--all']);
    expect(i.code).toBe(0);
    expect(i.stderr).not.toMatch(/onnxruntime|\.cc:/);
  }, 60_000);

  it('bad base64 and wrong-shaped weights: validate reports them; infer and export exit 1 with the same sentence', async () => {
    const b64 = write('b64.json', json(denseDoc({ base64: '!!!notbase64' })));
    const shape = write('shape.json', json(denseDoc({ data: [1, 2, 3] })));
    const v1 = await cli(['validate', b64]);
    expect(v1.code).toBe(1);
    expect(v1.stdout).toContain('error [bad-weights] (node fc, at nodes[2].weights.kernel): Node "fc": weight "kernel" is not valid base64 (character "!" at 0).');
    const v2 = await cli(['validate', shape, '--json']);
    expect(v2.code).toBe(1);
    const report = JSON.parse(v2.stdout);
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d: { code: string; message: string }) => `${d.code}: ${d.message}`)).toContain('bad-weights: Node "fc": weight "kernel" has 3 values, but 2×4 = 8 are needed.');
    const digits = { format: 'cnn-studio.model', version: 1, nodes: [{ id: 'input', type: 'Input', params: { channels: 1, height: 28, width: 28 } }, { id: 'f', type: 'Flatten' }, { id: 'fc', type: 'Dense', params: { units: 10 }, weights: { kernel: { shape: [10, 784], base64: '!!!notbase64' } } }], edges: [{ source: 'input', target: 'f' }, { source: 'f', target: 'fc' }] };
    const trainable = write('b64-digits.json', json(digits));
    const train = ['train', trainable, '--data', 'mnist', '-o', join(dir, 'b64-trained.json'), '--epochs', '1', '--max-steps', '1'];
    for (const args of [['infer', b64, '--input', tensor], ['export', b64, '-o', join(dir, 'b64.onnx')], ['export', b64, '--format', 'pytorch', '-o', join(dir, 'b64.py')], train]) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/: Node "fc": weight "kernel" is not valid base64 \(character "!" at 0\)\.\n$/);
    }
    expect(existsSync(join(dir, 'b64-trained.json'))).toBe(false);
  }, 60_000);

  it('sidecar ranges with no weightsFile, or an empty one: a message, not "internal error"', async () => {
    const none = write('no-wf.json', json(denseDoc({ sidecar: { offset: 0, length: 32 } })));
    const r = await cli(['export', none, '--format', 'pytorch', '-o', join(dir, 'no-wf.py'), '--weights', join(dir, 'no-wf.pt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cnn-studio export: Some weights are ranges of a weights file, but the model names none (no "weightsFile") — they cannot be read.\n');
    const empty = write('empty-wf.json', json(sidecarDoc('')));
    const e = await cli(['export', empty, '--format', 'pytorch', '-o', join(dir, 'empty-wf.py')]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('The model\'s weightsFile "" is not a plain file name');
    expect((await cli(['validate', none])).code).toBe(1);
  }, 60_000);

  it('a 200k-deep tensor JSON and `import <directory>` exit 2 with a message', async () => {
    const deep = write('deep.json', `{"shape":[1,2,2],"data":${'['.repeat(200_000)}1${']'.repeat(200_000)}}`);
    const r = await cli(['infer', 'preset:lenet5', '--input', deep]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cnn-studio infer: "${deep}": "data" is nested deeper than its shape's 3 dimensions.\n`);
    const d = await cli(['import', dir, '-o', join(dir, 'x.json')]);
    expect(d.code).toBe(2);
    expect(d.stderr).toBe(`cnn-studio import: Cannot read "${dir}": it is a directory, not a file.\n`);
  }, 60_000);

  it('a NUL byte (and other control characters) in the name, description or a label keep the PyTorch file parseable', async () => {
    const doc = denseDoc({ data: [1, 2, 3, 4, 5, 6, 7, 8] }, { name: 'a\u0000b\u2028c', description: 'x\u0000y"""z\r\nw\u000bv\u001bq' });
    (doc.nodes[2] as { label?: string }).label = 'dense\u0000\n# not code';
    const m = write('nul.json', json(doc));
    const py = join(dir, 'nul.py');
    const train = join(dir, 'nul-train.py');
    const keras = join(dir, 'nul-keras.py');
    expect((await cli(['export', m, '--format', 'pytorch', '-o', py, '--train-script', train])).code).toBe(0);
    expect((await cli(['export', m, '--format', 'keras', '-o', keras])).code).toBe(0);
    for (const file of [py, train, keras]) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/[\0-\x08\x0b-\x1f\x7f\u2028\u2029]/);
      expect(text).toContain('ab c');
    }
    expect(readFileSync(py, 'utf8')).toContain('\n# xy"""z w vq\n');
    expect(readFileSync(py, 'utf8')).toContain('  # dense # not code\n');
    const python = findPython([]);
    if (python) {
      for (const file of [py, train, keras]) execFileSync(python, ['-c', 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read())', file]);
    }
  }, 60_000);
});
