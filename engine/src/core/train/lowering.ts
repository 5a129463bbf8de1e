/**
 * What an op's training lowering and gradient rule see. Both extend the inference context
 * (`OnnxLoweringContext`): values carry the batch dimension, weights are graph inputs rather than
 * initializers (they change every step), and the batch size is fixed (one graph per batch size).
 */
import type { OnnxLoweringContext } from '../onnx/lowering';

interface TrainingValues {
  /** The graph's batch size. */
  readonly batch: number;
}

/** `lowerTrain`: the forward pass in training mode (batch statistics, dropout masks). */
export interface TrainLoweringContext extends OnnxLoweringContext, TrainingValues {
  /**
   * A graph input of uniform [0, 1) noise shaped [batch, ...shape], refilled by the trainer each
   * step from the run's seed (a graph's own random ops would repeat one mask every step).
   */
  noise(hint: string, shape: readonly number[]): string;
  /** The new value of a non-trainable weight after this step (batch norm's running statistics). */
  updateState(weightName: string, value: string): void;
  /** Keeps a forward value for the op's gradient rule (`GradLoweringContext.saved[key]`). */
  save(key: string, value: string): void;
}

/** `gradOnnx`: reverse mode for one primitive. */
export interface GradLoweringContext extends OnnxLoweringContext, TrainingValues {
  /** ∂loss/∂output, shaped like the output. */
  readonly outputGrad: string;
  /** What `lowerTrain` saved. */
  readonly saved: Readonly<Record<string, string>>;
  /** Per input port: does anything upstream of it learn (or is the input's gradient asked for)? */
  readonly needsInputGrad: readonly boolean[];
  /** Declares ∂loss/∂input[index] (shaped like that input). Call only where `needsInputGrad[index]`. */
  inputGrad(index: number, value: string): void;
  /** Declares ∂loss/∂weight for a trainable weight, by WeightSpec name. */
  weightGrad(weightName: string, value: string): void;
}
