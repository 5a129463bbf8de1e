import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { formatBytes, isPlainFileName, MAX_SIDECAR_BYTES, sidecarBytesNeeded, sidecarFileProblem, sidecarNameProblem, sidecarSizeProblem, usesSidecar } from './sidecar';

const doc = (ranges: [number, number][]): ModelDocument => ({
  format: 'cnn-studio.model',
  version: 1,
  name: 'm',
  weightsFile: 'm.weights.bin',
  nodes: ranges.map(([offset, length], i) => ({ id: `d${i}`, type: 'Dense', params: { units: 1 }, weights: { kernel: { shape: [length / 4], sidecar: { offset, length } } } })),
  edges: [],
});

describe('sidecar checks', () => {
  it('the bytes needed are the furthest range end, whatever the order', () => {
    expect(sidecarBytesNeeded(doc([[400, 40], [0, 400]]))).toBe(440);
    expect(sidecarBytesNeeded(doc([]))).toBe(0);
    expect(usesSidecar(doc([[0, 4]]))).toBe(true);
    expect(usesSidecar(doc([]))).toBe(false);
  });

  it('a sidecar shorter than that is explained with both sizes', () => {
    const d = doc([[0, 46_766_080]]);
    expect(sidecarSizeProblem(d, 'resnet18.weights.bin', 1_258_291)).toBe(
      'resnet18.weights.bin is 1.2 MiB but the model needs 44.6 MiB of weights from it — the file is truncated or belongs to another model.',
    );
    expect(sidecarSizeProblem(d, 'resnet18.weights.bin', 46_766_080)).toBeUndefined();
    expect(formatBytes(1000)).toBe('1000 bytes');
    expect(formatBytes(553_430_176)).toBe('528 MiB');
  });

  it('only plain file names in the document’s own folder are accepted', () => {
    for (const ok of ['resnet18.weights.bin', 'my model.weights.bin']) expect(isPlainFileName(ok)).toBe(true);
    for (const bad of ['../x.bin', 'a/b.bin', 'a\\b.bin', '/etc/passwd', 'C:x.bin', '.hidden', '..', '', ' x.bin']) expect(isPlainFileName(bad)).toBe(false);
    expect(sidecarNameProblem('../x.bin')).toMatch(/not a plain file name/);
  });

  it('one rule for what is at the name: a regular file in the folder, within the cap, long enough (issue 22 item 3)', () => {
    const d = doc([[0, 32]]);
    const file = (size: number) => ({ kind: 'file' as const, size });
    expect(sidecarFileProblem(d, 'm.weights.bin', file(32))).toBeUndefined();
    expect(sidecarFileProblem(d, 'm.weights.bin', file(64))).toBeUndefined();
    expect(sidecarFileProblem(d, '../../../../etc/passwd', file(4000))).toMatch(/"..\/..\/..\/..\/etc\/passwd" is not a plain file name/);
    expect(sidecarFileProblem(d, '/dev/zero', { kind: 'other' })).toMatch(/not a plain file name/);
    expect(sidecarFileProblem(d, 'w.weights.bin', { kind: 'other' })).toBe("The model's weightsFile w.weights.bin is not a regular file (a device, pipe or socket) — refused.");
    expect(sidecarFileProblem(d, 'w.weights.bin', { kind: 'directory' })).toBe("The model's weightsFile w.weights.bin is a folder, not a weights file.");
    expect(sidecarFileProblem(d, 'w.weights.bin', { kind: 'missing' })).toBe("The model's weightsFile w.weights.bin was not found next to the model's JSON file.");
    expect(sidecarFileProblem(d, 'w.weights.bin', { kind: 'file', size: 32, outside: '/etc/passwd' })).toBe('The model\'s weightsFile w.weights.bin is a link to "/etc/passwd", outside the model\'s folder — refused.');
    expect(sidecarFileProblem(d, 'w.weights.bin', file(16))).toMatch(/is 16 bytes but the model needs 32 bytes/);
    expect(sidecarFileProblem(d, 'w.weights.bin', file(MAX_SIDECAR_BYTES + 1))).toBe("The model's weightsFile w.weights.bin is 2048 MiB; weights files are read up to 2048 MiB.");
    expect(sidecarFileProblem(d, 'w.weights.bin', file(100), 64)).toBe("The model's weightsFile w.weights.bin is 100 bytes; weights files are read up to 64 bytes.");
    // A control character in a refused name is not echoed to the terminal.
    expect(sidecarNameProblem('a\u001b[2Jb/')).toContain('"a?[2Jb/"');
  });
});
