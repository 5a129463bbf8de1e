/**
 * Property tests: whatever the input, loading and analysing never throw, and every diagnostic points
 * at something that exists. Plus: shapes of random conv/pool chains match an independent formula.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze } from './analyze';
import { loadDocument } from '../document/load';
import type { ModelDocument } from '../document/schema';
import { getPreset } from '../presets';
import { ops } from '../ops';
import { pathResolves } from './test-helpers';

const RUNS = 300;

function checkPointers(doc: ModelDocument) {
  const a = analyze(doc);
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  for (const d of a.diagnostics) {
    if (d.nodeId !== undefined) expect(nodeIds.has(d.nodeId), `${d.code} nodeId ${d.nodeId}`).toBe(true);
    if (d.edgeId !== undefined) expect(edgeIds.has(d.edgeId), `${d.code} edgeId ${d.edgeId}`).toBe(true);
    if (d.path !== undefined) expect(pathResolves(doc, d.path), `${d.code} path ${d.path}`).toBe(true);
    if (d.fix?.edgeId) expect(edgeIds.has(d.fix.edgeId)).toBe(true);
    expect(typeof d.message).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
  }
  expect(a.valid).toBe(!a.diagnostics.some((d) => d.severity === 'error'));
  for (const id of Object.keys(a.nodes)) expect(nodeIds.has(id)).toBe(true);
  for (const n of Object.values(a.nodes)) {
    if (n.outputShape) for (const dim of n.outputShape) expect(Number.isInteger(dim) && dim > 0).toBe(true);
    expect(Number.isFinite(n.params) && Number.isFinite(n.macs)).toBe(true);
  }
  return a;
}

// ── Arbitraries ───────────────────────────────────────────────────────────────────────────────

const TYPES = [...ops.list().map((o) => o.type), 'Conv3D', ''];
const small = fc.integer({ min: -2, max: 12 });
const sizeLike = fc.oneof(small, fc.constantFrom(0, 1, 3, 64, 65_537, 1e9, -1, 2.5, NaN, Infinity), fc.tuple(small, small), fc.string({ maxLength: 3 }));
const paddingLike = fc.oneof(sizeLike, fc.constantFrom('valid', 'same', 'full'), fc.tuple(small, small, small, small));
const paramsArb = fc.record(
  {
    channels: sizeLike,
    height: sizeLike,
    width: sizeLike,
    filters: sizeLike,
    units: sizeLike,
    kernel: sizeLike,
    stride: sizeLike,
    dilation: sizeLike,
    groups: sizeLike,
    padding: paddingLike,
    mode: fc.constantFrom('max', 'avg', 'min', 'sum'),
    fn: fc.constantFrom('relu', 'tanh', 'gelu'),
    ceil: fc.boolean(),
    rate: fc.double({ min: -1, max: 2, noNaN: false }),
    block: fc.constantFrom('basic', 'bottleneck', 'dense'),
    preActivation: fc.boolean(),
    projection: fc.constantFrom('auto', 'always', 'never'),
    c1x1: sizeLike,
    c3x3reduce: sizeLike,
    c3x3: sizeLike,
    c5x5reduce: sizeLike,
    c5x5: sizeLike,
    poolProj: sizeLike,
  },
  { requiredKeys: [] },
);

const ID_POOL = ['a', 'b', 'c', 'd', 'e', 'f', 'x', '__proto__', 'constructor'];
const structurallyValidDoc = fc
  .record({
    nodes: fc.array(fc.record({ id: fc.constantFrom(...ID_POOL), type: fc.constantFrom(...TYPES.filter(Boolean)), params: paramsArb }), { maxLength: 9 }),
    edges: fc.array(
      fc.record(
        { source: fc.constantFrom(...ID_POOL, 'ghost'), target: fc.constantFrom(...ID_POOL, 'ghost'), targetPort: fc.integer({ min: 0, max: 3 }), id: fc.constantFrom('e0', 'e1', 'k') },
        { requiredKeys: ['source', 'target'] },
      ),
      { maxLength: 12 },
    ),
  })
  .map((r) => ({ format: 'cnn-studio.model', version: 1, name: 'random', ...r }));

// ── Properties ────────────────────────────────────────────────────────────────────────────────

describe('never crashes', () => {
  it('loadDocument on arbitrary JSON-ish values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.record({ format: fc.constant('cnn-studio.model'), version: fc.anything(), nodes: fc.anything(), edges: fc.anything() })), (v) => {
        const r = loadDocument(v);
        if (!r.ok) {
          expect(r.error.message.length).toBeGreaterThan(0);
          for (const d of r.error.diagnostics) if (d.path) expect(typeof d.path).toBe('string');
        } else checkPointers(r.document);
      }),
      { numRuns: RUNS },
    );
  });

  it('loadDocument + analyze on random structurally valid documents', () => {
    fc.assert(
      fc.property(structurallyValidDoc, (raw) => {
        const r = loadDocument(raw);
        // "__proto__" is the one reserved id (document/schema.ts): refused with that reason.
        if ((raw as { nodes: { id: string }[] }).nodes.some((n) => n.id === '__proto__')) {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.message).toContain('node id "__proto__" is reserved');
          return;
        }
        expect(r.ok).toBe(true);
        if (r.ok) checkPointers(r.document);
      }),
      { numRuns: RUNS },
    );
  });

  it('analyze on random mutations of valid preset graphs; every diagnostic points at something that exists', () => {
    const presets = ['lenet5', 'alexnet', 'googlenet', 'resnet18', 'preact-resnet18'].map(getPreset);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete-node' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('delete-edge' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('add-edge' as const), from: fc.nat(), to: fc.nat(), port: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }),
      fc.record({ kind: fc.constant('set-param' as const), at: fc.nat(), key: fc.constantFrom('kernel', 'stride', 'padding', 'filters', 'channels', 'height', 'groups', 'units', 'c3x3', 'block', 'mode'), value: paddingLike }),
      fc.record({ kind: fc.constant('set-type' as const), at: fc.nat(), type: fc.constantFrom(...TYPES) }),
      fc.record({ kind: fc.constant('duplicate-id' as const), at: fc.nat(), other: fc.nat() }),
      fc.record({ kind: fc.constant('retarget' as const), at: fc.nat(), to: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.nat({ max: presets.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (pi, muts) => {
        const doc: ModelDocument = structuredClone(presets[pi]);
        for (const m of muts) {
          const n = doc.nodes.length;
          const e = doc.edges.length;
          if (m.kind === 'delete-node' && n) doc.nodes.splice(m.at % n, 1);
          if (m.kind === 'delete-edge' && e) doc.edges.splice(m.at % e, 1);
          if (m.kind === 'add-edge' && n) doc.edges.push({ id: `m${doc.edges.length}`, source: doc.nodes[m.from % n].id, target: doc.nodes[m.to % n].id, ...(m.port !== undefined ? { targetPort: m.port } : {}) });
          if (m.kind === 'set-param' && n) doc.nodes[m.at % n].params = { ...doc.nodes[m.at % n].params, [m.key]: m.value };
          if (m.kind === 'set-type' && n) doc.nodes[m.at % n].type = m.type;
          if (m.kind === 'duplicate-id' && n) doc.nodes[m.at % n].id = doc.nodes[m.other % n].id;
          if (m.kind === 'retarget' && e && n) doc.edges[m.at % e].target = doc.nodes[m.to % n].id;
        }
        checkPointers(doc);
      }),
      { numRuns: RUNS },
    );
  });
});

// ── Shapes against an independent implementation ───────────────────────────────────────────────

type Layer =
  | { type: 'Conv2D'; filters: number; kernel: number; stride: number; padding: 'valid' | 'same' | number; dilation: number }
  | { type: 'Pool2D'; mode: 'max' | 'avg'; kernel: number; stride: number; padding: 'valid' | number; ceil: boolean };

/** Written from the definitions (PyTorch's Conv2d/MaxPool2d docs, TensorFlow's "same"), not from the engine. */
function expectedHW(n: number, l: Layer): number | 'error' {
  const ek = (l.type === 'Conv2D' ? l.dilation : 1) * (l.kernel - 1) + 1;
  if (l.padding === 'same') return Math.ceil(n / l.stride);
  const p = l.padding === 'valid' ? 0 : l.padding;
  if (n + 2 * p < ek) return 'error';
  if (l.type === 'Pool2D' && l.ceil) {
    let o = Math.ceil((n + 2 * p - ek) / l.stride) + 1;
    if ((o - 1) * l.stride >= n + p) o -= 1;
    return o;
  }
  return Math.floor((n + 2 * p - ek) / l.stride) + 1;
}

