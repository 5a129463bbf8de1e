import { describe, expect, it } from 'vitest';
import { analyze } from '../../core/graph/analyze';
import { getPreset } from '../../core/presets';
import { OptimizerSchema } from '../../core/train/optimizers';
import { buildTrainingGraph } from '../../core/train/training-graph';
import { createGraphSession, spinWithinRuns } from './graph-session';

const stepGraph = (preset: string, batch: number) => {
  const doc = getPreset(preset);
  return buildTrainingGraph(doc, analyze(doc), { kind: 'step', batch, optimizer: OptimizerSchema.parse({ kind: 'adam' }) });
};

describe('training sessions', () => {
  it('spin within runs for small graphs (many short operators), never for large ones', () => {
    const lenet = stepGraph('lenet5', 64);
    expect(lenet.forwardMacs).toBe(analyze(getPreset('lenet5')).totals.macs * 64);
    expect(spinWithinRuns(lenet)).toBe(true);
    expect(spinWithinRuns(stepGraph('resnet20', 64))).toBe(false);
    expect(spinWithinRuns({})).toBe(false); // a batch of any size: unknown work
  });

  it('a spinning session runs a step (onnxruntime takes the options)', async () => {
    const graph = stepGraph('lenet5', 2);
    const session = await createGraphSession(graph);
    try {
      expect(session.inputNames).toContain(graph.image);
    } finally {
      await session.release();
    }
  });
});
