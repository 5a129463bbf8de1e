/**
 * Turns the document and its analysis into React Flow nodes and edges. Node objects are reused when
 * nothing about them changed, so React Flow re-renders only the cards an edit touched.
 */
import type { Edge, Node } from '@xyflow/react';
import type { Analysis, Diagnostic, ModelDocument, PrimitiveNode } from '../engine';
import { formatShape, ops } from '../engine';
import { incomingOrdered, inputHandle, isMultiInput, OUTPUT_HANDLE, takesInput } from '../model/ports';
import { layoutModule } from '../layout/module-layout';
import type { LayoutDirection } from '../store/ui-store';
import { LAYER_CARD, layerCardSize } from '../layout/sizes';
import { edgeLanes, type CardPlace } from './edge-lanes';
import { opTitle, roleText, summaryText } from '../i18n/engine-text';
import { diagnosticText } from '../i18n/diagnostic-text';

export interface LayerData extends Record<string, unknown> {
  nodeId: string;
  type: string;
  title: string;
  label?: string;
  summary: string;
  shape?: string;
  status: string;
  /** Error (or warning) messages of this node, for the hover text. */
  problem?: string;
  severity?: 'error' | 'warning';
  /** Number of input handles (multi-input nodes: one per input plus a free one). */
  inputs: number;
  multi: boolean;
  dir: LayoutDirection;
  isModule: boolean;
  open: boolean;
  canOpen: boolean;
  width?: number;
  height?: number;
}

export interface PrimData extends Record<string, unknown> {
  id: string;
  role: string;
  type: string;
  summary: string;
  shape: string;
  params: number;
  dir: LayoutDirection;
}

export interface ShapeEdgeData extends Record<string, unknown> {
  label?: string;
  error?: string;
  /** Runs along this lane (a y left to right, an x top to bottom) around the cards in its way (edge-route.ts). */
  lane?: number;
}

export type LayerNodeT = Node<LayerData, 'layer' | 'module'>;
export type PrimNodeT = Node<PrimData, 'prim'>;
export type FlowNode = LayerNodeT | PrimNodeT;

export interface FlowInput {
  doc: ModelDocument;
  analysis: Analysis;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  openModules: ReadonlySet<string>;
  direction: LayoutDirection;
  /** Height the card's thumbnail slot adds (0: none); an opened module's primitives start below it. */
  cardExtraHeight?: number;
  dims: ReadonlyMap<string, { width: number; height: number }>;
  drag: ReadonlyMap<string, { x: number; y: number }> | null;
  /** Where nodes are drawn while modules are open (canvas/view-layout.ts); else at their document positions. */
  shown?: ReadonlyMap<string, { x: number; y: number }>;
}

function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** Keeps the previous object when the new one is equal in everything React Flow looks at. */
export class FlowCache {
  private nodes = new Map<string, Node>();
  private edges = new Map<string, Edge>();

  node<T extends Node>(n: T): T {
    const prev = this.nodes.get(n.id) as T | undefined;
    if (
      prev &&
      prev.type === n.type &&
      prev.position.x === n.position.x &&
      prev.position.y === n.position.y &&
      prev.selected === n.selected &&
      prev.parentId === n.parentId &&
      prev.measured?.width === n.measured?.width &&
      prev.measured?.height === n.measured?.height &&
      prev.width === n.width &&
      prev.height === n.height &&
      shallowEqual(prev.data, n.data)
    )
      return prev;
    this.nodes.set(n.id, n);
    return n;
  }

  edge<T extends Edge>(e: T): T {
    const prev = this.edges.get(e.id) as T | undefined;
    if (
      prev &&
      prev.source === e.source &&
      prev.target === e.target &&
      prev.targetHandle === e.targetHandle &&
      prev.selected === e.selected &&
      prev.type === e.type &&
      shallowEqual(prev.data ?? {}, e.data ?? {})
    )
      return prev;
    this.edges.set(e.id, e);
    return e;
  }

  private lastNodes: Node[] = [];
  private lastEdges: Edge[] = [];

