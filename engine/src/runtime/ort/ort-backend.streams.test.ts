import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import { getPreset } from '../../core/presets';
import { prepareInputs } from '../execute';
import { OrtBackend } from './ort-backend';

const image = { kind: 'image' as const, width: 32, height: 32, rgba: Uint8Array.from({ length: 32 * 32 * 4 }, (_, i) => (i * 29) % 256) };

describe('onnxruntime backend — a layer made wider or narrower continues its seeded stream (seeded-streams.ts)', () => {
  it('makes the kernel of a new filter count from the one before, with the results of a backend that made it whole', async () => {
    const streaming = new OrtBackend();
    try {
      let doc: ModelDocument = { ...getPreset('lenet5'), seed: 11 };
      const last = doc.nodes.find((n) => !doc.edges.some((e) => e.source === n.id))!.id;
      const output = async (backend: OrtBackend) => {
        const analysis = analyze(doc);
        return (await backend.run(doc, analysis, prepareInputs(doc, analysis, image), { previews: true, tensors: [last] })).tensors[last].data;
      };
      await output(streaming);
      // c5's kernel keeps its fan-in (16 × 5 × 5) whatever its filter count: wider, narrower, wider than ever,
      // then another seed (no stream of it is held yet) and wider again.
      for (const [filters, seed] of [[150, 11], [130, 11], [200, 11], [210, 12], [220, 12]] as const) {
        doc = { ...doc, seed, nodes: doc.nodes.map((n) => (n.id === 'c5_conv_5_5' ? { ...n, params: { ...n.params, filters } } : n)) };
        const fresh = new OrtBackend();
        try {
          const [a, b] = [await output(streaming), await output(fresh)];
          expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
        } finally {
          await fresh.dispose();
        }
      }
      // From a prefix: c5's kernel at 150, 130, 200 and 220 (at 210 the new seed had none).
      expect(streaming.seededMade.fromPrefix).toBe(4);
    } finally {
      await streaming.dispose();
    }
  }, 60_000);
});
