import { describe, expect, it } from 'vitest';
import type { NodeRunResult, RunResult } from '../../../engine/src/core/api';
import { keepUnchanged } from './keep-unchanged';

const node = (key?: string): NodeRunResult => ({ shape: [1], stats: { min: 0, max: 1, mean: 0.5, std: 0.5, zeros: 0 }, ...(key ? { key } : {}) });
const result = (runId: number, nodes: Record<string, NodeRunResult>): RunResult => ({ runId, docId: 'd', timeMs: 1, nodes, tensors: {}, skipped: [], diagnostics: [] });

describe('keepUnchanged', () => {
  it('keeps the previous object of a node whose key is the same, and takes the new one otherwise', () => {
    const a = node('k1');
    const b = node('k2');
    const prev = result(1, { a, b, c: node() });
    const next = result(2, { a: node('k1'), b: node('k3'), c: node(), d: node('k4') });
    const out = keepUnchanged(prev, next);
    expect(out.runId).toBe(2);
    expect(out.nodes.a).toBe(a);
    expect(out.nodes.b).toBe(next.nodes.b);
    // Without keys nothing is known to be the same.
    expect(out.nodes.c).toBe(next.nodes.c);
    expect(out.nodes.d).toBe(next.nodes.d);
  });

  it('a card preview and a full one of the same output are different results (the Maps tab needs the full one)', () => {
    const preview = (card: boolean) => ({ channels: 2, height: 1, width: 1, data: new Uint8Array(2), ranges: new Float32Array(4), ...(card ? { card: { channels: 8 } } : {}) });
    const full = { ...node('k1'), preview: preview(false) };
    const out = keepUnchanged(result(1, { a: full }), result(2, { a: { ...node('k1'), preview: preview(true) } }));
    expect(out.nodes.a.preview?.card).toEqual({ channels: 8 });
    const back = keepUnchanged(out, result(3, { a: full }));
    expect(back.nodes.a).toBe(full);
  });

  it('returns the new result itself when nothing is kept', () => {
    const next = result(2, { a: node('x') });
    expect(keepUnchanged(undefined, next)).toBe(next);
    expect(keepUnchanged(result(1, { a: node('y') }), next)).toBe(next);
  });
});