  /** The previous array when every element is the same object (React Flow then skips its lookups). */
  arrays<N extends Node, E extends Edge>(nodes: N[], edges: E[]): { nodes: N[]; edges: E[] } {
    const same = <T>(a: T[], b: T[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    if (same(nodes, this.lastNodes)) nodes = this.lastNodes as N[];
    else this.lastNodes = nodes;
    if (same(edges, this.lastEdges)) edges = this.lastEdges as E[];
    else this.lastEdges = edges;
    return { nodes, edges };
  }

  /** Drop entries no longer shown (called after each build). */
  prune(nodeIds: Set<string>, edgeIds: Set<string>): void {
    for (const id of this.nodes.keys()) if (!nodeIds.has(id)) this.nodes.delete(id);
    for (const id of this.edges.keys()) if (!edgeIds.has(id)) this.edges.delete(id);
  }
}

function problemsByTarget(diags: Diagnostic[]) {
  const byNode = new Map<string, Diagnostic[]>();
  const byEdge = new Map<string, Diagnostic[]>();
  for (const d of diags) {
    if (d.severity === 'info') continue;
    if (d.edgeId) byEdge.set(d.edgeId, [...(byEdge.get(d.edgeId) ?? []), d]);
    if (d.nodeId) byNode.set(d.nodeId, [...(byNode.get(d.nodeId) ?? []), d]);
  }
  return { byNode, byEdge };
}

export function primitivesOf(analysis: Analysis, owner: string): PrimitiveNode[] {
  const ids = analysis.nodes[owner]?.primitives ?? [];
  const set = new Set(ids);
  return analysis.primitives.nodes.filter((p) => set.has(p.id) && p.owner === owner);
}

export function isComposite(type: string): boolean {
  return !!ops.get(type)?.expand;
}

/** Lanes for the edges that would pass behind a card, from where the top-level cards are drawn. */
function routeAroundCards(nodes: readonly FlowNode[], doc: ModelDocument, ranks: ReadonlyMap<string, number>, direction: LayoutDirection, extraHeight: number): Map<string, number> {
  const estimate = layerCardSize(extraHeight);
  const cards: CardPlace[] = [];
  for (const n of nodes) {
    if (n.type === 'prim') continue;
    const d = n.data as LayerData;
    cards.push({ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? n.width ?? estimate.width, height: n.measured?.height ?? n.height ?? estimate.height, inputs: d.inputs });
  }
  return edgeLanes(cards, doc.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, port: ranks.get(e.id) ?? 0 })), direction);
}

