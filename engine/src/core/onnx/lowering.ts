/**
 * What an op's `lowerOnnx` sees: the ONNX value names of its inputs and output, its weights'
 * initializer names, and a way to add nodes. Values carry a leading batch dimension (N×C×H×W, N×F).
 */
import type { Shape } from '../shape';

/** An ONNX attribute value with its type made explicit (ints and floats are both numbers in JS). */
export type OnnxAttr = { i: number } | { f: number } | { ints: number[] } | { floats: number[] } | { s: string };

export const attr = {
  i: (i: number): OnnxAttr => ({ i }),
  f: (f: number): OnnxAttr => ({ f }),
  ints: (ints: readonly number[]): OnnxAttr => ({ ints: [...ints] }),
  floats: (floats: readonly number[]): OnnxAttr => ({ floats: [...floats] }),
  s: (s: string): OnnxAttr => ({ s }),
};

export interface OnnxLoweringContext {
  /** Value names of the primitive's inputs, in port order. */
  readonly inputs: readonly string[];
  /** Input shapes without the batch dimension. */
  readonly inputShapes: readonly Shape[];
  /** Output shape without the batch dimension. */
  readonly shape: Shape;
  /** The value name the primitive's result must be written to. */
  readonly output: string;
  /**
   * Initializer names of the primitive's weights, by WeightSpec name (kernel, bias, scale, mean, var).
   * When `calibrate` is set, a weight's initializer is added when the lowering first reads it here.
   */
  readonly weights: Readonly<Record<string, string>>;
  /**
   * Batch norms: normalise with the statistics of the value being run instead of the running ones
   * (live inference of a network without trained statistics: core/weights/calibration.ts). Only
   * at batch 1 (compileOnnx refuses it otherwise).
   */
  readonly calibrate?: boolean;
  /** Adds one ONNX node (default domain). */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs?: Record<string, OnnxAttr>): void;
  /** A fresh intermediate value name, unique in the graph. */
  temp(hint: string): string;
  /** A constant int64 initializer (for Pad's pads, Reshape's shape…); returns its name. */
  constInt64(values: readonly number[], hint?: string): string;
  /** A float32 constant (Clip's bounds, GELU's 1/√2…): a scalar when `dims` is absent and one value is given. */
  constFloat(values: number | readonly number[], dims?: readonly number[], hint?: string): string;
}
