/**
 * Pure edits of the model document. Each takes a document and returns a new one (never mutates), so
 * the store can keep old documents for undo and the analysis can be memoised by reference.
 */
import type { ModelDocument, ModelNode } from '../engine';
import { MODEL_FORMAT, MODEL_VERSION, ops } from '../engine';
import { edgeId, slugType, uniqueId } from './ids';
import { incomingOrdered, isMultiInput } from './ports';
import { reaches } from '../../../engine/src/core/graph/reaches';
import { nodeName } from './node-name';
import { t } from '../i18n';

type Edge = ModelDocument['edges'][number];
export interface XY {
  x: number;
  y: number;
}

export function emptyDocument(name = 'untitled'): ModelDocument {
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name, nodes: [], edges: [] };
}

function nodeIds(doc: ModelDocument): Set<string> {
  return new Set(doc.nodes.map((n) => n.id));
}

/** Add a node of `type` at `position`; params default to the op's example. */
export function addNode(doc: ModelDocument, type: string, position: XY, params?: Record<string, unknown>): { doc: ModelDocument; id: string } {
  const op = ops.get(type);
  const id = uniqueId(slugType(type), nodeIds(doc));
  const node: ModelNode = { id, type, params: structuredClone(params ?? op?.example ?? {}), position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

/** Remove nodes (with every edge touching them) and edges. Multi-input ports are renumbered to stay dense. */
export function removeElements(doc: ModelDocument, nodes: Iterable<string>, edges: Iterable<string> = []): ModelDocument {
  const goneNodes = new Set(nodes);
  const goneEdges = new Set(edges);
  if (goneNodes.size === 0 && goneEdges.size === 0) return doc;
  const keptEdges = doc.edges.filter((e) => !goneEdges.has(e.id) && !goneNodes.has(e.source) && !goneNodes.has(e.target));
  const out: ModelDocument = { ...doc, nodes: doc.nodes.filter((n) => !goneNodes.has(n.id)), edges: keptEdges };
  const touched = new Set(doc.edges.filter((e) => !keptEdges.includes(e)).map((e) => e.target));
  return renumberPorts(out, [...touched].filter((t) => !goneNodes.has(t)));
}

/** Give the inputs of multi-input nodes ports 0…n−1 in their current order. */
export function renumberPorts(doc: ModelDocument, targets: string[]): ModelDocument {
  let edges = doc.edges;
  for (const target of targets) {
    const node = doc.nodes.find((n) => n.id === target);
    if (!node || !isMultiInput(node.type)) continue;
    const ordered = incomingOrdered({ ...doc, edges }, target);
    const portOf = new Map(ordered.map((e, i) => [e.id, i]));
    edges = edges.map((e) => (portOf.has(e.id) && e.targetPort !== portOf.get(e.id) ? { ...e, targetPort: portOf.get(e.id) } : e));
  }
  return edges === doc.edges ? doc : { ...doc, edges };
}

/** `replaced`: the edges the new one took the place of (a single-input node's old input). */
export type ConnectResult = { ok: true; doc: ModelDocument; edgeId: string; replaced: Edge[] } | { ok: false; reason: string };

/**
 * Connect source's output to target's input number `port`. Single-input nodes: the new edge replaces
 * the old one. Multi-input nodes (Concat, Add): the edge is inserted at `port` and later inputs move
 * down one; ports stay 0…n−1.
 */
export function connect(doc: ModelDocument, source: string, target: string, port = 0): ConnectResult {
  if (source === target) return { ok: false, reason: t('edits.selfLoop') };
  const src = doc.nodes.find((n) => n.id === source);
  const dst = doc.nodes.find((n) => n.id === target);
  if (!src || !dst) return { ok: false, reason: t('edits.missingEnd') };
  if ((ops.get(dst.type)?.arity.max ?? 1) === 0) return { ok: false, reason: t('edits.noInputs', { target: nodeName(doc, target) }) };
  const existing = incomingOrdered(doc, target);
  if (existing.some((e) => e.source === source)) return { ok: false, reason: t('edits.already', { source: nodeName(doc, source), target: nodeName(doc, target) }) };
  const outs = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = outs.get(e.source);
    if (list) list.push(e.target);
    else outs.set(e.source, [e.target]);
  }
  if (reaches(target, source, (id) => outs.get(id) ?? [])) return { ok: false, reason: t('edits.loop', { source: nodeName(doc, source), target: nodeName(doc, target) }) };
  const taken = new Set(doc.edges.map((e) => e.id));
  const id = edgeId(source, target, taken);
  if (!isMultiInput(dst.type)) {
    const replaced = new Set(existing.map((e) => e.id));
    const edges = [...doc.edges.filter((e) => !replaced.has(e.id)), { id, source, target }];
    return { ok: true, doc: { ...doc, edges }, edgeId: id, replaced: existing };
  }
  const at = Math.max(0, Math.min(port, existing.length));
  const order = [...existing.map((e) => e.id)];
  order.splice(at, 0, id);
  const portOf = new Map(order.map((eid, i) => [eid, i]));
  const edges: Edge[] = doc.edges.map((e) => (portOf.has(e.id) && e.targetPort !== portOf.get(e.id) ? { ...e, targetPort: portOf.get(e.id) } : e));
  edges.push({ id, source, target, targetPort: at });
  return { ok: true, doc: { ...doc, edges }, edgeId: id, replaced: [] };
}

function mapNode(doc: ModelDocument, id: string, f: (n: ModelNode) => ModelNode): ModelDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (n.id !== id) return n;
    const m = f(n);
    if (m !== n) changed = true;
    return m;
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Set one parameter; `undefined` removes it (the op's default applies). Values are stored as given — never clamped. */
export function setParam(doc: ModelDocument, id: string, name: string, value: unknown): ModelDocument {
  return mapNode(doc, id, (n) => {
    if (value === undefined) {
      if (!(name in n.params)) return n;
      const { [name]: _gone, ...rest } = n.params;
      return { ...n, params: rest };
    }
    if (JSON.stringify(n.params[name]) === JSON.stringify(value)) return n;
    return { ...n, params: { ...n.params, [name]: value } };
  });
}

export function setLabel(doc: ModelDocument, id: string, label: string): ModelDocument {
  return mapNode(doc, id, (n) => {
    const next = label.trim();
    if ((n.label ?? '') === next) return n;
    const { label: _old, ...rest } = n;
    return next ? { ...rest, label: next } : rest;
  });
}

export function renameDocument(doc: ModelDocument, name: string): ModelDocument {
  return doc.name === name ? doc : { ...doc, name };
}

/** Move nodes to new positions (drag, auto-layout). Node params keep their identity, so the analysis is reused. */
export function setPositions(doc: ModelDocument, positions: ReadonlyMap<string, XY>): ModelDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p) return n;
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (n.position && n.position.x === x && n.position.y === y) return n;
    changed = true;
    return { ...n, position: { x, y } };
  });
  return changed ? { ...doc, nodes } : doc;
}

