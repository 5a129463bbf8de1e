import { describe, expect, it } from 'vitest';
import { loadDocument, parseDocument, serializeDocument } from './load';
import { analyze } from '../graph/analyze';
import { getPreset } from '../presets';
import { ModelError } from '../diagnostics';

interface RawNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  position?: { x: number; y: number };
}
const base = (extra: Record<string, unknown> = {}) => ({
  format: 'cnn-studio.model',
  version: 1,
  name: 'm',
  nodes: <RawNode[]>[
    { id: 'x', type: 'Input', params: { channels: 1, height: 4, width: 4 }, position: { x: 0, y: 0 } },
    { id: 'p', type: 'Pool2D', params: { mode: 'min', kernel: 2, stride: 2 } },
  ],
  edges: [{ source: 'x', target: 'p' }],
  ...extra,
});

function failure(r: ReturnType<typeof loadDocument>) {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error).toBeInstanceOf(ModelError);
  return r.error;
}

describe('loading', () => {
  it('loads the issue’s example, fills defaults and gives edges ids', () => {
    const r = loadDocument(base());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.edges[0].id).toBe('e0');
    expect(analyze(r.document).nodes.p.outputShape).toEqual([1, 2, 2]);
  });

  it('round-trips through serializeDocument', () => {
    const doc = getPreset('googlenet');
    const again = parseDocument(serializeDocument(doc));
    expect(again.ok && again.document).toEqual(doc);
  });

  it('keeps existing edge ids and avoids them when naming others', () => {
    const r = loadDocument(base({ edges: [{ id: 'e0', source: 'x', target: 'p' }, { source: 'p', target: 'x' }] }));
    expect(r.ok && r.document.edges.map((e) => e.id)).toEqual(['e0', 'e1']);
  });
});

describe('bad input: typed errors with paths, never exceptions', () => {
  it('malformed JSON', () => {
    const e = failure(parseDocument('{"format": "cnn-studio.model", '));
    expect(e.code).toBe('bad-json');
    expect(e.message).toMatch(/Not valid JSON/);
  });

  it.each([null, 42, 'text', [], [1, 2], true])('not an object: %j', (v) => {
    expect(failure(loadDocument(v)).code).toBe('not-a-model');
  });

  it('wrong format marker', () => {
    const e = failure(loadDocument(base({ format: 'keras' })));
    expect(e.code).toBe('not-a-model');
    expect(e.message).toMatch(/"keras"/);
  });

  it('newer, missing or malformed version', () => {
    expect(failure(loadDocument(base({ version: 2 }))).code).toBe('newer-version');
    expect(failure(loadDocument(base({ version: 2 }))).message).toMatch(/newer CNN Studio/);
    expect(failure(loadDocument(base({ version: '1' }))).code).toBe('bad-version');
    expect(failure(loadDocument(base({ version: 0 }))).code).toBe('bad-version');
    expect(failure(loadDocument(base({ version: undefined }))).code).toBe('bad-version');
  });

  it('wrong types are reported with their JSON paths, every one of them', () => {
    const e = failure(loadDocument(base({ nodes: [{ id: 7, type: 'Input' }, { id: 'b' }], edges: 'none' })));
    expect(e.code).toBe('document-invalid');
    const paths = e.diagnostics.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['nodes[0].id', 'nodes[1].type', 'edges']));
    expect(e.diagnostics.every((d) => d.code === 'document-invalid' && d.severity === 'error')).toBe(true);
  });

  it('NaN and Infinity (possible in JS values, not in JSON) are rejected with paths', () => {
    const doc = base();
    (doc.nodes[0] as { position: { x: number } }).position.x = NaN;
    expect(failure(loadDocument(doc)).diagnostics[0].path).toBe('nodes[0].position.x');
    const doc2 = base({ seed: Infinity });
    expect(failure(loadDocument(doc2)).diagnostics[0].path).toBe('seed');
    // NaN inside params passes the structural check and becomes a diagnostic on the node.
    const doc3 = base();
    doc3.nodes[1].params = { mode: 'max', kernel: NaN };
    const r = loadDocument(doc3);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = analyze(r.document);
    expect(a.diagnostics.find((d) => d.code === 'invalid-param')).toMatchObject({ nodeId: 'p', path: 'nodes[1].params.kernel' });
  });

  it('negative and absurd sizes are diagnostics on the right parameter', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ channels: -3, height: 4, width: 4 }, 'nodes[0].params.channels'],
      [{ channels: 70_000, height: 4, width: 4 }, 'nodes[0].params.channels'],
      [{ channels: 3, height: 0, width: 4 }, 'nodes[0].params.height'],
      [{ channels: 3, height: 4.5, width: 4 }, 'nodes[0].params.height'],
      [{ channels: 3, height: 4, width: 1e9 }, 'nodes[0].params.width'],
    ];
    for (const [params, path] of cases) {
      const doc = base();
      doc.nodes[0].params = params;
      const r = loadDocument(doc);
      if (!r.ok) throw r.error;
      const d = analyze(r.document).diagnostics.find((x) => x.code === 'invalid-param');
      expect(d?.path, JSON.stringify(params)).toBe(path);
      expect(d?.nodeId).toBe('x');
    }
  });

  it('activations beyond 16 GiB are "too-large" on the node that makes them', () => {
    const doc = base();
    doc.nodes[0].params = { channels: 3, height: 60_000, width: 60_000 };
    const r = loadDocument(doc);
    if (!r.ok) throw r.error;
    const a = analyze(r.document);
    expect(a.diagnostics.find((d) => d.code === 'too-large')).toMatchObject({ nodeId: 'x', severity: 'error' });

    const conv = loadDocument({
      ...base(),
      nodes: [
        { id: 'x', type: 'Input', params: { channels: 3, height: 2048, width: 2048 } },
        { id: 'c', type: 'Conv2D', params: { filters: 65_536, kernel: 1 } },
        { id: 'd', type: 'Dense', params: { units: 1_000_000 } },
      ],
      edges: [{ source: 'x', target: 'c' }, { source: 'x', target: 'd' }],
    });
    if (!conv.ok) throw conv.error;
    const b = analyze(conv.document);
    expect(b.diagnostics.find((d) => d.code === 'too-large' && d.nodeId === 'c')?.message).toMatch(/16 GiB/);
    expect(b.diagnostics.find((d) => d.nodeId === 'd')?.code).toBe('dense-needs-flatten');
  });

  it('analyze tolerates params that are missing or not objects', () => {
    const r = loadDocument(base());
    if (!r.ok) throw r.error;
    const doc = r.document;
    (doc.nodes[1] as { params: unknown }).params = undefined;
    expect(analyze(doc).diagnostics.some((d) => d.code === 'invalid-param' && d.nodeId === 'p')).toBe(true);
    (doc.nodes[1] as { params: unknown }).params = 'max';
    expect(analyze(doc).diagnostics.some((d) => d.code === 'invalid-param' && d.nodeId === 'p')).toBe(true);
  });
  it('a file that is not JSON is named so with at most a short printable excerpt — never its binary bytes (issue 21)', () => {
    const png = new TextDecoder().decode(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52));
    const r = parseDocument(png);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('Not a JSON file: it starts with binary data (it looks like a PNG image — drop images on the Input node instead).');
    const text = parseDocument('hello world, this is a long line of plain text that is not JSON at all');
    if (!text.ok) expect(text.error.message).toMatch(/^Not valid JSON( \(at character \d+\))?; it starts “hello world, this is a long line of plai…”\.$/);
  });
});
