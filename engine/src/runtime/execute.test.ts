import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../core/document/schema';
import { executeRun } from './execute';
import { ReferenceBackend } from './reference/backend';
import { loadBackend } from './backends';

/** Two Input nodes added together. */
const twoInputs: ModelDocument = {
  format: 'cnn-studio.model',
  version: 1,
  name: 'two inputs',
  nodes: [
    { id: 'a', type: 'Input', params: { channels: 1, height: 1, width: 2 } },
    { id: 'b', type: 'Input', params: { channels: 1, height: 1, width: 2 } },
    { id: 'sum', type: 'Add', params: {} },
  ],
  edges: [
    { id: 'e0', source: 'a', target: 'sum' },
    { id: 'e1', source: 'b', target: 'sum' },
  ],
};
const t = (...v: number[]) => ({ kind: 'tensor' as const, shape: [1, 1, 2], data: Float32Array.from(v) });
const run = (inputs: Parameters<typeof executeRun>[0]['inputs']) => executeRun({ document: twoInputs, inputs, previews: false, tensors: 'outputs' }, new ReferenceBackend());

describe('executeRun inputs', () => {
  it('takes one input per Input node id', async () => {
    const r = await run({ a: t(1, 2), b: t(10, 20) });
    expect(Array.from(r.tensors.sum.data)).toEqual([11, 22]);
    expect(r.skipped).toEqual([]);
  });

  it('uses a single payload for every Input node', async () => {
    expect(Array.from((await run(t(1, 2))).tensors.sum.data)).toEqual([2, 4]);
  });

  it('names the Input node that has no input', async () => {
    await expect(run({ a: t(1, 2) })).rejects.toMatchObject({ code: 'bad-input', message: 'No input given for Input node "b" (inputs were given for: a).' });
  });

  it.each(['reference', 'ort'] as const)('an Input with nothing connected shows the input itself, no backend error (%s; issue 21)', async (name) => {
    const doc: ModelDocument = { ...twoInputs, nodes: [{ id: 'in', type: 'Input', params: { channels: 1, height: 1, width: 2 } }, { id: 'conv', type: 'Conv2D', params: { filters: 2, kernel: 1 } }], edges: [] };
    const backend = name === 'ort' ? await loadBackend('ort') : new ReferenceBackend();
    try {
      const r = await executeRun({ document: doc, inputs: t(3, 5), previews: true, tensors: 'all' }, backend);
      expect(Object.keys(r.nodes)).toEqual(['in']);
      expect(r.nodes.in).toMatchObject({ shape: [1, 1, 2], stats: { min: 3, max: 5, mean: 4 } });
      expect(r.nodes.in.preview?.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(r.tensors.in.data)).toEqual([3, 5]);
      expect(r.skipped).toEqual(['conv']);
    } finally {
      await backend.dispose();
    }
  });

  it('runs nothing (and says why) when there is no Input node', async () => {
    const doc: ModelDocument = { ...twoInputs, nodes: [{ id: 'relu', type: 'Activation', params: {} }], edges: [] };
    const r = await executeRun({ document: doc, inputs: t(1, 2), previews: true, tensors: 'all' }, new ReferenceBackend());
    expect(r.nodes).toEqual({});
    expect(r.skipped).toEqual(['relu']);
    expect(r.diagnostics.map((d) => d.code)).toContain('no-input-node');
  });
});

describe('executeRun skipped nodes', () => {
  it('comes from the analysis, not from the per-node results (onnxruntime with previews off returns none)', async () => {
    const { OrtBackend } = await import('./ort/ort-backend');
    const backend = new OrtBackend();
    try {
      const doc: ModelDocument = {
        ...twoInputs,
        nodes: [...twoInputs.nodes, { id: 'relu', type: 'Activation', params: {} }, { id: 'orphan', type: 'Activation', params: {} }],
        edges: [...twoInputs.edges, { id: 'e2', source: 'sum', target: 'relu' }],
      };
      const r = await executeRun({ document: doc, inputs: { a: t(1, -2), b: t(10, 20) }, previews: false, tensors: 'outputs' }, backend);
      expect(r.nodes).toEqual({});
      expect(Array.from(r.tensors.relu.data)).toEqual([11, 18]);
      expect(r.skipped).toEqual(['orphan']);
    } finally {
      await backend.dispose();
    }
  });
});

describe('executeRun fullPreviews', () => {
  it('gives the listed nodes their previews in full and the others card previews; without the list, every node in full', async () => {
    const doc: ModelDocument = {
      ...twoInputs,
      nodes: [...twoInputs.nodes, { id: 'relu', type: 'Activation', params: {} }],
      edges: [...twoInputs.edges, { id: 'e2', source: 'sum', target: 'relu' }],
    };
    const req = { document: doc, inputs: { a: t(1, -2), b: t(10, 20) }, previews: true, tensors: 'outputs' as const };
    const all = await executeRun(req, new ReferenceBackend());
    expect(Object.values(all.nodes).every((n) => n.preview && !n.preview.card)).toBe(true);
    const some = await executeRun({ ...req, fullPreviews: ['relu'] }, new ReferenceBackend());
    expect(some.nodes.relu.preview).toEqual(all.nodes.relu.preview);
    expect(some.nodes.sum.preview?.card).toEqual({ channels: all.nodes.sum.preview!.channels });
    expect(some.nodes.sum.stats).toEqual(all.nodes.sum.stats);
  });
});
