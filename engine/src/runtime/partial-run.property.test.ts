/**
 * Partial re-execution is invisible: over random valid graphs (core/export/random-graphs.ts) and
 * random sequences of edits — a kernel given inline, a layer's parameter, the seed, the input, an
 * undo — every run that reuses kept outputs returns exactly (bit for bit) what a full run of the
 * same document returns, on both backends; and runs after an edit compute fewer nodes than the
 * graph has.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeRunResult, TensorResult } from '../core/api';
import type { ModelDocument } from '../core/document/schema';
import { randomValidDocument } from '../core/export/random-graphs';
import { analyze } from '../core/graph/analyze';
import { float32ToBase64 } from '../core/util/base64';
import { inlineWeightKey } from '../core/weights/resolve';
import { mulberry32 } from '../core/weights/seeded';
import type { Backend, BackendRunOptions } from './backend';
import { NodeOutputCache } from './node-output-cache';
import { OrtBackend } from './ort/ort-backend';
import { newRunMemory, runReusing } from './partial-run';
import { ReferenceBackend } from './reference/backend';

const ort = new OrtBackend({ maxSessions: 4, upgradeDelayMs: 600_000 }); // no background re-optimisation: one level throughout
afterAll(() => ort.dispose());
const BACKENDS: [string, Backend][] = [
  ['reference', new ReferenceBackend()],
  ['ort', ort],
];

type Edit =
  | { kind: 'kernel'; pick: number; salt: number }
  | { kind: 'param'; pick: number; value: number }
  | { kind: 'seed'; seed: number }
  | { kind: 'input'; salt: number }
  | { kind: 'undo' };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('kernel' as const), pick: fc.nat(), salt: fc.nat() }),
  fc.record({ kind: fc.constant('kernel' as const), pick: fc.nat(), salt: fc.nat() }),
  fc.record({ kind: fc.constant('param' as const), pick: fc.nat(), value: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('seed' as const), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
  fc.record({ kind: fc.constant('input' as const), salt: fc.nat() }),
  fc.constant({ kind: 'undo' as const }),
);

const inputFor = (n: number, salt: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + salt) * Math.cos(i * 0.011 + salt));

/** The document with one weight of one primitive given inline (random values), as the kernel editor does. */
function withKernel(doc: ModelDocument, pick: number, salt: number): ModelDocument {
  const prims = analyze(doc).primitives.nodes.filter((p) => p.weights.length > 0);
  if (!prims.length) return doc;
  const p = prims[pick % prims.length];
  const spec = p.weights[salt % p.weights.length];
  const rand = mulberry32(salt);
  const values = Float32Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, () => rand() - 0.5);
  const key = inlineWeightKey(p, spec.name);
  const data = salt % 2 ? { shape: [...spec.shape], base64: float32ToBase64(values) } : { shape: [...spec.shape], data: Array.from(values) };
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === p.owner ? { ...n, weights: { ...n.weights, [key]: data } } : n)) };
}

/** The document with a Conv2D's filters or a Dense layer's units changed (downstream may become invalid: the valid part runs). */
function withParam(doc: ModelDocument, pick: number, value: number): ModelDocument {
  const nodes = doc.nodes.filter((n) => n.type === 'Conv2D' || n.type === 'Dense');
  if (!nodes.length) return doc;
  const target = nodes[pick % nodes.length];
  const name = target.type === 'Conv2D' ? 'filters' : 'units';
  // Inline weights would no longer fit the new shape: the edit drops them, as the inspector does.
  return { ...doc, nodes: doc.nodes.map((n) => (n === target ? { ...n, params: { ...n.params, [name]: value }, weights: undefined } : n)) };
}