const layerArb: fc.Arbitrary<Layer> = fc.oneof(
  fc.record({
    type: fc.constant('Conv2D' as const),
    filters: fc.integer({ min: 1, max: 8 }),
    kernel: fc.integer({ min: 1, max: 7 }),
    stride: fc.integer({ min: 1, max: 3 }),
    padding: fc.oneof(fc.constantFrom('valid' as const, 'same' as const), fc.integer({ min: 0, max: 3 })),
    dilation: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    type: fc.constant('Pool2D' as const),
    mode: fc.constantFrom('max' as const, 'avg' as const),
    kernel: fc.integer({ min: 1, max: 5 }),
    stride: fc.integer({ min: 1, max: 3 }),
    padding: fc.oneof(fc.constant('valid' as const), fc.integer({ min: 0, max: 2 })),
    ceil: fc.boolean(),
  }),
);

describe('conv/pool chains', () => {
  it('inferred shapes equal the independent formula; the first impossible layer is the one reported', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 80 }), fc.array(layerArb, { minLength: 1, maxLength: 8 }), (c, h, w, layers) => {
        const nodes: ModelDocument['nodes'] = [{ id: 'in', type: 'Input', params: { channels: c, height: h, width: w } }];
        const edges: ModelDocument['edges'] = [];
        layers.forEach((l, i) => {
          const { type, ...params } = l;
          nodes.push({ id: `l${i}`, type, params });
          edges.push({ id: `e${i}`, source: i ? `l${i - 1}` : 'in', target: `l${i}` });
        });
        const a = analyze({ format: 'cnn-studio.model', version: 1, name: 'chain', nodes, edges });
        let shape: [number, number, number] | 'blocked' = [c, h, w];
        layers.forEach((l, i) => {
          const node = a.nodes[`l${i}`];
          if (shape === 'blocked') {
            expect(node.status).toBe('blocked');
            return;
          }
          const conflict = l.type === 'Conv2D' && l.stride > 1 && l.dilation > 1;
          // PyTorch refuses pooling padding above half the window: so do we.
          const overPadded = l.type === 'Pool2D' && typeof l.padding === 'number' && l.padding > Math.floor(l.kernel / 2);
          if (overPadded) {
            expect(node.status).toBe('error');
            expect(a.diagnostics.filter((d) => d.nodeId === `l${i}` && d.severity === 'error').map((d) => d.code)).toEqual(['invalid-param']);
            shape = 'blocked';
            return;
          }
          const eh = expectedHW(shape[1], l);
          const ew = expectedHW(shape[2], l);
          if (conflict || eh === 'error' || ew === 'error') {
            expect(node.status).toBe('error');
            const codes = a.diagnostics.filter((d) => d.nodeId === `l${i}` && d.severity === 'error').map((d) => d.code);
            expect(codes).toEqual([conflict ? 'bad-dilation' : 'kernel-too-large']);
            shape = 'blocked';
            return;
          }
          const next: [number, number, number] = [l.type === 'Conv2D' ? l.filters : shape[0], eh, ew];
          expect(node.outputShape, `layer ${i} ${JSON.stringify(l)} on ${shape.join('×')}`).toEqual(next);
          if (l.type === 'Conv2D') expect(node.macs).toBe(next[0] * eh * ew * shape[0] * l.kernel * l.kernel);
          shape = next;
        });
      }),
      { numRuns: 500 },
    );
  });
});
