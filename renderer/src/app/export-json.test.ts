import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../engine';
import { getPreset, serializeDocument } from '../engine';
import { exportJsonText } from './export-json';

const TOKEN = '0f8fad5b-d9cb-469f-a165-70867728950e';
const plain = getPreset('lenet5');
const sidecarDoc: ModelDocument = {
  ...plain,
  weightsFile: 'lenet.weights.bin',
  nodes: plain.nodes.map((n, i) => (i === 1 ? { ...n, weights: { kernel: { shape: [2], sidecar: { offset: 0, length: 8 } } } } : n)),
};
const inlined: ModelDocument = {
  ...plain,
  nodes: plain.nodes.map((n, i) => (i === 1 ? { ...n, weights: { kernel: { shape: [2], base64: 'AACAPwAAAEA=' } } } : n)),
};

/** An engine whose inlineWeights records its calls and answers `inlined`. */
function engine() {
  const calls: [ModelDocument, string][] = [];
  return { calls, inlineWeights: async (doc: ModelDocument, token: string) => (calls.push([doc, token]), inlined) };
}

describe('Export JSON text', () => {
  it('a document without sidecar tensors is written as it is, without asking the host', async () => {
    const e = engine();
    expect(await exportJsonText(plain, TOKEN, e, serializeDocument)).toBe(serializeDocument(plain));
    expect(await exportJsonText(plain, undefined, e, serializeDocument)).toBe(serializeDocument(plain));
    expect(e.calls).toEqual([]);
  });

  it('a sidecar document is written as the host inlined it (no weightsFile)', async () => {
    const e = engine();
    const text = await exportJsonText(sidecarDoc, TOKEN, e, serializeDocument);
    expect(e.calls).toEqual([[sidecarDoc, TOKEN]]);
    expect(text).toBe(serializeDocument(inlined));
    expect(text).not.toContain('weightsFile');
  });

  it('refuses clearly when the sidecar is not loaded, or the host cannot inline', async () => {
    await expect(exportJsonText(sidecarDoc, undefined, engine(), serializeDocument)).rejects.toThrow(/keeps its weights in lenet\.weights\.bin, which is not loaded/);
    await expect(exportJsonText(sidecarDoc, TOKEN, {}, serializeDocument)).rejects.toThrow(/Save As/);
  });

  it('passes on the host’s typed refusal', async () => {
    const refusing = { inlineWeights: async () => Promise.reject({ code: 'too-large', message: 'Weight "kernel" of node "fc" has … — use File ▸ Save As' }) };
    await expect(exportJsonText(sidecarDoc, TOKEN, refusing, serializeDocument)).rejects.toMatchObject({ code: 'too-large' });
  });
});
