import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { getPreset } from '../presets';
import { chainDoc } from '../../runtime/testing/docs';
import { calibratedBatchNorms, calibratedNodes, calibrationNote } from './calibration';

const calibrated = (doc: ModelDocument) => calibratedBatchNorms(doc, analyze(doc).primitives);

describe('calibratedBatchNorms', () => {
  it('every batch norm of a preset: none carries trained statistics (ResNet-50: the stem and 52 inside its 16 units)', () => {
    const doc = getPreset('resnet50');
    const set = calibrated(doc);
    expect(set.size).toBe(53);
    expect(set.has('bn1')).toBe(true);
    expect(set.has('conv2_1/proj_bn')).toBe(true);
    expect(calibratedNodes(analyze(doc).primitives, set)).toEqual(['bn1', ...doc.nodes.filter((n) => n.type === 'ResidualUnit').map((n) => n.id)]);
  });

  it('not a batch norm whose document node gives its running mean or variance — a composite as "<local>.mean"', () => {
    const doc = getPreset('resnet18');
    const unit = doc.nodes.find((n) => n.type === 'ResidualUnit')!;
    unit.weights = { 'bn2.var': { shape: [64], data: new Array(64).fill(2) } };
    doc.nodes.find((n) => n.id === 'bn1')!.weights = { mean: { shape: [64], sidecar: { offset: 0, length: 256 } } };
    const set = calibrated(doc);
    expect(set.has('bn1')).toBe(false);
    expect(set.has(`${unit.id}/bn2`)).toBe(false);
    expect(set.has(`${unit.id}/bn1`)).toBe(true);
    // γ and β alone are not statistics.
    const scaled = chainDoc({ channels: 2, height: 3, width: 3 }, [{ id: 'bn', type: 'BatchNorm', weights: { scale: [1, 2], bias: [0, 1] } }]);
    expect([...calibrated(scaled)]).toEqual(['bn']);
  });

  it('not where a channel has one value (a vector, a 1×1 map): its variance would be 0, and PyTorch refuses it', () => {
    const doc = chainDoc({ channels: 4, height: 1, width: 1 }, [
      { id: 'bn_map', type: 'BatchNorm' },
      { id: 'flat', type: 'Flatten' },
      { id: 'bn_vector', type: 'BatchNorm' },
    ]);
    expect(analyze(doc).valid).toBe(true);
    expect(calibrated(doc).size).toBe(0);
    expect(calibrated(chainDoc({ channels: 4, height: 1, width: 2 }, [{ id: 'bn', type: 'BatchNorm' }])).size).toBe(1);
  });
});

describe('calibrationNote', () => {
  it('one sentence when a run used calibrated batch norms, nothing otherwise', () => {
    expect(calibrationNote(['bn1'])).toBe('Batch norm uses statistics of this image (no trained statistics yet).');
    expect(calibrationNote([])).toBeUndefined();
    expect(calibrationNote(undefined)).toBeUndefined();
  });
});
