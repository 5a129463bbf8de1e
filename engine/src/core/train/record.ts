/** What a document records of the run that trained it (`training`, document format v1). */
import type { TrainingRecord } from '../document/schema';
import type { TrainConfig } from './config';
import type { Metrics } from './progress';

export interface RunSummary {
  /** "mnist", or the image folder's name. */
  dataset: string;
  epochs: number;
  steps: number;
  train: Metrics;
  test: Metrics | null;
  timeMs: number;
  trainSamples: number;
  testSamples: number;
}

export function trainingRecord(config: TrainConfig, run: RunSummary, finishedAt = new Date()): TrainingRecord {
  return {
    dataset: run.dataset,
    trainSamples: run.trainSamples,
    testSamples: run.testSamples,
    epochs: run.epochs,
    steps: run.steps,
    batch: config.batch,
    optimizer: config.optimizer.kind,
    lr: config.lr,
    schedule: config.schedule.kind,
    seed: config.seed,
    settings: { optimizer: config.optimizer, schedule: config.schedule, augment: config.augment, testSplit: config.testSplit, shuffle: config.shuffle },
    train: run.train,
    test: run.test,
    timeMs: Math.round(run.timeMs),
    finishedAt: finishedAt.toISOString(),
  };
}
