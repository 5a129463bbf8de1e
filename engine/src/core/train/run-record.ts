/** A training run as the document keeps it (RunRecordSchema), built from what the run reported. */
import type { ModelDocument, RunRecord } from '../document/schema';
import type { Analysis } from '../graph/types';
import type { TrainConfig } from './config';
import type { EpochReport, Metrics } from './progress';

/** Points kept of the per-step curve. */
export const CURVE_POINTS = 500;

export interface RunRecordInput {
  id: string;
  name: string;
  startedAt: Date;
  status: 'done' | 'stopped' | 'failed';
  /** The document as it was trained, and its analysis. */
  design: ModelDocument;
  analysis: Analysis;
  dataset: { name: string; classes: number; trainSamples: number; testSamples: number };
  settings: TrainConfig;
  /** Per reported step: global step, smoothed loss, running accuracy. */
  steps: { step: number; loss: number; accuracy: number }[];
  epochs: EpochReport[];
  stepsPerEpoch: number;
  final: { train: Metrics | null; test: Metrics | null };
  timeMs: number;
}

export function runRecord(r: RunRecordInput): RunRecord {
  const every = Math.max(1, Math.ceil(r.steps.length / CURVE_POINTS));
  const kept = r.steps.filter((_, i) => i % every === 0 || i === r.steps.length - 1);
  const round = (x: number) => Number(x.toPrecision(5));
  return {
    id: r.id,
    name: r.name,
    startedAt: r.startedAt.toISOString(),
    status: r.status,
    design: {
      nodes: r.design.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params, ...(n.label ? { label: n.label } : {}) })),
      edges: r.design.edges.map((e) => ({ source: e.source, target: e.target, ...(e.targetPort !== undefined ? { targetPort: e.targetPort } : {}) })),
    },
    params: r.analysis.totals.params,
    macs: r.analysis.totals.macs,
    activationBytes: r.analysis.totals.activationBytes,
    dataset: r.dataset,
    settings: r.settings as unknown as Record<string, unknown>,
    curve: { step: kept.map((s) => s.step), loss: kept.map((s) => round(s.loss)), accuracy: kept.map((s) => round(s.accuracy)) },
    epochs: r.epochs.map((e) => ({ epoch: e.epoch, train: e.train, test: e.test, timeMs: Math.round(e.timeMs) })),
    stepsPerEpoch: r.stepsPerEpoch,
    final: r.final,
    timeMs: Math.round(r.timeMs),
  };
}
