/** Test helpers: run records built by the real builder (core/train/run-record.ts) from real designs. */
import { analyze, getPreset, type ModelDocument } from '../engine';
import type { RunRecord } from '../../../engine/src/core/document/schema';
import { runRecord } from '../../../engine/src/core/train/run-record';
import { TrainConfigSchema, type TrainConfigInput } from '../../../engine/src/core/train/config';

export function lenet(): ModelDocument {
  return getPreset('lenet5');
}

/** A copy of `doc` with one node's params changed. */
export function withParams(doc: ModelDocument, id: string, params: Record<string, unknown>): ModelDocument {
  if (!doc.nodes.some((n) => n.id === id)) throw new Error(`no node ${id}`);
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)) };
}

export interface FakeRun {
  id?: string;
  name?: string;
  startedAt?: Date;
  settings?: TrainConfigInput;
  /** Per epoch: [train accuracy, test accuracy | null]. */
  accuracy?: [number, number | null][];
  stepsPerEpoch?: number;
  epochMs?: number;
  dataset?: Partial<RunRecord['dataset']>;
  status?: 'done' | 'stopped' | 'failed';
}

/** A run of `design` with smooth made-up curves: loss 2.3 falling, the given accuracies per epoch. */
export function fakeRun(design: ModelDocument, f: FakeRun = {}): RunRecord {
  const accuracy = f.accuracy ?? [
    [0.9, 0.92],
    [0.96, 0.97],
  ];
  const stepsPerEpoch = f.stepsPerEpoch ?? 10;
  const epochMs = f.epochMs ?? 2000;
  const steps = accuracy.flatMap((_, e) => Array.from({ length: stepsPerEpoch }, (_, s) => e * stepsPerEpoch + s + 1)).map((step) => ({ step, loss: 2.3 / step, accuracy: 1 - 1 / (step + 1) }));
  const epochs = accuracy.map(([train, test], i) => ({
    epoch: i + 1,
    lr: 1e-3,
    train: { loss: 0.5 / (i + 1), accuracy: train },
    test: test === null ? null : { loss: 0.4 / (i + 1), accuracy: test },
    confusion: null,
    misclassified: [],
    timeMs: epochMs,
  }));
  const last = epochs[epochs.length - 1];
  return runRecord({
    id: f.id ?? 'run-1',
    name: f.name ?? 'LeNet-5 #1',
    startedAt: f.startedAt ?? new Date(2025, 2, 12, 14, 5),
    status: f.status ?? 'done',
    design,
    analysis: analyze(design),
    dataset: { name: 'mnist', classes: 10, trainSamples: 48000, testSamples: 12000, ...f.dataset },
    settings: TrainConfigSchema.parse({ epochs: Math.max(1, accuracy.length), ...f.settings }),
    steps,
    epochs,
    stepsPerEpoch,
    final: { train: last?.train ?? null, test: last?.test ?? null },
    timeMs: epochMs * epochs.length + 500,
  });
}
