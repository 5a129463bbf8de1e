/**
 * Recognising modules in an imported graph of primitives: GoogLeNet inception blocks and ResNet
 * (original form) residual units become one Inception / ResidualUnit node, their weights moving to
 * "<local id>.<name>" keys. A block is collapsed only when it matches our expansion exactly —
 * same ops, same parameters (padding compared after resolving), same wiring, nothing inside used
 * from outside; everything else stays as it was.
 */
import type { ModelDocument, ModelNode } from '../../document/schema';
import { analyze } from '../../graph/analyze';
import { ops } from '../../ops';
import { resolvePads } from '../../ops/common';
import { expandInception, type InceptionParams } from '../../ops/inception';
import { bottleneckWidth, expandResidualUnit, usesProjection, type ResidualUnitParams } from '../../ops/residual-unit';
import type { Subgraph } from '../../ops/op';
import { pair, type Shape } from '../../shape';

interface GraphIndex {
  byId: Map<string, ModelNode>;
  /** Sources in port order. */
  inputs: Map<string, string[]>;
  consumers: Map<string, string[]>;
  shapes: Map<string, Shape | undefined>;
  inputShapes: Map<string, Shape[]>;
}

function indexGraph(doc: ModelDocument): GraphIndex {
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

function parsed(node: { type: string; params: Record<string, unknown> }): any {
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
    default:
      return true;
  }
}

/**
 * Match a composite's expansion against the graph, backwards from `outputId`. Returns local id →
 * document node id and the block input, or undefined.
 */
