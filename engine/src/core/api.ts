/**
 * The contract between the editor and the engine host — one interface, two transports (Electron
 * preload IPC, and the browser-mode WebSocket). Types only; the host validates payloads with zod in
 * main/contract.ts. Typed arrays travel as binary on both transports.
 */
import type { ModelDocument } from './document/schema';
import type { Diagnostic } from './diagnostics';
import type { Shape } from './shape';
import type { InputParams } from './ops/input';
import type { InputShape } from './onnx/input-shape';
import type { TrainConfigInput } from './train/config';
import type { DatasetSummary } from './train/dataset';
import type { EpochReport, Metrics, TrainProgress, TrainSummary } from './train/progress';

export type { EpochReport, Metrics, TrainProgress, TrainSummary, DatasetSummary };

/** What enters the Input node. Images are decoded by the caller (browser or Node) to RGBA. */
export type InputPayload =
  | { kind: 'image'; width: number; height: number; /** RGBA, 8-bit */ rgba: Uint8Array }
  | { kind: 'tensor'; shape: number[]; data: Float32Array };

/**
 * In place of a run's inputs: those an earlier request of the same docId sent under this key
 * (RunRequest.inputsKey) — a client that re-runs one image on every edit sends it once. (A request
 * of 250 KB waits in Chromium's WebSocket pipe while the page renders; a document alone fits.) A
 * host that no longer holds them under that key answers 'inputs-gone': send them again.
 */
export interface SameInputs {
  kind: 'same';
  key: string;
}

export interface RunRequest {
  /** Identifies the open document: a newer run of the same docId supersedes older queued ones. */
  docId: string;
  document: ModelDocument;
  /**
   * One input per Input node id; a single payload is used for every Input node; or the inputs an
   * earlier request of this docId named (SameInputs).
   */
  inputs: Record<string, InputPayload> | InputPayload | SameInputs;
  /** Names this request's inputs, so later requests of the same docId can send `{ kind: 'same', key }` instead. */
  inputsKey?: string;
  /** Per-node statistics and uint8 previews (default true). */
  previews?: boolean;
  /**
   * Document nodes whose previews come with every channel (up to 64); the others come as card
   * previews (FeaturePreview.card: the first channel and the channels' mean). Absent: every node in
   * full. The live editor asks in full for the node it shows in the Maps tab: a ResNet-50 result is
   * then ~0.1 MB instead of ~1.7 MB.
   */
  fullPreviews?: string[];
  /** Full output tensors to return: 'outputs' (graph outputs, default), 'all', or node ids. */
  tensors?: 'outputs' | 'all' | 'none' | string[];
  timeoutMs?: number;
  /** Overrides document.seed for initialisation. */
  seed?: number;
  /** The document's sidecar weights, held by the host (a WeightsHandle's token; docs/weights.md). */
  weightsToken?: string;
  /** Run on the weights of this training run as they are now (feature maps that change as it learns). */
  trainId?: string;
  /**
   * Seeds the next runs of this document are likely to ask for, most likely first (the live editor:
   * the seed field's neighbours and the Reseed button's next seed). Not part of what is computed: a
   * backend that makes seeded weights may make theirs while idle, within its weight cache's budget,
   * so that changing to one of them only runs (docs/engine-runtime.md, "Seeds made ahead").
   */
  nextSeeds?: number[];
}

/**
 * Sidecar weights (the bytes of a document's `weightsFile`) held by the host, never by the editor:
 * the editor passes the token with runs, exports and saves. The engine worker caches the bytes per
 * token, so they cross to it once (again after a worker restart), not with every run.
 */
export interface WeightsHandle {
  token: string;
  /** The sidecar's file name (the document's weightsFile). */
  file: string;
  byteLength: number;
}

/** The sidecar of a document just opened: held by the host, or why it is not (the document opens anyway). */
export type SidecarState =
  | ({ state: 'loaded' } & WeightsHandle)
  | { state: 'missing'; file: string; message: string };

