/**
 * An onnxruntime-node session for a training, gradient or evaluation graph, with thread spinning
 * off: a training loop alternates graph runs with JS work, and spinning pool threads would take the
 * second core from it (measured: halves LeNet-5's step time on a 2-core machine).
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { TrainingGraph } from '../../core/train/training-graph';

export interface GraphSessionOptions {
  /** Threads for one operator (default: all cores). */
  threads?: number;
}

export async function createGraphSession(graph: TrainingGraph, options: GraphSessionOptions = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(graph.builder.encode({}), {
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
}

export const floatTensor = (data: Float32Array<ArrayBufferLike>, dims: readonly number[]) => new ort.Tensor('float32', data, dims as number[]);
export const scalar = (v: number) => new ort.Tensor('float32', Float32Array.of(v), []);

/** A float32 output's data as a Float32Array the caller owns. */
export function outputData(out: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const t = out[name];
  if (!t) throw new Error(`graph output "${name}" missing`);
  return t.data as Float32Array;
}
