/** Messages between EngineHost (main thread) and the engine worker. */
import type { EngineErrorInfo, InputPayload, TrainData } from '../core/api';
import type { InputParams } from '../core/ops/input';
import type { InputShape } from '../core/onnx/input-shape';
import type { TrainConfigInput } from '../core/train/config';
import type { TrainingMessage } from './train/training-service';
import type { ModelDocument } from '../core/document/schema';
import type { BackendRunOptions } from './backend';
import type { InputsUse } from './held-inputs';

export type BackendName = 'ort' | 'reference';

/** Refuse graphs whose analysis totals exceed these, before allocating anything. */
export interface SizeLimits {
  /** Sum of every activation (fp32) including the inputs. */
  maxActivationBytes: number;
  /** Parameter count (weights, fp32). */
  maxParams: number;
}

export interface WorkerInit {
  backend: BackendName;
  limits: SizeLimits;
  /** Dev only: the TypeScript worker module the bootstrap imports. */
  entry?: string;
  /** Where the built-in MNIST digits are (a bundled app); absent: the mnist package's own folder. */
  mnistDir?: string;
}

export interface WorkerRunRequest {
  document: ModelDocument;
  inputs: Record<string, InputPayload> | InputPayload;
  previews: boolean;
  /** RunRequest.fullPreviews. */
  fullPreviews?: string[];
  tensors: BackendRunOptions['tensors'];
  seed?: number;
  /** See BackendRunOptions.oneOff. */
  oneOff?: boolean;
  /** The document's sidecar bytes and a key naming them (BackendRunOptions.sidecar / sidecarKey). */
  sidecar?: Uint8Array;
  sidecarKey?: string;
  /** Run on the current weights of this training run (where the document's structure fits them). */
  trainId?: string;
  /** RunRequest.nextSeeds. */
  nextSeeds?: number[];
}

/**
 * The sidecar weights a request needs, by token. `bytes` come along only when the worker does not
 * hold that token yet (first use, or a fresh worker after a restart); the worker keeps them.
 */
export interface WeightsRef {
  token: string;
  bytes?: Uint8Array;
}

export type HostToWorker =
  /** docId: the worker drops the tensors it keeps for that document's fetches (run-tensors.ts). */
  /** inputs: keep the request's inputs for docId, or use the ones kept (held-inputs.ts); absent: neither. */
  | { type: 'run'; id: number; request: WorkerRunRequest; docId?: string; weights?: WeightsRef; inputs?: InputsUse }
  /** The full output of nodeId in run `runId` of docId (whose request was `request`). */
  | { type: 'fetch'; id: number; docId: string; runId: number; nodeId: string; request: WorkerRunRequest; weights?: WeightsRef; inputs?: InputsUse }
  | { type: 'cancel'; id: number }
  /** Finish (abort runs, wait for native work, release sessions), then exit. */
  | { type: 'shutdown' }
  | { type: 'export-onnx'; id: number; document: ModelDocument; seed?: number; weights?: WeightsRef }
  | { type: 'export-pytorch'; id: number; document: ModelDocument; weights?: WeightsRef }
  /** The document with every sidecar tensor inline (base64) and no weightsFile; tensors over maxValues values are refused. */
  | { type: 'inline-weights'; id: number; document: ModelDocument; weights?: WeightsRef; maxValues?: number }
  /**
   * sidecar: tensors too large to inline go to a sidecar named weightsFile (result: OnnxImportResult) instead of failing.
   * inputShape: C×H×W for an input the file leaves symbolic.
   */
  | { type: 'import-onnx'; id: number; bytes: Uint8Array; name?: string; sidecar?: { weightsFile: string; minValues?: number }; inputShape?: InputShape }
  /** Forget the sidecar bytes of a token (no reply). */
  | { type: 'drop-weights'; token: string }
  /** Forget the inputs kept for a document (no reply). */
  | { type: 'drop-inputs'; docId: string }
  /** Load training data for an Input and describe it (result: DataPreview). */
  | { type: 'preview-data'; id: number; data: TrainData; input: InputParams }
  /** Samples of that data by index, as images before preprocessing (result: DataSample[]). */
  | { type: 'data-samples'; id: number; data: TrainData; input: InputParams; indices: number[] }
  /** Start a training run beside other requests; answered by TrainingMessages, not a result. */
  | { type: 'train-start'; trainId: string; docId: string; document: ModelDocument; data: TrainData; config?: TrainConfigInput; weights?: WeightsRef }
  | { type: 'train-control'; trainId: string; action: 'pause' | 'resume' | 'stop' };

export type WorkerToHost =
  | { type: 'ready'; backend: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: EngineErrorInfo }
  | TrainingMessage;