function matchSubgraph(sub: Subgraph, outputId: string, g: GraphIndex): { map: Map<string, string>; input: string } | undefined {
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
function src(g: GraphIndex, id: string | undefined): ModelNode | undefined {
  const s = id === undefined ? undefined : g.inputs.get(id);
  return s && s.length === 1 ? g.byId.get(s[0]) : undefined;
}

function guessInception(concat: ModelNode, g: GraphIndex): InceptionParams | undefined {
  const ins = g.inputs.get(concat.id) ?? [];
  if (concat.type !== 'Concat' || ins.length !== 4) return undefined;
  const filters = (n: ModelNode | undefined) => (n?.type === 'Conv2D' ? (parsed(n)?.filters as number | undefined) : undefined);
  const convBefore = (reluId: string) => src(g, reluId);
  const b1 = convBefore(ins[0]);
  const b2 = convBefore(ins[1]);
  const b3 = convBefore(ins[2]);
  const b4 = convBefore(ins[3]);
  const reduce = (conv: ModelNode | undefined) => src(g, src(g, conv?.id)?.id);
  const p = { c1x1: filters(b1), c3x3reduce: filters(reduce(b2)), c3x3: filters(b2), c5x5reduce: filters(reduce(b3)), c5x5: filters(b3), poolProj: filters(b4) };
  return Object.values(p).every((v) => v !== undefined) ? (p as InceptionParams) : undefined;
}

function guessResidual(reluOut: ModelNode, g: GraphIndex): UnitGuess[] {
  const add = src(g, reluOut.id);
  if (reluOut.type !== 'Activation' || add?.type !== 'Add') return [];
  const guesses: UnitGuess[] = [];
  for (const main of g.inputs.get(add.id) ?? []) {
    // Walk back conv → BN (→ ReLU → conv → BN …) along the main path.
    const convs: any[] = [];
    let cur: ModelNode | undefined = g.byId.get(main);
    while (cur?.type === 'BatchNorm' && convs.length < 3) {
      const conv = src(g, cur.id);
      if (conv?.type !== 'Conv2D') break;
      convs.unshift(parsed(conv));
      const relu = src(g, conv.id);
      cur = relu?.type === 'Activation' && (g.consumers.get(relu.id) ?? []).length === 1 ? src(g, relu.id) : undefined;
    }
    if (convs.length !== 2 && convs.length !== 3) continue;
    const block = convs.length === 2 ? 'basic' : 'bottleneck';
    const strided = block === 'basic' ? convs[0] : convs[1];
    const [sh, sw] = pair(strided.stride);
    const widths = unitWidths(convs);
    if (sh !== sw || !widths) continue;
    guesses.push({ block, ...widths, stride: sh, preActivation: false });
  }
  return guesses;
}

/** A residual unit read off a graph (groups and width per group only when they are not the defaults). */
type UnitGuess = Omit<ResidualUnitParams, 'projection'>;

/**
 * Filters (and, for a ResNeXt or Wide ResNet bottleneck, groups and width per group) of a unit from
 * its main path's convolutions; undefined when no ResidualUnit gives these widths.
 */
function unitWidths(convs: { filters: number; groups?: number }[]): { filters: number; groups?: number; widthPerGroup?: number } | undefined {
  if (convs.length === 2) return { filters: convs[0].filters };
  const out = convs[2].filters;
  const width = convs[0].filters;
  const groups = convs[1].groups ?? 1;
  if (out % 4 !== 0) return undefined;
  const filters = out / 4;
  if (width === filters && groups === 1) return { filters };
  const widthPerGroup = ((width / groups) * 64) / filters;
  if (!Number.isInteger(widthPerGroup) || bottleneckWidth({ filters, groups, widthPerGroup }) !== width) return undefined;
  return { filters, groups, widthPerGroup };
}

/** Pre-activation units end in the Add: walk back conv ← ReLU ← BN (← conv …) along each input. */
function guessPreActivation(add: ModelNode, g: GraphIndex): UnitGuess[] {
  const guesses: UnitGuess[] = [];
  for (const main of g.inputs.get(add.id) ?? []) {
    const convs: any[] = [];
    let cur: ModelNode | undefined = g.byId.get(main);
    while (cur?.type === 'Conv2D' && convs.length < 3) {
      convs.unshift(parsed(cur));
      const relu = src(g, cur.id);
      const bn = relu?.type === 'Activation' ? src(g, relu.id) : undefined;
      if (bn?.type !== 'BatchNorm') break;
      const next = src(g, bn.id);
      cur = next?.type === 'Conv2D' && (g.consumers.get(next.id) ?? []).length === 1 ? next : undefined;
    }
    if (convs.length !== 2 && convs.length !== 3) continue;
    const block = convs.length === 2 ? 'basic' : 'bottleneck';
    const [sh, sw] = pair((block === 'basic' ? convs[0] : convs[1]).stride);
    const widths = unitWidths(convs);
    if (sh === sw && widths) guesses.push({ block, ...widths, stride: sh, preActivation: true });
  }
  return guesses;
}

/** Join of the id segments all members share ("layer1.0.conv1", "layer1.0.bn1" → "layer1.0"). */
function commonName(ids: string[]): string {
  const split = ids.map((id) => id.split('.'));
  const first = split[0];
  let k = 0;
  while (k < first.length && split.every((s) => s[k] === first[k])) k++;
  return first.slice(0, k).join('.');
}

interface Collapse {
  type: 'Inception' | 'ResidualUnit';
  params: Record<string, unknown>;
  map: Map<string, string>;
  input: string;
  output: string;
}

function apply(doc: ModelDocument, c: Collapse, used: Set<string>, counter: { n: number }): { doc: ModelDocument; id: string } {
  const members = new Set(c.map.values());
  const base = commonName([...members]) || `${c.type === 'Inception' ? 'inception' : 'residual'}_${++counter.n}`;
  let id = base;
  for (let k = 2; used.has(id) && !members.has(id); k++) id = `${base}_${k}`;
  used.add(id);
  const weights: NonNullable<ModelNode['weights']> = {};
  for (const [lid, docId] of c.map) {
    const node = doc.nodes.find((n) => n.id === docId)!;
    for (const [name, t] of Object.entries(node.weights ?? {})) weights[`${lid}.${name}`] = t;
  }
  const node: ModelNode = { id, type: c.type, params: c.params, label: base, weights };
  const firstIndex = doc.nodes.findIndex((n) => members.has(n.id));
  const nodes = doc.nodes.filter((n) => !members.has(n.id));
  nodes.splice(Math.min(firstIndex, nodes.length), 0, node);
  const edges: ModelDocument['edges'] = [];
  for (const e of doc.edges) {
    const s = members.has(e.source);
    const t = members.has(e.target);
    if (s && t) continue;
    if (t) {
      if (e.source === c.input && !edges.some((x) => x.source === c.input && x.target === id)) edges.push({ id: `${c.input}->${id}`, source: c.input, target: id });
      continue;
    }
    if (s) {
      if (e.source === c.output) edges.push({ ...e, source: id, id: `${id}->${e.target}${e.targetPort !== undefined ? `:${e.targetPort}` : ''}` });
      continue;
    }
    edges.push(e);
  }
  return { doc: { ...doc, nodes, edges }, id };
}

/** Collapse every exactly-matching inception block and residual unit. */
export function collapseModules(doc: ModelDocument): ModelDocument {
  // Find every match on the graph as imported (matches cannot overlap: nothing inside a block is
  // read from outside it), then rewrite once and analyse once — linear in the number of blocks.
  const g = indexGraph(doc);
  const claimed = new Set<string>();
  const found: Collapse[] = [];
  const take = (c: Collapse): boolean => {
    if ([...c.map.values()].some((id) => claimed.has(id))) return false;
    for (const id of c.map.values()) claimed.add(id);
    found.push(c);
    return true;
  };
  for (const candidate of doc.nodes) {
    if (candidate.type === 'Add') {
      for (const p of guessPreActivation(candidate, g)) {
        const m = matchResidual(p, candidate.id, g);
        if (m && take({ type: 'ResidualUnit', params: { ...m.params }, map: m.map, input: m.input, output: candidate.id })) break;
      }
    } else if (candidate.type === 'Concat') {
      const p = guessInception(candidate, g);
      const m = p && matchSubgraph(expandInception(p), candidate.id, g);
      if (p && m) take({ type: 'Inception', params: { ...p }, map: m.map, input: m.input, output: candidate.id });
    } else if (candidate.type === 'Activation') {
      for (const p of guessResidual(candidate, g)) {
        const m = matchResidual(p, candidate.id, g);
        if (m && take({ type: 'ResidualUnit', params: { ...m.params }, map: m.map, input: m.input, output: candidate.id })) break;
      }
    }
  }
  if (found.length === 0) return doc;
  const used = new Set(doc.nodes.map((n) => n.id));
  const counter = { n: 0 };
  /** A block's output node id → the module node that replaced it (a later block may read it). */
  const renamed = new Map<string, string>();
  let current = doc;
  for (const c of found) {
    const input = renamed.get(c.input) ?? c.input;
    const next = apply(current, { ...c, input }, used, counter);
    renamed.set(c.output, next.id);
    current = next.doc;
  }
  // Every collapse is exact, so this holds; if it ever did not, the primitives are still right.
  return analyze(current).valid ? current : doc;
}

/**
 * The expansion depends on the input shape only through the projection: try the unit with and
 * without one; "auto" when that is what auto would choose for the matched input, else explicit.
 */
function matchResidual(p: UnitGuess, outputId: string, g: GraphIndex) {
  for (const withProjection of [true, false]) {
    const fixed: ResidualUnitParams = { ...p, projection: withProjection ? 'always' : 'never' };
    const m = matchSubgraph(expandResidualUnit(fixed, [0, 0, 0]), outputId, g);
    const inputShape = m && g.shapes.get(m.input);
    if (!m || !inputShape) continue;
    const auto = usesProjection({ ...p, projection: 'auto' }, inputShape) === withProjection;
    return { ...m, params: { ...p, projection: auto ? 'auto' : fixed.projection } as ResidualUnitParams };
  }
  return undefined;
}
