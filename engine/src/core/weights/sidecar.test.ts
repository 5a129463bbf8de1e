import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { formatBytes, isPlainFileName, sidecarBytesNeeded, sidecarNameProblem, sidecarSizeProblem, usesSidecar } from './sidecar';

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
});
