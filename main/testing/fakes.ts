/** Test doubles for the host's collaborators: an EngineClient and a FileClient that record calls. */
import type { DataPreview, EngineClient, EngineEvent, FileClient, ImportedModel, InputPayload, RunRequest, RunResult, TrainData, TrainRequest, TrainStarted, WeightsHandle } from '../../engine/src/core/api';
import type { InputParams } from '../../engine/src/core/ops/input';
import type { InputShape } from '../../engine/src/core/onnx/input-shape';
import type { ModelDocument } from '../../engine/src/core/document/schema';

export interface RecordedCall {
  method: string;
  args: unknown[];
}

export function tinyDocument(): ModelDocument {
  return {
    format: 'cnn-studio.model',
    version: 1,
    name: 'tiny',
    nodes: [
      { id: 'in', type: 'Input', params: { channels: 1, height: 4, width: 4 }, position: { x: 0, y: 0 } },
      { id: 'flat', type: 'Flatten', params: {}, position: { x: 100, y: 0 } },
    ],
    edges: [{ id: 'e0', source: 'in', target: 'flat' }],
  };
}

export class FakeEngine implements EngineClient {
  readonly calls: RecordedCall[] = [];
  private listeners = new Set<(e: EngineEvent) => void>();

  async run(req: RunRequest): Promise<RunResult> {
    this.calls.push({ method: 'run', args: [req] });
    const input = ('kind' in req.inputs ? req.inputs : Object.values(req.inputs)[0]!) as InputPayload;
    const data = input.kind === 'tensor' ? Float32Array.from(input.data, (v) => v * 2) : new Float32Array(input.rgba.length / 4);
    return {
      runId: 1,
      docId: req.docId,
      timeMs: 1.5,
      nodes: {
        flat: {
          shape: [data.length],
          stats: { min: Math.min(...data), max: Math.max(...data), mean: 0, std: 0, zeros: 0 },
          preview: { channels: 1, height: 1, width: 3, data: Uint8Array.of(0, 128, 255), ranges: Float32Array.of(-1, 1) },
        },
      },
      tensors: { flat: { shape: [data.length], data } },
      skipped: [],
      diagnostics: [],
    };
  }
  async cancel(docId: string) {
    this.calls.push({ method: 'cancel', args: [docId] });
  }
  async fetchTensor(docId: string, nodeId: string) {
    this.calls.push({ method: 'fetchTensor', args: [docId, nodeId] });
    return { shape: [2], data: Float32Array.of(1, 2) };
  }
  async exportOnnx(document: ModelDocument, seed?: number, weightsToken?: string) {
    this.calls.push({ method: 'exportOnnx', args: [document, seed, weightsToken] });
    return Uint8Array.of(8, 7);
  }
  async exportPyTorch(document: ModelDocument, weightsToken?: string) {
    this.calls.push({ method: 'exportPyTorch', args: [document, weightsToken] });
    return { code: 'import torch\n' };
  }
  async importOnnxModel(bytes: Uint8Array, name?: string, inputShape?: InputShape): Promise<ImportedModel> {
    this.calls.push({ method: 'importOnnxModel', args: [bytes, name, inputShape] });
    return { document: tinyDocument() };
  }
  async attachWeights(bytes: Uint8Array, file: string): Promise<WeightsHandle> {
    this.calls.push({ method: 'attachWeights', args: [bytes, file] });
    return { token: '0f8fad5b-d9cb-469f-a165-70867728950e', file, byteLength: bytes.byteLength };
  }
  async readWeights(token: string) {
    this.calls.push({ method: 'readWeights', args: [token] });
    return Uint8Array.of(0, 0, 128, 63);
  }
  async inlineWeights(document: ModelDocument, token: string): Promise<ModelDocument> {
    this.calls.push({ method: 'inlineWeights', args: [document, token] });
    const { weightsFile: _dropped, ...rest } = document;
    return rest;
  }
  async releaseWeights(token: string) {
    this.calls.push({ method: 'releaseWeights', args: [token] });
  }
  async previewData(data: TrainData, input: InputParams): Promise<DataPreview> {
    this.calls.push({ method: 'previewData', args: [data, input] });
    return { summary: { name: 'mnist', count: 0, sampleShape: [1, 4, 4], skipped: 0, classes: [] }, samples: [], skipped: [] };
  }
  async dataSamples(data: TrainData, input: InputParams, indices: number[]) {
    this.calls.push({ method: 'dataSamples', args: [data, input, indices] });
    return indices.map((index) => ({ index, label: 0, image: { kind: 'image' as const, width: 1, height: 1, rgba: new Uint8Array(4) } }));
  }
  async startTraining(req: TrainRequest): Promise<TrainStarted> {
    this.calls.push({ method: 'startTraining', args: [req] });
    return { trainId: '0f8fad5b-d9cb-469f-a165-70867728950e', data: await this.previewData(req.data, { channels: 1, height: 4, width: 4 }).finally(() => this.calls.pop()) };
  }
  async controlTraining(trainId: string, action: 'pause' | 'resume' | 'stop') {
    this.calls.push({ method: 'controlTraining', args: [trainId, action] });
  }
  async importOnnx(bytes: Uint8Array, name?: string, inputShape?: InputShape) {
    this.calls.push({ method: 'importOnnx', args: [bytes, name, inputShape] });
    if (bytes.length === 0) throw { code: 'bad-input', message: 'Empty ONNX file.' };
    return tinyDocument();
  }
  onEvent(listener: (e: EngineEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
  emit(e: EngineEvent) {
    for (const l of this.listeners) l(e);
  }
  get listenerCount() {
    return this.listeners.size;
  }
}

export class FakeFiles implements FileClient {
  readonly calls: RecordedCall[] = [];
  private rec = (method: string, args: unknown[]) => this.calls.push({ method, args });
  async open(path?: string) {
    this.rec('open', [path]);
    return { path: path ?? '/tmp/picked.cnn.json', text: '{}' };
  }
  async openBinary(filters: { name: string; extensions: string[] }[]) {
    this.rec('openBinary', [filters]);
    return { path: '/tmp/picked.onnx', bytes: Uint8Array.of(8, 1) };
  }
  async save(text: string, path?: string, suggestedName?: string, weightsToken?: string) {
    this.rec('save', [text, path, suggestedName, weightsToken]);
    return { path: path ?? '/tmp/saved.cnn.json' };
  }
  async exportBinary(bytes: Uint8Array, suggestedName: string, filters: { name: string; extensions: string[] }[]) {
    this.rec('exportBinary', [bytes, suggestedName, filters]);
    return { path: `/tmp/${suggestedName}` };
  }
  async recent() {
    this.rec('recent', []);
    return ['/tmp/a.cnn.json'];
  }
  async writeRecovery(text: string) {
    this.rec('writeRecovery', [text]);
  }
  async readRecovery() {
    this.rec('readRecovery', []);
    return { text: '{}', savedAt: 1 };
  }
  async clearRecovery() {
    this.rec('clearRecovery', []);
  }
  async chooseDataFolder() {
    this.rec('chooseDataFolder', []);
    return '/tmp/digits';
  }
}
