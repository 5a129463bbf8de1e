/** Issue 22 item 8: weights a document carries that cannot be used are diagnostics, not internal errors. */
import { describe, expect, it } from 'vitest';
import type { ModelDocument, TensorData } from '../document/schema';
import { analyze } from '../graph/analyze';
import { float32ToBase64 } from '../util/base64';
import { weightDiagnostics } from './check';

const dense = (kernel: TensorData, extra: Record<string, TensorData> = {}): ModelDocument => ({
  format: 'cnn-studio.model',
  version: 1,
  name: 'm',
  nodes: [
    { id: 'input', type: 'Input', params: { channels: 1, height: 2, width: 2 } },
    { id: 'f', type: 'Flatten', params: {} },
    { id: 'fc', type: 'Dense', params: { units: 2 }, weights: { kernel, ...extra } },
  ],
  edges: [
    { id: 'e0', source: 'input', target: 'f' },
    { id: 'e1', source: 'f', target: 'fc' },
  ],
});
const withFile = (d: ModelDocument): ModelDocument => ({ ...d, weightsFile: 'm.weights.bin' });
const check = (d: ModelDocument, sidecarBytes?: number) => weightDiagnostics(d, analyze(d), sidecarBytes).map((x) => `${x.severity} ${x.message}`);

describe('weightDiagnostics', () => {
  it('accepts weights of the right size in every form', () => {
    expect(check(dense({ shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }))).toEqual([]);
    expect(check(dense({ shape: [2, 4], base64: float32ToBase64(new Float32Array(8)) }))).toEqual([]);
    expect(check(withFile(dense({ shape: [2, 4], sidecar: { offset: 0, length: 32 } })), 32)).toEqual([]);
  });

  it('reports wrong-sized, undecodable and out-of-range weights with the node and the numbers', () => {
    expect(check(dense({ shape: [2, 4], data: [1, 2, 3] }))).toEqual(['error Node "fc": weight "kernel" has 3 values, but 2×4 = 8 are needed.']);
    expect(check(dense({ shape: [2, 4], base64: '!!!notbase64' }))).toEqual(['error Node "fc": weight "kernel" is not valid base64 (character "!" at 0).']);
    expect(check(dense({ shape: [2, 4], base64: float32ToBase64(new Float32Array(9)) }))).toEqual(['error Node "fc": weight "kernel" has 9 values, but 2×4 = 8 are needed.']);
    expect(check(dense({ shape: [2, 4], base64: 'AAAAAA==' }))).toEqual(['error Node "fc": weight "kernel" has 1 values, but 2×4 = 8 are needed.']);
    expect(check(dense({ shape: [2, 4], base64: 'AAA' }))).toEqual(['error Node "fc": weight "kernel" holds 2 bytes of base64 data, not a whole number of float32 values.']);
    expect(check(withFile(dense({ shape: [2, 4], sidecar: { offset: 0, length: 30 } })))).toEqual(['error Node "fc": weight "kernel" is 30 bytes in the weights file, not a whole number of float32 values.']);
    expect(check(withFile(dense({ shape: [2, 4], sidecar: { offset: 8, length: 32 } })), 32)).toEqual(['error Node "fc": weight "kernel" lies at bytes 8…40 of the weights file, which has only 32.']);
    expect(check(dense({ shape: [2, 4] }))).toEqual(['error Node "fc": weight "kernel" has no data (give "data", "base64" or a "sidecar" range).']);
  });

  it('sidecar ranges in a document that names no weights file are an error', () => {
    expect(check(dense({ shape: [2, 4], sidecar: { offset: 0, length: 32 } }))).toEqual(['error Some weights are ranges of a weights file, but the model names none (no "weightsFile") — they cannot be read.']);
  });

  it('a tensor for a weight the node does not have is a warning (it is ignored)', () => {
    expect(check(dense({ shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }, { kernal: { shape: [1], data: [1] } }))).toEqual(['warning Node "fc": "kernal" is not one of its weights (kernel, bias) — it is ignored.']);
  });
});
