/**
 * Weights a document carries that no longer fit their node: an edit changed the shape they must
 * have (C3 from 16 to 8 filters changes C3's kernel and C5's). Judged from the declared shapes, so
 * sidecar ranges are never read. Nodes the analysis could not shape are left alone.
 */
import type { ModelDocument, ModelNode } from '../document/schema';
import type { Analysis } from '../graph/types';
import { numel } from '../shape';
import { inlineWeightKey } from './resolve';

/** By node id, the weight keys whose size no longer matches what the node needs. */
export function staleWeightKeys(doc: ModelDocument, analysis: Analysis): Map<string, string[]> {
  const expected = new Map<string, number>();
  for (const p of analysis.primitives.nodes) for (const w of p.weights) expected.set(`${p.owner}\u0000${inlineWeightKey(p, w.name)}`, numel(w.shape));
  const stale = new Map<string, string[]>();
  for (const n of doc.nodes) {
    for (const [key, t] of Object.entries(n.weights ?? {})) {
      const want = expected.get(`${n.id}\u0000${key}`);
      if (want !== undefined && numel(t.shape) !== want) stale.set(n.id, [...(stale.get(n.id) ?? []), key]);
    }
  }
  return stale;
}

/** The document without its stale weights (those nodes start again from their seeded weights); the same object when none are stale. */
export function withoutStaleWeights(doc: ModelDocument, analysis: Analysis): ModelDocument {
  const stale = staleWeightKeys(doc, analysis);
  if (stale.size === 0) return doc;
  const nodes = doc.nodes.map((n): ModelNode => {
    const keys = stale.get(n.id);
    if (!keys) return n;
    const weights = Object.fromEntries(Object.entries(n.weights ?? {}).filter(([k]) => !keys.includes(k)));
    const { weights: _old, ...rest } = n;
    return Object.keys(weights).length ? { ...rest, weights } : rest;
  });
  return { ...doc, nodes };
}
