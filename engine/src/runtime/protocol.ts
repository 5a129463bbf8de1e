/** Messages between EngineHost (main thread) and the engine worker. */
import type { EngineErrorInfo, InputPayload } from '../core/api';
import type { ModelDocument } from '../core/document/schema';
import type { BackendRunOptions } from './backend';

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
}

export interface WorkerRunRequest {
  document: ModelDocument;
  inputs: Record<string, InputPayload> | InputPayload;
  previews: boolean;
  tensors: BackendRunOptions['tensors'];
  seed?: number;
  /** See BackendRunOptions.oneOff. */
  oneOff?: boolean;
}

export type HostToWorker =
  /** docId: the worker drops the tensors it keeps for that document's fetches (run-tensors.ts). */
  | { type: 'run'; id: number; request: WorkerRunRequest; docId?: string }
  /** The full output of nodeId in run `runId` of docId (whose request was `request`). */
  | { type: 'fetch'; id: number; docId: string; runId: number; nodeId: string; request: WorkerRunRequest }
  | { type: 'cancel'; id: number }
  /** Finish (abort runs, wait for native work, release sessions), then exit. */
  | { type: 'shutdown' }
  | { type: 'export-onnx'; id: number; document: ModelDocument; seed?: number }
  | { type: 'export-pytorch'; id: number; document: ModelDocument }
  | { type: 'import-onnx'; id: number; bytes: Uint8Array; name?: string };

export type WorkerToHost =
  | { type: 'ready'; backend: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: EngineErrorInfo };
