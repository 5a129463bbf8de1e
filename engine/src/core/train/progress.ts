/**
 * What a training run reports as it goes (trainer → host → editor). Types only: the host API
 * (core/api.ts) carries them, the trainer (runtime/train/trainer.ts) fills them.
 */

export interface Metrics {
  loss: number;
  accuracy: number;
}

export interface TrainProgress {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Steps done in this epoch, and per epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Steps done in the run, and in all. */
  globalStep: number;
  totalSteps: number;
  /** The last step's loss, an exponential moving average of it (0.9), and the epoch's running accuracy. */
  loss: number;
  smoothLoss: number;
  accuracy: number;
  lr: number;
  samplesPerSec: number;
  elapsedMs: number;
  etaMs: number;
  /**
   * Every step since the previous report (this one's last), so a curve keeps each step however
   * seldom reports come: global step, smoothed loss, the epoch's running accuracy.
   */
  steps?: StepPoint[];
}

export interface StepPoint {
  globalStep: number;
  smoothLoss: number;
  accuracy: number;
}

export interface Misclassified {
  /** Index into the dataset. */
  index: number;
  label: number;
  predicted: number;
}

/** How a run ended (the trainer's result and the host's outcome share it). */
export interface TrainSummary {
  status: 'done' | 'stopped';
  /** Epochs and steps finished. */
  epochs: number;
  steps: number;
  /** The last finished epoch's metrics (null when none finished, or without a test split). */
  train: Metrics | null;
  test: Metrics | null;
  timeMs: number;
  /** From the start to the first finished step: graph build, sessions, one step. */
  firstStepMs: number;
  /** The epoch whose weights scored best (test accuracy; train loss without a test split). */
  bestEpoch: number;
  history: EpochReport[];
}

export interface EpochReport {
  epoch: number;
  lr: number;
  train: Metrics;
  test: Metrics | null;
  /** Test split: counts[true][predicted]. */
  confusion: number[][] | null;
  /** The first misclassified test samples (at most 64). */
  misclassified: Misclassified[];
  timeMs: number;
}
