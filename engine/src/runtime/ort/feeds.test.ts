/**
 * Issue 22 item 8: onnxruntime's feeds are keyed by graph input names, and an Input named "__proto__"
 * (an ONNX graph input name) was a prototype assignment, not a key: "'feeds' must be an object …".
 * The backend is given the document directly here (documents read from files refuse that id).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import { OrtBackend } from './ort-backend';

const backend = new OrtBackend({ threads: 1 });
afterAll(() => backend.dispose());

describe('onnxruntime feeds', () => {
  it('an Input node named "__proto__" is fed like any other', async () => {
    const doc: ModelDocument = {
      format: 'cnn-studio.model',
      version: 1,
      name: 'proto',
      nodes: [
        { id: '__proto__', type: 'Input', params: { channels: 1, height: 2, width: 2 } },
        { id: 'f', type: 'Flatten', params: {} },
      ],
      edges: [{ id: 'e0', source: '__proto__', target: 'f' }],
    };
    const inputs: Record<string, Float32Array> = Object.create(null);
    inputs['__proto__'] = Float32Array.from([1, 2, 3, 4]);
    const r = await backend.run(doc, analyze(doc), inputs, { previews: false, tensors: ['f'] });
    expect([...r.tensors.f.data]).toEqual([1, 2, 3, 4]);
  });
});