/** A copied part of a model: the nodes and the edges between them. */
export interface Fragment {
  nodes: ModelNode[];
  edges: Edge[];
}

export function copyFragment(doc: ModelDocument, ids: Iterable<string>): Fragment {
  const set = new Set(ids);
  return {
    nodes: structuredClone(doc.nodes.filter((n) => set.has(n.id))),
    edges: structuredClone(doc.edges.filter((e) => set.has(e.source) && set.has(e.target))),
  };
}

/** Paste a fragment with fresh ids, shifted by `offset`. Returns the new node ids. */
export function pasteFragment(doc: ModelDocument, frag: Fragment, offset: XY): { doc: ModelDocument; ids: string[] } {
  const taken = nodeIds(doc);
  const rename = new Map<string, string>();
  const nodes = frag.nodes.map((n) => {
    const id = uniqueId(n.id.replace(/_\d+$/, ''), taken);
    taken.add(id);
    rename.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    return { ...structuredClone(n), id, position: { x: Math.round(p.x + offset.x), y: Math.round(p.y + offset.y) } };
  });
  const edgeTaken = new Set(doc.edges.map((e) => e.id));
  const edges = frag.edges.map((e) => {
    const source = rename.get(e.source)!;
    const target = rename.get(e.target)!;
    const id = edgeId(source, target, edgeTaken);
    edgeTaken.add(id);
    return { ...e, id, source, target };
  });
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}

/** Whether every node has a position (presets and some files have none: the editor lays them out). */
export function hasLayout(doc: ModelDocument): boolean {
  return doc.nodes.every((n) => n.position !== undefined);
}