export function buildFlow(input: FlowInput, cache: FlowCache): { nodes: FlowNode[]; edges: Edge[] } {
  const { doc, analysis, selectedNodes, selectedEdges, openModules, direction, dims, drag, shown } = input;
  const { byNode, byEdge } = problemsByTarget(analysis.diagnostics);
  const nodes: FlowNode[] = [];
  const edges: Edge[] = [];
  const incomingCount = new Map<string, number>();
  for (const e of doc.edges) incomingCount.set(e.target, (incomingCount.get(e.target) ?? 0) + 1);

  for (const n of doc.nodes) {
    const info = analysis.nodes[n.id];
    const op = ops.get(n.type);
    const problems = byNode.get(n.id) ?? [];
    const errors = problems.filter((d) => d.severity === 'error');
    const multi = isMultiInput(n.type);
    const composite = isComposite(n.type);
    const prims = composite ? primitivesOf(analysis, n.id) : [];
    const open = composite && openModules.has(n.id) && prims.length > 0;
    const data: LayerData = {
      nodeId: n.id,
      type: n.type,
      title: opTitle(n.type, op),
      summary: info?.summary ? summaryText(info.summary) : n.type,
      status: info?.status ?? 'error',
      // A multi-input node offers one free handle more than it has edges, up to what it takes (Multiply: 2).
      inputs: takesInput(n.type) ? (multi ? Math.min((incomingCount.get(n.id) ?? 0) + 1, Math.max(op?.arity.max ?? Infinity, incomingCount.get(n.id) ?? 0)) : 1) : 0,
      multi,
      dir: direction,
      isModule: composite,
      open,
      canOpen: prims.length > 0,
    };
    if (n.label) data.label = n.label;
    if (info?.outputShape) data.shape = formatShape(info.outputShape);
    if (problems.length) {
      data.problem = (errors.length ? errors : problems).map((d) => diagnosticText(d, doc)).join('\n');
      data.severity = errors.length ? 'error' : 'warning';
    }
    const position = drag?.get(n.id) ?? shown?.get(n.id) ?? n.position ?? { x: 0, y: 0 };
    const measured = dims.get(n.id);
    if (open) {
      const inside = layoutModule(prims, direction, LAYER_CARD.width, input.cardExtraHeight ?? 0);
      data.width = inside.width;
      data.height = inside.height;
      nodes.push(
        cache.node({
          id: n.id,
          type: 'module',
          position,
          data,
          selected: selectedNodes.has(n.id),
          width: inside.width,
          height: inside.height,
          ...(measured ? { measured } : {}),
        } as LayerNodeT),
      );
      for (const p of prims) {
        const primOp = ops.get(p.type);
        let summary = p.type;
        try {
          summary = primOp?.summary(p.params, p.inputShapes) ?? p.type;
        } catch {
          /* params already validated by the engine */
        }
        const pd: PrimData = { id: p.id, role: p.role ? roleText(p.role) : p.type, type: p.type, summary: summaryText(summary), shape: formatShape(p.shape), params: p.paramCount, dir: direction };
        const pm = dims.get(p.id);
        nodes.push(
          cache.node({
            id: p.id,
            type: 'prim',
            parentId: n.id,
            extent: 'parent',
            position: inside.positions.get(p.id)!,
            data: pd,
            draggable: false,
            selectable: false,
            connectable: false,
            focusable: false,
            ...(pm ? { measured: pm } : {}),
          } as PrimNodeT),
        );
      }
      for (const e of inside.edges) {
        const id = `inner:${e.from ?? n.id}->${e.to}`;
        edges.push(
          cache.edge({
            id,
            source: e.from ?? n.id,
            sourceHandle: e.from ? OUTPUT_HANDLE : 'inner-src',
            target: e.to,
            targetHandle: inputHandle(0),
            type: 'default',
            selectable: false,
            focusable: false,
            className: 'inner-edge',
            zIndex: 1,
          }),
        );
      }
      if (inside.output) {
        const id = `inner:${inside.output}->${n.id}`;
        edges.push(cache.edge({ id, source: inside.output, sourceHandle: OUTPUT_HANDLE, target: n.id, targetHandle: 'inner-dst', type: 'default', selectable: false, focusable: false, className: 'inner-edge', zIndex: 1 }));
      }
    } else {
      nodes.push(cache.node({ id: n.id, type: 'layer', position, data, selected: selectedNodes.has(n.id), ...(measured ? { measured } : {}) } as LayerNodeT));
    }
  }

  const known = new Set(doc.nodes.map((n) => n.id));
  const ranks = new Map<string, number>();
  for (const n of doc.nodes) if (isMultiInput(n.type)) incomingOrdered(doc, n.id).forEach((e, i) => ranks.set(e.id, i));
  const anyOpen = nodes.some((n) => n.type === 'module');
  const lanes = routeAroundCards(nodes, doc, ranks, direction, input.cardExtraHeight ?? 0);
  for (const e of doc.edges) {
    if (!known.has(e.source) || !known.has(e.target)) continue;
    const shape = analysis.edges[e.id]?.shape;
    const problems = (byEdge.get(e.id) ?? []).filter((d) => d.severity === 'error');
    const data: ShapeEdgeData = {};
    if (shape) data.label = formatShape(shape);
    if (problems.length) data.error = problems.map((d) => diagnosticText(d, doc)).join('\n');
    const lane = lanes.get(e.id);
    if (lane !== undefined) data.lane = lane;
    edges.push(
      cache.edge({
        id: e.id,
        source: e.source,
        sourceHandle: OUTPUT_HANDLE,
        target: e.target,
        targetHandle: inputHandle(ranks.get(e.id) ?? 0),
        type: 'shape',
        data,
        selected: selectedEdges.has(e.id),
        // Above opened module boxes, so they stay visible; otherwise below the cards, so an edge that
        // wraps across a row (its 16px hit area) never swallows a click meant for a card.
        ...(anyOpen ? { zIndex: 2 } : {}),
      }),
    );
  }
  cache.prune(new Set(nodes.map((n) => n.id)), new Set(edges.map((e) => e.id)));
  return cache.arrays(nodes, edges);
}
