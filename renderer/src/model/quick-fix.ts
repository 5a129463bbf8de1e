/** Applies the engine's suggested fixes (Diagnostic.fix) to the document. */
import type { Analysis, ModelDocument, QuickFix, Shape } from '../engine';
import { addNode, type XY } from './edits';
import { edgeId } from './ids';
import { t } from '../i18n';

type Edge = ModelDocument['edges'][number];

/** The fixed document and the node to select afterwards (none when the fix only removed something). */
export type FixResult = { ok: true; doc: ModelDocument; nodeId?: string } | { ok: false; reason: string };

function midpoint(doc: ModelDocument, a: string, b: string): XY {
  const pa = doc.nodes.find((n) => n.id === a)?.position ?? { x: 0, y: 0 };
  const pb = doc.nodes.find((n) => n.id === b)?.position ?? { x: 0, y: 0 };
  return { x: (pa.x + pb.x) / 2, y: (pa.y + pb.y) / 2 + 40 };
}

/** Put a new node `type` on `edge`: source → new → target (the target keeps its input port). */
function spliceInto(doc: ModelDocument, edge: Edge, type: string, params: Record<string, unknown>): { doc: ModelDocument; id: string } {
  const added = addNode(doc, type, midpoint(doc, edge.source, edge.target), params);
  const taken = new Set(added.doc.edges.map((e) => e.id));
  const first: Edge = { id: edgeId(edge.source, added.id, taken), source: edge.source, target: added.id };
  taken.add(first.id);
  const second: Edge = { ...edge, id: edgeId(added.id, edge.target, taken), source: added.id };
  const edges = added.doc.edges.flatMap((e) => (e.id === edge.id ? [first, second] : [e]));
  return { doc: { ...added.doc, edges }, id: added.id };
}

/** The stride s with floor((n − 1) / s) + 1 = target for a 1×1 kernel, if there is one. */
export function strideFor(n: number, target: number): number | undefined {
  for (let s = 1; s <= n; s++) if (Math.floor((n - 1) / s) + 1 === target) return s;
  return undefined;
}

/**
 * A 1×1 convolution that maps `from` to the channels and size of `to`, or why there is none.
 * (The shortcut of ResNet's downsampling units: 1×1 conv, stride 2.)
 */
export function projectionParams(from: Shape, to: Shape): { ok: true; params: Record<string, unknown> } | { ok: false; reason: string } {
  if (from.length !== 3 || to.length !== 3) return { ok: false, reason: t('quickFix.needMaps') };
  const sh = strideFor(from[1], to[1]);
  const sw = strideFor(from[2], to[2]);
  if (sh === undefined || sw === undefined) {
    return { ok: false, reason: t('quickFix.noStride', { from: `${from[1]}×${from[2]}`, to: `${to[1]}×${to[2]}` }) };
  }
  return { ok: true, params: { filters: to[0], kernel: 1, stride: sh === sw ? sh : [sh, sw], padding: 0 } };
}

export function applyQuickFix(doc: ModelDocument, analysis: Analysis, fix: QuickFix): FixResult {
  const edge = doc.edges.find((e) => e.id === fix.edgeId);
  if (!edge) return { ok: false, reason: t('quickFix.edgeGone', { edge: fix.edgeId }) };
  if (fix.kind === 'delete-edge') return { ok: true, doc: { ...doc, edges: doc.edges.filter((e) => e !== edge) } };
  if (fix.kind === 'insert-flatten') {
    const r = spliceInto(doc, edge, 'Flatten', {});
    return { ok: true, doc: r.doc, nodeId: r.id };
  }
  // add-projection: map this input to the shape of the Add's first input.
  const add = analysis.nodes[fix.nodeId];
  const from = analysis.edges[edge.id]?.shape;
  const to = add?.inputShapes[0];
  if (!add || !from || !to) return { ok: false, reason: t('quickFix.shapesUnknown') };
  const proj = projectionParams(from, to);
  if (!proj.ok) return proj;
  const r = spliceInto(doc, edge, 'Conv2D', proj.params);
  return { ok: true, doc: r.doc, nodeId: r.id };
}