/** An imported model; `weights` when tensors too large to inline went to a sidecar the host holds until the document is saved. */
export interface ImportedModel {
  document: ModelDocument;
  weights?: WeightsHandle;
}

export interface TensorResult {
  shape: number[];
  data: Float32Array;
}

export interface NodeStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Share of exact zeros (dead units after ReLU). */
  zeros: number;
}

/** Up to 64 channels, each downsampled to at most 64×64, uint8, normalised per channel (channel-major). */
export interface FeaturePreview {
  channels: number;
  height: number;
  width: number;
  data: Uint8Array;
  /** Per-channel [min, max] before normalisation (lets the UI show real values). */
  ranges: Float32Array;
  /**
   * A card preview (RunRequest.fullPreviews): what a node's thumbnail needs of a preview of
   * `channels` channels — channel 0 is its first channel, channel 1 (when it had more than one) the
   * mean of its channels in real units, each normalised to its own range.
   */
  card?: { channels: number };
}

export interface NodeRunResult {
  shape: Shape;
  stats: NodeStats;
  preview?: FeaturePreview;
  /**
   * Names this output: everything it depends on (the node, what feeds it, weights, input data)
   * hashed. Equal keys, equal results — a client may keep what it drew for the node the last time
   * it saw the key. Absent when the engine did not key the run.
   */
  key?: string;
}

export interface RunResult {
  runId: number;
  docId: string;
  /** Wall time in the worker, ms. */
  timeMs: number;
  /** Per document node id. */
  nodes: Record<string, NodeRunResult>;
  tensors: Record<string, TensorResult>;
  /** Document nodes that did not run (errors or downstream of errors). */
  skipped: string[];
  diagnostics: Diagnostic[];
  /**
   * Document nodes whose batch norms ran on the statistics of this input, as the document gives
   * them no trained statistics (core/weights/calibration.ts); absent when there are none.
   */
  calibratedBatchNorm?: string[];
}

export type EngineErrorCode =
  | 'invalid-graph'
  | 'unsupported-op'
  | 'bad-input'
  | 'out-of-memory'
  | 'too-large'
  | 'timeout'
  | 'cancelled'
  | 'superseded'
  /** The host has as much work waiting as it accepts: try again when some has finished. */
  | 'busy'
  | 'worker-crashed'
  /**
   * ONNX import: the file leaves its input's height/width (or channels) symbolic, or the input shape
   * given contradicts a size it fixes — call again with an input shape (C×H×W); the message says which input and what fits.
   */
  | 'needs-input-shape'
  /** A run's `{ kind: 'same', key }` names inputs the host no longer holds under that key: send them again. */
  | 'inputs-gone'
  | 'internal';

export interface EngineErrorInfo {
  code: EngineErrorCode;
  message: string;
  diagnostics?: Diagnostic[];
}

