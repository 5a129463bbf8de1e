/**
 * An onnxruntime-node session for a training, gradient or evaluation graph. Its pool threads never
 * spin between runs: a training loop alternates graph runs with JS work, and spinning threads would
 * take the second core from it (measured: halves LeNet-5's step time on a 2-core machine). Small
 * graphs spin *within* a run and stop when it returns (`session.force_spinning_stop`): their many
 * short operators otherwise each wake a sleeping thread — LeNet-5's step against PyTorch, side by
 * side, 0.72× and 0.74× without, 0.48× and 0.63× with (two runs each of `npm run bench -- train`
 * with the LeNet-5 step alone); ResNet-20's larger operators gain nothing (1.28× against 1.39×,
 * CPU time 1.16× against 1.32× of PyTorch's), so graphs over SPIN_WITHIN_RUNS_MAX_MACS do not.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { numel } from '../../core/shape';
import type { TrainingGraph } from '../../core/train/training-graph';
import { SPIN_WITHIN_RUNS } from '../ort/ort-backend';
import { encodeForSession, nchwcBlockSize } from './nchwc';

/** Forward multiply-accumulates over a batch up to which a session's threads spin within a run (LeNet-5 at 64: 2.7e7; ResNet-20: 2.6e9). */
export const SPIN_WITHIN_RUNS_MAX_MACS = 1e9;

export interface GraphSessionOptions {
  /** Threads for one operator (default: all cores). */
  threads?: number;
}

export async function createGraphSession(graph: TrainingGraph, options: GraphSessionOptions = {}): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    // "extended", not "all": the layout pass of "all" (NCHWc) only reaches convolutions and pools
    // with constant weights, here the window-patch convolutions and the pools, and pays a reorder
    // in and out around each (measured side by side: 10% slower steps on LeNet-5 and ResNet-20).
    // The convolutions whose filters are inputs get the NCHWc kernels from our own rewrite instead.
    graphOptimizationLevel: 'extended',
    executionMode: 'sequential',
    extra: { session: { ...(spinWithinRuns(graph) ? SPIN_WITHIN_RUNS : { intra_op: { allow_spinning: '0' } }), inter_op: { allow_spinning: '0' } } },
  };
  const block = await nchwcBlockSize();
  if (block > 0) {
    try {
      return await ort.InferenceSession.create(encodeForSession(graph.builder, block), sessionOptions);
    } catch {
      // A rewritten graph this build refuses: the standard graph always runs.
    }
  }
  return ort.InferenceSession.create(graph.builder.encode({}), sessionOptions);
}

/** Whether a session for `graph` spins within runs (see the top of this file). */
export function spinWithinRuns(graph: Pick<TrainingGraph, 'forwardMacs'>): boolean {
  return graph.forwardMacs !== undefined && graph.forwardMacs <= SPIN_WITHIN_RUNS_MAX_MACS;
}

export const floatTensor = (data: Float32Array<ArrayBufferLike>, dims: readonly number[]) => new ort.Tensor('float32', data, dims as number[]);
export const scalar = (v: number) => new ort.Tensor('float32', Float32Array.of(v), []);

/** A float32 output's data as a Float32Array the caller owns. */
export function outputData(out: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const t = out[name];
  if (!t) throw new Error(`graph output "${name}" missing`);
  return t.data as Float32Array;
}

/**
 * A step's new weights and optimizer state, into the caller's maps: trainable weights become views
 * of the one packed `params` output (no copies), batch-norm statistics and state their own outputs.
 */
export function takeStepOutputs(graph: TrainingGraph, out: ort.InferenceSession.OnnxValueMapType, weights: Map<string, Float32Array>, state: Map<string, Float32Array>): void {
  const params = graph.params ? outputData(out, graph.params.output) : undefined;
  for (const w of graph.weights) {
    if (w.offset !== undefined && params) weights.set(w.input, params.subarray(w.offset, w.offset + numel(w.spec.shape)));
    else if (w.output) weights.set(w.input, outputData(out, w.output));
  }
  for (const s of graph.state) state.set(s.input, outputData(out, s.output));
}
