/**
 * A backend runs an analysed document. Two implement it: the onnxruntime-node backend (fast path,
 * engine/src/runtime/ort/) and the plain-TypeScript reference backend (engine/src/runtime/reference/).
 */
import type { ModelDocument } from '../core/document/schema';
import type { Analysis, PrimitiveNode } from '../core/graph/types';
import type { NodeRunResult, TensorResult } from '../core/api';

export interface BackendRunOptions {
  /** Per-node stats and uint8 previews for every document node that ran. */
  previews: boolean;
  /** Which full tensors to return, by document node id. */
  tensors: 'outputs' | 'all' | 'none' | string[];
  /** Weight seed (document seed when absent). */
  seed?: number;
  /** Set when the caller no longer wants the result; backends check it between steps where they can. */
  signal?: AbortSignal;
  /** A one-off run (fetchTensor's all-outputs run): a session built for it is not re-optimised later. */
  oneOff?: boolean;
  /** The bytes of the document's weights sidecar, for tensors stored there (docs/weights.md). */
  sidecar?: Uint8Array;
  /**
   * Names those bytes (the host's token for them): two sidecars with the same ranges but different
   * contents have different keys, so a cached compilation of one is never reused for the other.
   */
  sidecarKey?: string;
  /**
   * Batch norms without trained statistics run on the statistics of this input (default true;
   * core/weights/calibration.ts). false: every batch norm uses its running statistics, as exported.
   */
  calibrateBatchNorm?: boolean;
  /**
   * Document nodes whose outputs are given among `inputs` (a partial run, partial-run.ts: the
   * analysis has them as Input primitives): no statistics or previews for them — the caller has them.
   */
  fed?: readonly string[];
  /**
   * Names everything the compiled graph depends on, exactly (node-keys.ts: given weights hashed in
   * full, fed nodes by shape): when given, a backend that caches compilations keys them by it
   * rather than by its own, sampled, document key.
   */
  graphKey?: string;
  /**
   * The identity of each primitive's weights (node-keys.ts, by primitive id and weight name): lets
   * a backend tell compiled weights apart without reading their bytes.
   */
  weightIds?: ReadonlyMap<string, Record<string, string>>;
  /**
   * Primitives whose weights change between runs (kernel edits, training): a backend that compiles
   * may feed them as graph inputs, so the compiled graph survives the change (the cached
   * compilation's key, `graphKey`, then leaves their values out). Results may differ from compiled-in
   * weights in the last bits (onnxruntime cannot pre-pack a fed convolution kernel).
   */
  weightInputs?: ReadonlySet<string>;
}

/**
 * The worker transfers (not copies) every ArrayBuffer under this result to the host, so a backend
 * must hand over buffers it does not keep or reuse (views of one fresh buffer are fine).
 */
export interface BackendRunResult {
  /** Per document node id that ran. */
  nodes: Record<string, NodeRunResult>;
  tensors: Record<string, TensorResult>;
  /** Document nodes whose batch norms ran on this input's statistics (none: absent). */
  calibrated?: string[];
}

export interface Backend {
  readonly name: string;
  /**
   * Whether this primitive may give other bits when its input is a graph input than when the same
   * values come from the node before it (a compiler choosing kernels by what surrounds them): a
   * partial run (partial-run.ts) then never starts at its input. Absent: never.
   */
  contextSensitive?(prim: PrimitiveNode): boolean;
  /**
   * Run the valid part of the document (analysis.primitives) on preprocessed inputs, one
   * Float32Array (C×H×W, batch 1) per Input node id.
   */
  run(doc: ModelDocument, analysis: Analysis, inputs: Record<string, Float32Array>, options: BackendRunOptions): Promise<BackendRunResult>;
  /**
   * After a run: the seeds the next runs of this document are likely to ask for (RunRequest.nextSeeds),
   * beside the one it ran on. A backend that makes seeded weights may make theirs while idle. Absent: nothing.
   */
  prepareSeeds?(doc: ModelDocument, analysis: Analysis, seeds: { current: number; next: readonly number[] }): void;
  dispose(): Promise<void>;
}
