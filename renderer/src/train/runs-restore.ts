/**
 * "Restore this design": the current document's layers and connections become a run's design, as
 * one edit. Layers that still exist keep their place on the canvas; new ones are placed next to
 * their inputs (or, without a placed input, before their first placed output, else below the
 * model). A layer keeps its weights only when its type, parameters and input shapes are unchanged
 * (so every kept weight still fits); the rest start again from the seeded initialisation.
 */
import { analyze, type Analysis, type ModelDocument, type ModelNode } from '../engine';
import { edgeId } from '../model/ids';
import { overlapsOf, type Box } from '../layout/overlap';
import type { RunDesign } from './runs-diff';
import { sameParams } from './runs-diff';

export interface RestoreOptions {
  direction: 'LR' | 'TB';
  /** Card size used to place new layers and avoid overlaps. */
  card: { width: number; height: number };
}

export interface RestoreResult {
  /** The same document when it already has this design. */
  doc: ModelDocument;
  added: string[];
  removed: string[];
  /** Layers whose weights were dropped (their params or input shapes changed). */
  weightsDropped: string[];
}

const GAP = 70;

function sameShapes(a: Analysis, b: Analysis, id: string): boolean {
  const x = a.nodes[id];
  const y = b.nodes[id];
  return !!x && !!y && x.status === 'ok' && y.status === 'ok' && JSON.stringify(x.inputShapes) === JSON.stringify(y.inputShapes);
}

/** Design node ids with inputs before their consumers (Kahn); nodes in a cycle come last, in file order. */
function topological(design: RunDesign): string[] {
  const indegree = new Map(design.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of design.edges) {
    if (!indegree.has(e.source) || !indegree.has(e.target)) continue;
    indegree.set(e.target, indegree.get(e.target)! + 1);
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  }
  const queue = design.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const out: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    out.push(queue[i]);
    for (const t of next.get(queue[i]) ?? []) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) queue.push(t);
    }
  }
  const placed = new Set(out);
  return [...out, ...design.nodes.filter((n) => !placed.has(n.id)).map((n) => n.id)];
}

function sameDesign(doc: ModelDocument, design: RunDesign): boolean {
  if (doc.nodes.length !== design.nodes.length || doc.edges.length !== design.edges.length) return false;
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  for (const d of design.nodes) {
    const n = byId.get(d.id);
    if (!n || n.type !== d.type || (n.label ?? '') !== (d.label ?? '') || !sameParams(d.type, n.params, d.params)) return false;
  }
  const key = (e: { source: string; target: string; targetPort?: number }) => `${e.source}\u0000${e.target}\u0000${e.targetPort ?? 0}`;
  const edges = new Set(doc.edges.map(key));
  return design.edges.every((e) => edges.has(key(e)));
}

export function restoreDesign(doc: ModelDocument, design: RunDesign, options: RestoreOptions): RestoreResult {
  if (sameDesign(doc, design)) return { doc, added: [], removed: [], weightsDropped: [] };
  const current = new Map(doc.nodes.map((n) => [n.id, n]));
  const wanted = new Set(design.nodes.map((n) => n.id));

  // Nodes: the run's type, params and label; the current position (and, for now, weights).
  const nodes: ModelNode[] = design.nodes.map((d) => {
    const cur = current.get(d.id);
    const node: ModelNode = { id: d.id, type: d.type, params: structuredClone(d.params) };
    if (d.label) node.label = d.label;
    if (cur?.type === d.type) {
      if (sameParams(d.type, cur.params, d.params)) node.params = cur.params;
      if (cur.position) node.position = cur.position;
      if (cur.weights) node.weights = cur.weights;
    }
    return node;
  });

  // Edges: keep the ids of connections that exist already.
  const existing = new Map(doc.edges.map((e) => [`${e.source}\u0000${e.target}`, e.id]));
  const taken = new Set<string>(doc.edges.map((e) => e.id));
  const edges: ModelDocument['edges'] = design.edges.map((e) => {
    let id = existing.get(`${e.source}\u0000${e.target}`);
    if (id === undefined) {
      id = edgeId(e.source, e.target, taken);
      taken.add(id);
    } else existing.delete(`${e.source}\u0000${e.target}`);
    return { id, source: e.source, target: e.target, ...(e.targetPort !== undefined ? { targetPort: e.targetPort } : {}) };
  });

  // Weights only where they still fit.
  const before = analyze(doc);
  const after = analyze({ ...doc, nodes, edges });
  const weightsDropped: string[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (!n.weights) continue;
    const cur = current.get(n.id)!;
    if (sameParams(n.type, cur.params, n.params) && sameShapes(before, after, n.id)) continue;
    const { weights: _dropped, ...rest } = n;
    nodes[i] = rest;
    weightsDropped.push(n.id);
  }

  // Places for new layers.
  const { card, direction } = options;
  const boxes = new Map<string, Box>();
  for (const n of nodes) if (n.position) boxes.set(n.id, { ...n.position, ...card });
  const byId = new Map(nodes.map((n, i) => [n.id, i]));
  const inputs = (id: string) => design.edges.filter((e) => e.target === id).sort((a, b) => (a.targetPort ?? 0) - (b.targetPort ?? 0)).map((e) => e.source);
  const outputs = (id: string) => design.edges.filter((e) => e.source === id).map((e) => e.target);
  const along = direction === 'LR' ? { x: card.width + GAP, y: 0 } : { x: 0, y: card.height + GAP };
  const across = direction === 'LR' ? { x: 0, y: card.height + 24 } : { x: card.width + 24, y: 0 };
  const added: string[] = [];
  for (const id of topological(design)) {
    const i = byId.get(id)!;
    if (nodes[i].position) continue;
    added.push(id);
    const from = inputs(id).map((s) => boxes.get(s)).find((b) => b);
    const to = outputs(id).map((t) => boxes.get(t)).find((b) => b);
    let p: { x: number; y: number };
    if (from) p = { x: from.x + along.x, y: from.y + along.y };
    else if (to) p = { x: to.x - along.x, y: to.y - along.y };
    else if (boxes.size) {
      const all = [...boxes.values()];
      p = direction === 'LR' ? { x: Math.min(...all.map((b) => b.x)), y: Math.max(...all.map((b) => b.y + b.height)) + GAP } : { x: Math.max(...all.map((b) => b.x + b.width)) + GAP, y: Math.min(...all.map((b) => b.y)) };
    } else p = { x: 0, y: 0 };
    boxes.set(id, { ...p, ...card });
    for (let k = 0; k < 200 && overlapsOf(id, boxes).length; k++) {
      p = { x: p.x + across.x, y: p.y + across.y };
      boxes.set(id, { ...p, ...card });
    }
    nodes[i] = { ...nodes[i], position: { x: Math.round(p.x), y: Math.round(p.y) } };
  }

  const removed = doc.nodes.filter((n) => !wanted.has(n.id)).map((n) => n.id);
  return { doc: { ...doc, nodes, edges }, added, removed, weightsDropped };
}
