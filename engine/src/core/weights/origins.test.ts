import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { getPreset } from '../presets';
import { lenetSidecarPair } from '../../runtime/testing/sidecar-docs';
import { randomWeightOrigins, untrainedWarning } from './origins';

const origins = (doc: Parameters<typeof analyze>[0]) => randomWeightOrigins(doc, analyze(doc).primitives);

describe('randomWeightOrigins', () => {
  it('counts every conv and dense kernel of a preset as seeded (ResNet-50: torchvision has 53 convs and 1 fc)', () => {
    expect(origins(getPreset('resnet50'))).toEqual({ given: 0, seeded: 54 });
    expect(origins(getPreset('lenet5'))).toEqual({ given: 0, seeded: 5 });
  });

  it('counts kernels an imported model gives, inline or in a sidecar', () => {
    const { inline, withSidecar } = lenetSidecarPair();
    expect(origins(inline)).toEqual({ given: 5, seeded: 0 });
    expect(origins(withSidecar)).toEqual({ given: 5, seeded: 0 });
  });

  it('reads a composite weight by its local key', () => {
    const doc = getPreset('resnet50');
    const unit = doc.nodes.find((n) => n.type === 'ResidualUnit')!;
    const kernel = analyze(doc).primitives.nodes.find((p) => p.id === `${unit.id}/conv1`)!.weights.find((w) => w.name === 'kernel')!;
    const given = { ...doc, nodes: doc.nodes.map((n) => (n === unit ? { ...n, weights: { 'conv1.kernel': { shape: kernel.shape, data: new Array(kernel.shape.reduce((a, b) => a * b, 1)).fill(0) } } } : n)) };
    expect(origins(given)).toEqual({ given: 1, seeded: 53 });
  });
});

describe('untrainedWarning', () => {
  it('warns while any kernel is random', () => {
    expect(untrainedWarning({ given: 0, seeded: 5 }, 42)).toBe('Untrained: every weight is random (seed 42), so these classes say nothing about the input.');
    expect(untrainedWarning({ given: 1, seeded: 53 }, 7)).toMatch(/^53 of 54 conv and dense kernels are random \(seed 7\)/);
    expect(untrainedWarning({ given: 5, seeded: 0 }, 42)).toBeUndefined();
  });
});
