/**
 * How a run trains: the settings `cnn-studio train`, the host API and the Train tab share, with
 * defaults a learner can use blind (Adam 1e-3, batch 64, 5 epochs, 20% held out for testing).
 */
import { z } from 'zod';
import { OptimizerSchema } from './optimizers';

export const ScheduleSchema = z.object({
  kind: z.enum(['constant', 'step', 'cosine']).default('constant'),
  /** step: multiply the rate by `gamma` every `every` epochs (PyTorch's StepLR). */
  every: z.number().int().positive().default(1),
  gamma: z.number().positive().max(1).default(0.1),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const AugmentSchema = z.object({
  /** Random crop after zero padding by this many pixels (torchvision RandomCrop(size, padding)). 0: off. */
  cropPadding: z.number().int().min(0).max(64).default(0),
  /** Random horizontal flip with probability 0.5. */
  flip: z.boolean().default(false),
});
export type Augment = z.infer<typeof AugmentSchema>;

export const TrainConfigSchema = z.object({
  epochs: z.number().int().positive().max(10_000).default(5),
  batch: z.number().int().positive().max(65_536).default(64),
  lr: z.number().positive().max(10).default(1e-3),
  optimizer: OptimizerSchema.default(OptimizerSchema.parse({})),
  schedule: ScheduleSchema.default(ScheduleSchema.parse({})),
  augment: AugmentSchema.default(AugmentSchema.parse({})),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Share of the data held out for testing (0: train on everything, no test). */
  testSplit: z.number().min(0).lt(1).default(0.2),
  /** Visit the training samples in a new seeded order each epoch (off: dataset order). */
  shuffle: z.boolean().default(true),
  /** Stop each epoch after this many steps (quick looks and tests); absent: the whole epoch. */
  maxStepsPerEpoch: z.number().int().positive().optional(),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
/** Settings as given: every field optional. */
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/** The learning rate of an epoch (0-based), stepped per epoch as PyTorch's StepLR and CosineAnnealingLR (eta_min 0). */
export function learningRate(config: Pick<TrainConfig, 'lr' | 'epochs' | 'schedule'>, epoch: number): number {
  const { lr, schedule } = config;
  if (schedule.kind === 'step') return lr * schedule.gamma ** Math.floor(epoch / schedule.every);
  if (schedule.kind === 'cosine') return (lr * (1 + Math.cos((Math.PI * epoch) / config.epochs))) / 2;
  return lr;
}
