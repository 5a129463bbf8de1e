/**
 * A backend runs an analysed document. Two implement it: the onnxruntime-node backend (fast path,
 * engine/src/runtime/ort/) and the plain-TypeScript reference backend (engine/src/runtime/reference/).
 */
import type { ModelDocument } from '../core/document/schema';
import type { Analysis } from '../core/graph/types';
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
   * Run the valid part of the document (analysis.primitives) on preprocessed inputs, one
   * Float32Array (C×H×W, batch 1) per Input node id.
   */
  run(doc: ModelDocument, analysis: Analysis, inputs: Record<string, Float32Array>, options: BackendRunOptions): Promise<BackendRunResult>;
  dispose(): Promise<void>;
}
