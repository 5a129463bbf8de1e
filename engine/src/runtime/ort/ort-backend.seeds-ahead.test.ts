import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import { seededWeights } from '../../core/onnx/export';
import { getPreset } from '../../core/presets';
import { executeRun, prepareInputs } from '../execute';
import { NodeOutputCache } from '../node-output-cache';
import { newRunMemory } from '../partial-run';
import type { WorkerRunRequest } from '../protocol';
import { OrtBackend, type OrtBackendOptions } from './ort-backend';

// Upgrades and bakes far away: only what this file is about happens between runs.
const QUIET: OrtBackendOptions = { upgradeDelayMs: 600_000, bakeDelayMs: 600_000, seedsAheadDelayMs: 20 };
const image = { kind: 'image' as const, width: 28, height: 28, rgba: Uint8Array.from({ length: 28 * 28 * 4 }, (_, i) => (i * 13) % 256) };
const seededCount = (doc: ModelDocument) => seededWeights(doc, analyze(doc).primitives.nodes).length;

/** A live editor's runs of one document on one backend: executeRun with reuse, as the worker runs them. */
function liveRuns(backend: OrtBackend) {
  const reuse = { cache: new NodeOutputCache(), memory: newRunMemory() };
  return (doc: ModelDocument, nextSeeds?: number[]) => {
    const req: WorkerRunRequest = { document: doc, inputs: image, previews: true, tensors: 'outputs', ...(nextSeeds ? { nextSeeds } : {}) };
    return executeRun(req, backend, { reuse });
  };
}

async function until(done: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !done(); ) {
    if (Date.now() > end) throw new Error('not within the time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('onnxruntime backend — seeds made ahead (RunRequest.nextSeeds)', () => {
  it('makes the seeds likely next once idle; a seed edit to one makes no weight, with the results of a backend that made them for the run', async () => {
    const ahead = new OrtBackend(QUIET);
    const plain = new OrtBackend(QUIET);
    try {
      let doc: ModelDocument = { ...getPreset('lenet5'), seed: 1 };
      const last = doc.nodes.find((n) => !doc.edges.some((e) => e.source === n.id))!.id;
      const runAhead = liveRuns(ahead);
      const runPlain = liveRuns(plain);
      await Promise.all([runAhead(doc, [2, 0]), runPlain(doc)]);
      await until(() => ahead.seededMade.ahead === 2 * seededCount(doc));
      expect(plain.seededMade.ahead).toBe(0);

      doc = { ...doc, seed: 2 };
      const before = ahead.seededMade.forRuns;
      const [a, b] = await Promise.all([runAhead(doc, [3, 1]), runPlain(doc)]);
      expect(ahead.seededMade.forRuns).toBe(before);
      expect(plain.seededMade.forRuns).toBeGreaterThan(0);
      expect(Buffer.from(a.tensors[last].data.buffer).equals(Buffer.from(b.tensors[last].data.buffer))).toBe(true);
      // Seed 1's weights are still held (the current seed's neighbour): only seed 3's are made.
      await until(() => ahead.seededMade.ahead === 3 * seededCount(doc));
    } finally {
      await Promise.all([ahead.dispose(), plain.dispose()]);
    }
  }, 60_000);

  it("makes none for a seed the weight cache could not hold beside the current seed's weights", async () => {
    // LeNet-5 has ~61 K seeded values (245 KB): a 300 KB cache holds one seed, a 600 KB one two.
    const small = new OrtBackend({ ...QUIET, weightCacheBytes: 300_000 });
    const large = new OrtBackend({ ...QUIET, weightCacheBytes: 600_000 });
    try {
      const doc = { ...getPreset('lenet5'), seed: 1 };
      for (const backend of [small, large]) {
        await liveRuns(backend)(doc, [2, 3]);
        await backend.settle();
      }
      expect(small.seededMade.ahead).toBe(0);
      expect(large.seededMade.ahead).toBe(seededCount(doc)); // seed 2's; seed 3's would be a third seed
    } finally {
      await Promise.all([small.dispose(), large.dispose()]);
    }
  }, 60_000);

  it('does not start while a run is under way, and starts again after the next', async () => {
    const backend = new OrtBackend({ ...QUIET, seedsAheadDelayMs: 0 });
    try {
      const doc = { ...getPreset('lenet5'), seed: 1 };
      const analysis = analyze(doc);
      backend.prepareSeeds(doc, analysis, { current: 1, next: [2] });
      await backend.run(doc, analysis, prepareInputs(doc, analysis, image), { previews: true, tensors: 'outputs' });
      await new Promise((r) => setTimeout(r, 50));
      expect(backend.seededMade.ahead).toBe(0);
      await liveRuns(backend)(doc, [2]);
      await until(() => backend.seededMade.ahead === seededCount(doc));
    } finally {
      await backend.dispose();
    }
  }, 60_000);
});
