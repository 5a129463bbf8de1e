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

  it('never looks at a path, an absolute name or a device name', async () => {
    for (const bad of ['../../../../etc/passwd', '/etc/passwd', '/dev/zero', 'sub/w.bin', '..']) {
      expect(await refused(model, doc(bad))).toMatch(/is not a plain file name; the weights file must sit next to the model's JSON file\.$/);
    }
  });

  it.runIf(posix)('refuses a link out of the folder, a FIFO, a folder, a link to a device, a short file', async () => {
    writeFileSync(join(root, 'secret.bin'), new Uint8Array(64));
    symlinkSync(join(root, 'secret.bin'), join(dir, 'escape.bin'));
    expect(await refused(model, doc('escape.bin'))).toMatch(/escape\.bin is a link to ".*secret\.bin", outside the model's folder — refused\.$/);
    symlinkSync('/dev/zero', join(dir, 'zero.bin'));
    expect(await refused(model, doc('zero.bin'))).toMatch(/zero\.bin is a link to "\/dev\/zero", outside the model's folder/);
    execFileSync('mkfifo', [join(dir, 'fifo.bin')]);
    expect(await refused(model, doc('fifo.bin'))).toBe("The model's weightsFile fifo.bin is not a regular file (a device, pipe or socket) — refused.");
    mkdirSync(join(dir, 'dir.bin'));
    expect(await refused(model, doc('dir.bin'))).toBe("The model's weightsFile dir.bin is a folder, not a weights file.");
    writeFileSync(join(dir, 'short.bin'), new Uint8Array(16));
    expect(await refused(model, doc('short.bin'))).toMatch(/short\.bin is 16 bytes but the model needs 32 bytes/);
    // A link that stays inside the folder is fine.
    symlinkSync('m.weights.bin', join(dir, 'alias.bin'));
    expect((await readSidecarFile(model, doc('alias.bin')))?.bytes.byteLength).toBe(32);
  });

  it('a missing sidecar is refused when tensors use it, ignored when none does', async () => {
    expect(await refused(model, doc('absent.bin'))).toBe("The model's weightsFile absent.bin was not found next to the model's JSON file.");
    const unused: ModelDocument = { ...doc('absent.bin'), nodes: [] };
    expect(await readSidecarFile(model, unused)).toBeUndefined();
    expect(await inspectSidecarOnDisk(model, unused)).toEqual({});
  });
});
