/** Issue 22 item 3: the sidecar a model file names is read under one rule, or refused unread. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../core/document/schema';
import { inspectSidecarOnDisk, readSidecarFile, SidecarFileError } from './sidecar-file';

const root = mkdtempSync(join(tmpdir(), 'cnn-studio-sidecar-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const posix = process.platform !== 'win32';

const doc = (weightsFile: string, length = 32): ModelDocument => ({
  format: 'cnn-studio.model',
  version: 1,
  name: 'm',
  weightsFile,
  nodes: [{ id: 'fc', type: 'Dense', params: { units: 2 }, weights: { kernel: { shape: [2, length / 8], sidecar: { offset: 0, length } } } }],
  edges: [],
});

async function refused(model: string, d: ModelDocument): Promise<string> {
  const e = await readSidecarFile(model, d).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SidecarFileError);
  // validate reports the same sentence without reading.
  expect((await inspectSidecarOnDisk(model, d)).problem).toBe((e as Error).message);
  return (e as Error).message;
}

describe('readSidecarFile', () => {
  const dir = join(root, 'models');
  mkdirSync(dir);
  const model = join(dir, 'm.json');
  writeFileSync(join(dir, 'm.weights.bin'), new Uint8Array(32).fill(1));

  it('reads the plain-named regular file beside the model', async () => {
    const got = await readSidecarFile(model, doc('m.weights.bin'));
    expect(got?.bytes.byteLength).toBe(32);
    expect(await inspectSidecarOnDisk(model, doc('m.weights.bin'))).toEqual({ size: 32 });
  });

  it('reads only *.weights.bin files by name: a model naming another sibling (tax-return.pdf) gets it refused, unread', async () => {
    writeFileSync(join(dir, 'tax-return.pdf'), new Uint8Array(32).fill(7));
    expect(await refused(model, doc('tax-return.pdf'))).toBe(
      `The model's weightsFile "tax-return.pdf" is not a CNN Studio weights file (*.weights.bin), so it is not read — if it holds this model's weights, rename it to end in .weights.bin (and the weightsFile with it).`,
    );
  });

  it('never looks at a path, an absolute name or a device name', async () => {
    for (const bad of ['../../../../etc/passwd', '/etc/passwd', '/dev/zero', 'sub/w.weights.bin', '..']) {
      expect(await refused(model, doc(bad))).toMatch(/is not a plain file name; the weights file must sit next to the model's JSON file\.$/);
    }
  });

  it.runIf(posix)('refuses a link out of the folder, a FIFO, a folder, a link to a device, a short file', async () => {
    writeFileSync(join(root, 'secret.bin'), new Uint8Array(64));
    symlinkSync(join(root, 'secret.bin'), join(dir, 'escape.weights.bin'));
    expect(await refused(model, doc('escape.weights.bin'))).toMatch(/escape\.weights\.bin is a link to ".*secret\.bin", outside the model's folder — refused\.$/);
    symlinkSync('/dev/zero', join(dir, 'zero.weights.bin'));
    expect(await refused(model, doc('zero.weights.bin'))).toMatch(/zero\.weights\.bin is a link to "\/dev\/zero", outside the model's folder/);
    execFileSync('mkfifo', [join(dir, 'fifo.weights.bin')]);
    expect(await refused(model, doc('fifo.weights.bin'))).toBe("The model's weightsFile fifo.weights.bin is not a regular file (a device, pipe or socket) — refused.");
    mkdirSync(join(dir, 'dir.weights.bin'));
    expect(await refused(model, doc('dir.weights.bin'))).toBe("The model's weightsFile dir.weights.bin is a folder, not a weights file.");
    writeFileSync(join(dir, 'short.weights.bin'), new Uint8Array(16));
    expect(await refused(model, doc('short.weights.bin'))).toMatch(/short\.weights\.bin is 16 bytes but the model needs 32 bytes/);
    // A link that stays inside the folder is fine.
    symlinkSync('m.weights.bin', join(dir, 'alias.weights.bin'));
    expect((await readSidecarFile(model, doc('alias.weights.bin')))?.bytes.byteLength).toBe(32);
  });

  it('a missing sidecar is refused when tensors use it, ignored when none does', async () => {
    expect(await refused(model, doc('absent.weights.bin'))).toBe("The model's weightsFile absent.weights.bin was not found next to the model's JSON file.");
    const unused: ModelDocument = { ...doc('absent.weights.bin'), nodes: [] };
    expect(await readSidecarFile(model, unused)).toBeUndefined();
    expect(await inspectSidecarOnDisk(model, unused)).toEqual({});
  });
});
