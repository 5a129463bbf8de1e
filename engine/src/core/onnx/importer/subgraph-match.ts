/**
 * Matching a composite's expansion against an imported graph of primitives, node for node: the
 * graph index the matchers read, and the exact match (same ops, same parameters — padding compared
 * after resolving — same wiring, nothing inside used from outside). Used by the module recognisers
 * (collapse.ts, collapse-mobile.ts).
 */
import type { ModelDocument, ModelNode } from '../../document/schema';
import { analyze } from '../../graph/analyze';
import { ops } from '../../ops';
import { resolvePads } from '../../ops/common';
import type { Subgraph } from '../../ops/op';
import { pair, type Shape } from '../../shape';

export interface GraphIndex {
  byId: Map<string, ModelNode>;
  /** Sources in port order. */
  inputs: Map<string, string[]>;
  consumers: Map<string, string[]>;
  shapes: Map<string, Shape | undefined>;
  inputShapes: Map<string, Shape[]>;
}

export function indexGraph(doc: ModelDocument): GraphIndex {
  const a = analyze(doc);
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const inputs = new Map<string, string[]>();
  const consumers = new Map<string, string[]>();
  const sorted = doc.edges.map((e, i) => ({ e, i })).sort((p, q) => (p.e.targetPort ?? 1e9) - (q.e.targetPort ?? 1e9) || p.i - q.i);
  for (const { e } of sorted) {
    inputs.set(e.target, [...(inputs.get(e.target) ?? []), e.source]);
    consumers.set(e.source, [...(consumers.get(e.source) ?? []), e.target]);
  }
  const shapes = new Map(doc.nodes.map((n) => [n.id, a.nodes[n.id]?.outputShape]));
  const inputShapes = new Map(doc.nodes.map((n) => [n.id, (a.nodes[n.id]?.inputShapes ?? []) as Shape[]]));
  return { byId, inputs, consumers, shapes, inputShapes };
}

export function parsed(node: { type: string; params: Record<string, unknown> }): any {
  const r = ops.get(node.type)?.params.safeParse(node.params);
  return r?.success ? r.data : undefined;
}

/** Same computation: parameters compared after defaults and padding resolution. */
function sameLayer(type: string, sub: Record<string, unknown>, node: ModelNode, input: Shape | undefined, g: GraphIndex): boolean {
  if (node.type !== type || !input) return false;
  const p = parsed({ type, params: sub });
  const q = parsed(node);
  if (!p || !q) return false;
  switch (type) {
    case 'Conv2D': {
      const same = (u: any, v: any) => pair(u).join() === pair(v).join();
      return (
        p.filters === q.filters &&
        same(p.kernel, q.kernel) &&
        same(p.stride, q.stride) &&
        same(p.dilation, q.dilation) &&
        p.groups === q.groups &&
        p.bias === q.bias &&
        resolvePads(p.padding, input[1], input[2], p.kernel, p.stride, p.dilation).join() === resolvePads(q.padding, input[1], input[2], q.kernel, q.stride, q.dilation).join()
      );
    }
    case 'Pool2D': {
      const out = g.shapes.get(node.id);
      if (p.mode !== q.mode || pair(p.kernel).join() !== pair(q.kernel).join() || pair(p.stride).join() !== pair(q.stride).join()) return false;
      if (resolvePads(p.padding, input[1], input[2], p.kernel, p.stride).join() !== resolvePads(q.padding, input[1], input[2], q.kernel, q.stride).join()) return false;
      if (p.mode === 'avg' && p.countIncludePad !== q.countIncludePad) return false;
      // Same windows when the output size agrees, whatever the ceil flag.
      return !!out && (p.ceil === q.ceil || (out[1] === input[1] && out[2] === input[2] && pair(p.stride).join() === '1,1'));
    }
    case 'BatchNorm':
      return Math.abs(p.epsilon - q.epsilon) <= 1e-6 * p.epsilon;
    case 'Activation':
      return p.fn === q.fn && (p.fn !== 'leaky_relu' || p.alpha === q.alpha);
    case 'GlobalPool':
      return p.mode === q.mode;
    default:
      return true;
  }
}

/**
 * Match a composite's expansion against the graph, backwards from `outputId`. Returns local id →
 * document node id and the block input, or undefined.
 */
export function matchSubgraph(sub: Subgraph, outputId: string, g: GraphIndex): { map: Map<string, string>; input: string } | undefined {
  const local = new Map(sub.nodes.map((n) => [n.id, n]));
  const map = new Map<string, string>();
  let input: string | undefined;
  const visit = (lid: string, docId: string): boolean => {
    const sn = local.get(lid)!;
    const node = g.byId.get(docId);
    if (!node) return false;
    if (map.has(lid)) return map.get(lid) === docId;
    if ([...map.values()].includes(docId)) return false;
    const srcs = g.inputs.get(docId) ?? [];
    if (srcs.length !== sn.inputs.length) return false;
    if (!sameLayer(sn.type, sn.params, node, g.inputShapes.get(docId)?.[0], g)) return false;
    const orders = sn.type === 'Add' && srcs.length === 2 ? [srcs, [srcs[1], srcs[0]]] : [srcs];
    for (const order of orders) {
      const savedMap = new Map(map);
      const savedInput = input;
      map.set(lid, docId);
      const ok = sn.inputs.every((ref, k) => {
        if (typeof ref === 'number') {
          if (input === undefined) input = order[k];
          return input === order[k];
        }
        return visit(ref, order[k]);
      });
      if (ok) return true;
      map.clear();
      for (const [k, v] of savedMap) map.set(k, v);
      input = savedInput;
    }
    return false;
  };
  if (!visit(sub.output, outputId) || input === undefined || map.size !== sub.nodes.length) return undefined;
  // Nothing inside may be read from outside the block (the output aside).
  const inside = new Set(map.values());
  for (const [lid, docId] of map) {
    if (lid === sub.output) continue;
    if ((g.consumers.get(docId) ?? []).some((c) => !inside.has(c))) return undefined;
    if ((g.consumers.get(docId) ?? []).length === 0) return undefined;
  }
  if (inside.has(input)) return undefined;
  return { map, input };
}

/** The one source of a single-input node, if it has exactly one. */
export function src(g: GraphIndex, id: string | undefined): ModelNode | undefined {
  const s = id === undefined ? undefined : g.inputs.get(id);
  return s && s.length === 1 ? g.byId.get(s[0]) : undefined;
}