function sameNode(a: NodeRunResult, b: NodeRunResult): string | undefined {
  if (a.shape.join() !== b.shape.join()) return `shape ${a.shape} vs ${b.shape}`;
  for (const k of ['min', 'max', 'mean', 'std', 'zeros'] as const) if (!Object.is(a.stats[k], b.stats[k])) return `stats.${k} ${a.stats[k]} vs ${b.stats[k]}`;
  if (!!a.preview !== !!b.preview) return 'preview on one side only';
  if (a.preview && b.preview) {
    if (!Buffer.from(a.preview.data).equals(Buffer.from(b.preview.data))) return 'preview bytes differ';
    if (!Buffer.from(a.preview.ranges.buffer, a.preview.ranges.byteOffset, a.preview.ranges.byteLength).equals(Buffer.from(b.preview.ranges.buffer, b.preview.ranges.byteOffset, b.preview.ranges.byteLength))) return 'preview ranges differ';
  }
  return undefined;
}

function sameTensor(a: TensorResult, b: TensorResult): boolean {
  return a.shape.join() === b.shape.join() && Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
}

describe.each(BACKENDS)('a partial re-run equals a full run bit for bit (%s)', (_name, backend) => {
  it('over random graphs and random edits', async () => {
    let partialRuns = 0;
    let fedWeightRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), fc.array(editArb, { minLength: 2, maxLength: 6 }), fc.constantFrom(64 * 1024, 256 * 2 ** 20), async (graphSeed, edits, budget) => {
        let doc = randomValidDocument(graphSeed);
        const history: ModelDocument[] = [];
        let salt = 0;
        const cache = new NodeOutputCache(budget);
        const memory = newRunMemory();
        for (const edit of [undefined, ...edits]) {
          if (edit?.kind === 'undo') doc = history.pop() ?? doc;
          else if (edit) {
            history.push(doc);
            if (edit.kind === 'kernel') doc = withKernel(doc, edit.pick, edit.salt);
            else if (edit.kind === 'param') doc = withParam(doc, edit.pick, edit.value);
            else if (edit.kind === 'seed') doc = { ...doc, seed: edit.seed };
            else salt = edit.salt;
          }
          const analysis = analyze(doc);
          const inputs: Record<string, Float32Array> = {};
          for (const p of analysis.primitives.nodes) if (p.type === 'Input') inputs[p.id] = inputFor(p.shape.reduce((a, b) => a * b, 1), salt);
          if (!analysis.primitives.nodes.some((p) => p.type !== 'Input')) continue;
          const options: BackendRunOptions = { previews: true, tensors: 'outputs' };
          const reused = await runReusing(doc, analysis, inputs, backend, options, { cache, memory }).catch((e: Error) => e);
          // The full run compiles the same way: weights the edits keep changing are fed as inputs (RunMemory.volatile).
          const full = await backend.run(doc, analysis, inputs, { ...options, weightInputs: new Set(memory.volatile) }).catch((e: Error) => e);
          // An edit that leaves inline weights of the wrong size fails both ways, with the same message.
          if (full instanceof Error || reused instanceof Error) {
            expect(reused instanceof Error && reused.message).toBe(full instanceof Error && full.message);
            continue;
          }
          const { result: partial, plan } = reused;
          expect(Object.keys(partial.nodes).sort()).toEqual(Object.keys(full.nodes).sort());
          for (const [id, n] of Object.entries(full.nodes)) expect(sameNode(partial.nodes[id], n), `node ${id}`).toBeUndefined();
          expect(Object.keys(partial.tensors).sort()).toEqual(Object.keys(full.tensors).sort());
          for (const [id, t] of Object.entries(full.tensors)) expect(sameTensor(partial.tensors[id], t), `tensor ${id}`).toBe(true);
          expect(partial.calibrated ?? []).toEqual(full.calibrated ?? []);
          if (plan && plan.run.length < Object.keys(full.nodes).length) partialRuns++;
          if (memory.volatile.size) fedWeightRuns++;
        }
      }),
      { numRuns: 40, seed: 19 },
    );
    // The property is about something: many runs computed only part of their graph.
    expect(partialRuns).toBeGreaterThan(20);
    expect(fedWeightRuns).toBeGreaterThan(5);
  }, 300_000);
});