export type EngineEvent =
  | { type: 'worker-restarted'; reason: string }
  | { type: 'run-state'; docId: string; runId: number; state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' }
  | TrainEvent;

// ── Training ────────────────────────────────────────────────────────────────────────────────

/** Training data: the built-in MNIST digits, or an image folder (one subfolder per class) the user chose. */
export type TrainData = { kind: 'mnist' } | { kind: 'folder'; path: string };

export interface TrainRequest {
  /** The open document the run belongs to (events carry it back). */
  docId: string;
  /** The design to train (a snapshot: the editor may change its copy meanwhile). */
  document: ModelDocument;
  weightsToken?: string;
  data: TrainData;
  /** Settings (core/train/config.ts); absent ones take their defaults. */
  config?: TrainConfigInput;
}

/** A look at training data before training: what was found, samples as the network sees them, what was skipped. */
export interface DataPreview {
  summary: DatasetSummary;
  /** The summary's sample images, uint8 (channels × height × width, rescaled to 0–255 per image). */
  samples: { index: number; label: number; channels: number; height: number; width: number; data: Uint8Array }[];
  /** The first files left out, with why. */
  skipped: { file: string; reason: string }[];
}

/** One sample of the training data as it was before preprocessing (to show it, or run it through the network). */
export interface DataSample {
  index: number;
  label: number;
  image: { kind: 'image'; width: number; height: number; rgba: Uint8Array };
}

export interface TrainStarted {
  /** Names this run in events and controlTraining (unguessable). */
  trainId: string;
  data: DataPreview;
}

/** How a run ended, with the trained copy of the document (weights inline, or in a sidecar the host holds). */
export interface TrainOutcome extends TrainSummary {
  /** Absent when no epoch finished (nothing to keep: the previous weights stay). */
  document?: ModelDocument;
  weights?: WeightsHandle;
}

export type TrainEvent =
  | { type: 'train-progress'; trainId: string; docId: string; progress: TrainProgress }
  | { type: 'train-epoch'; trainId: string; docId: string; report: EpochReport }
  /** The first convolution's kernels now (at most twice a second): filters × channels × kh × kw. */
  | { type: 'train-filters'; trainId: string; docId: string; step: number; nodeId: string; shape: number[]; data: Float32Array }
  | { type: 'train-state'; trainId: string; docId: string; state: 'running' | 'paused' }
  | { type: 'train-done'; trainId: string; docId: string; outcome: TrainOutcome }
  | { type: 'train-failed'; trainId: string; docId: string; error: EngineErrorInfo };

/** Everything the editor asks of the host. Rejections carry EngineErrorInfo. */
export interface EngineClient {
  run(req: RunRequest): Promise<RunResult>;
  cancel(docId: string): Promise<void>;
  /** The full output tensor of one node of the last run of docId. */
  fetchTensor(docId: string, nodeId: string): Promise<TensorResult>;
  exportOnnx(document: ModelDocument, seed?: number, weightsToken?: string): Promise<Uint8Array>;
  exportPyTorch(document: ModelDocument, weightsToken?: string): Promise<{ code: string; weights?: Uint8Array }>;
  /**
   * Every tensor inline; a tensor too large for that is refused (importOnnxModel puts it in a sidecar).
   * `inputShape` (C×H×W) sizes an input the file leaves symbolic; without it such a file is refused with 'needs-input-shape'.
   */
  importOnnx(bytes: Uint8Array, name?: string, inputShape?: InputShape): Promise<ModelDocument>;
  /** As importOnnx, but tensors too large to inline go to a sidecar held by the host (see ImportedModel). */
  importOnnxModel?(bytes: Uint8Array, name?: string, inputShape?: InputShape): Promise<ImportedModel>;
  /** Browser mode: hand the host the bytes of a sidecar the user picked (once); they are checked against nothing but size. */
  attachWeights?(bytes: Uint8Array, file: string): Promise<WeightsHandle>;
  /** Browser mode: the bytes behind a token, to save the sidecar with the browser's file APIs. */
  readWeights?(token: string): Promise<Uint8Array>;
  /**
   * The document with every tensor of the sidecar held by weightsToken inline (base64) and no
   * weightsFile (File ▸ Export JSON). A tensor too large to inline is refused ('too-large').
   */
  inlineWeights?(document: ModelDocument, weightsToken: string): Promise<ModelDocument>;
  /** The editor no longer needs these weights (another document was loaded): the host and worker drop them. */
  releaseWeights?(token: string): Promise<void>;
  /** Load training data for a model's Input and describe it (classes, counts, samples, skipped files). */
  previewData?(data: TrainData, input: InputParams): Promise<DataPreview>;
  /** Samples of training data by index (at most 64), as images before preprocessing — e.g. the misclassified ones of an epoch. */
  dataSamples?(data: TrainData, input: InputParams, indices: number[]): Promise<DataSample[]>;
  /** Start training in the engine process; progress arrives as TrainEvents. Rejects when the model or data cannot train (with why). */
  startTraining?(req: TrainRequest): Promise<TrainStarted>;
  controlTraining?(trainId: string, action: 'pause' | 'resume' | 'stop'): Promise<void>;
  onEvent(listener: (e: EngineEvent) => void): () => void;
}

/** Desktop file service (main process); browser mode implements it with the browser's file APIs. */
export interface FileClient {
  /**
   * Native open dialog (or a given path); null if the user cancelled. When the document names a
   * `weightsFile`, the host reads it from the document's folder and keeps it: `weights` says how.
   */
  open(path?: string): Promise<{ path: string; text: string; weights?: SidecarState } | null>;
  /**
   * Atomic save to path (Save As dialog when path is missing); null if cancelled. With weightsToken
   * the sidecar is written beside the JSON when it is not already there (another folder, or an
   * import never saved); `warning` says when a document naming a weightsFile was saved without it.
   * `downloaded`: the file went to the browser's downloads (browser mode without a file picker), a
   * new copy each time, not to a file the user chose.
   */
  save(text: string, path?: string, suggestedName?: string, weightsToken?: string): Promise<{ path: string; warning?: string; downloaded?: boolean } | null>;
  exportBinary(bytes: Uint8Array, suggestedName: string, filters: { name: string; extensions: string[] }[]): Promise<{ path: string; downloaded?: boolean } | null>;
  /**
   * Native open dialog for a binary file (e.g. an ONNX model), same allowed-path rules and size cap
   * as open; null if the user cancelled. Optional only so hosts that predate it still type-check;
   * both of the renderer's hosts implement it.
   */
  openBinary?(filters: { name: string; extensions: string[] }[]): Promise<{ path: string; bytes: Uint8Array } | null>;
  recent(): Promise<string[]>;
  /** Recovery snapshot of unsaved work. Hosts debounce it (written ~1 s after the last call), so call it after any edit. */
  writeRecovery(text: string): Promise<void>;
  readRecovery(): Promise<{ text: string; savedAt: number } | null>;
  clearRecovery(): Promise<void>;
  /** Desktop: a folder dialog for training data (one subfolder per class); the folder is then allowed for training. Null if cancelled. */
  chooseDataFolder?(): Promise<string | null>;
}

/** Commands the desktop shell's native menu (or a second launch with a file) sends to the editor. */
export type AppCommand =
  | { type: 'new' }
  | { type: 'open'; path?: string }
  | { type: 'open-recent'; path: string }
  | { type: 'save' }
  | { type: 'save-as' }
  | { type: 'export'; format: 'json' | 'onnx' | 'pytorch' }
  | { type: 'import-onnx' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'cut' }
  | { type: 'copy' }
  | { type: 'paste' }
  | { type: 'delete' }
  | { type: 'select-all' }
  /** "Connect selected to…": connect the selected node's output to another node, chosen from a list (no mouse needed). */
  | { type: 'connect' }
  | { type: 'fit-view' }
  | { type: 'zoom'; direction: 'in' | 'out' | 'reset' }
  | { type: 'toggle-minimap' }
  | { type: 'theme'; theme: 'system' | 'light' | 'dark' }
  | { type: 'preset'; name: string }
  | { type: 'validate' }
  | { type: 'run' }
  | { type: 'about' }
  | { type: 'restore-recovery' };

/** The window around the editor: native menu commands in, document state out (title, unsaved mark, close confirmation). */
export interface ShellClient {
  platform: 'desktop' | 'web';
  onCommand(listener: (command: AppCommand) => void): () => void;
  /** The main process shows this in the title bar and asks before closing when dirty. */
  setDocumentState(state: { title: string; dirty: boolean; path?: string }): void;
  /** Put text on the system clipboard (desktop: the main process, as the page's clipboard permission is denied there). */
  copyText(text: string): Promise<void>;
}

/** Everything the renderer gets from its host. */
export interface Host {
  engine: EngineClient;
  files: FileClient;
  shell: ShellClient;
}
