/**
 * Recognising modules in an imported graph of primitives: GoogLeNet inception blocks, ResNet
 * residual units (batch norm kept or folded into the convolutions), and the mobile blocks
 * (collapse-mobile.ts) become one Inception / ResidualUnit / InvertedResidual / SqueezeExcite node,
 * their weights moving to "<local id>.<name>" keys. A block is collapsed only when it matches our
 * expansion exactly (subgraph-match.ts) — same ops, same parameters (padding compared after
 * resolving), same wiring, nothing inside used from outside; everything else stays as it was.
 */
import type { ModelDocument, ModelNode } from '../../document/schema';
import { analyze } from '../../graph/analyze';
import { expandInception, type InceptionParams } from '../../ops/inception';
import { bottleneckWidth, expandResidualUnit, usesProjection, type ResidualUnitParams } from '../../ops/residual-unit';
import { pair } from '../../shape';
import { indexGraph, matchSubgraph, parsed, src, type GraphIndex } from './subgraph-match';
import { matchInvertedResidual, matchSqueezeExcite, type BlockMatch } from './collapse-mobile';

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
    // Walk back conv → BN (→ ReLU → conv → BN …) along the main path; with batch norm folded into
    // the convolutions (torch.onnx.export's default) conv (→ ReLU → conv …).
    const convs: any[] = [];
    let cur: ModelNode | undefined = g.byId.get(main);
    const folded = cur?.type === 'Conv2D';
    while (convs.length < 3) {
      const conv = folded ? cur : cur?.type === 'BatchNorm' ? src(g, cur.id) : undefined;
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
    guesses.push({ block, ...widths, stride: sh, preActivation: false, ...(folded ? { batchNorm: false } : {}) });
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

/** The id a collapsed block gets when its members share no name. */
const FALLBACK_NAME = { Inception: 'inception', ResidualUnit: 'residual', InvertedResidual: 'block', SqueezeExcite: 'se' };

interface Collapse {
  type: keyof typeof FALLBACK_NAME;
  params: Record<string, unknown>;
  map: Map<string, string>;
  input: string;
  output: string;
}

function apply(doc: ModelDocument, c: Collapse, used: Set<string>, counter: { n: number }): { doc: ModelDocument; id: string } {
  const members = new Set(c.map.values());
  const base = commonName([...members]) || `${FALLBACK_NAME[c.type]}_${++counter.n}`;
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

/** Collapse every exactly-matching inception block, residual unit, inverted residual and squeeze-excite gate. */
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
  const takeMatch = (type: Collapse['type'], m: BlockMatch | undefined, output: string) => !!m && take({ type, params: m.params, map: m.map, input: m.input, output });
  for (const candidate of doc.nodes) {
    if (candidate.type === 'Add') {
      const preActivation = guessPreActivation(candidate, g).some((p) => {
        const m = matchResidual(p, candidate.id, g);
        return !!m && take({ type: 'ResidualUnit', params: { ...m.params }, map: m.map, input: m.input, output: candidate.id });
      });
      if (!preActivation) takeMatch('InvertedResidual', matchInvertedResidual(candidate, g), candidate.id);
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
  // Then inverted residuals without a skip, which end in their projection (after the blocks with one,
  // so that a skip block is never read as a smaller block without its expansion), and last the
  // squeeze-and-excitation gates that are not inside a block found before (RegNetY's).
  for (const candidate of doc.nodes) {
    if ((candidate.type === 'BatchNorm' || candidate.type === 'Conv2D') && !claimed.has(candidate.id)) takeMatch('InvertedResidual', matchInvertedResidual(candidate, g), candidate.id);
  }
  for (const candidate of doc.nodes) if (candidate.type === 'ChannelScale' && !claimed.has(candidate.id)) takeMatch('SqueezeExcite', matchSqueezeExcite(candidate, g), candidate.id);
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
