/**
 * Recognising the mobile blocks in an imported graph: MobileNetV2 / MnasNet / MobileNetV3 /
 * EfficientNet inverted residuals (with or without squeeze-excite, batch norm kept or folded into
 * the convolutions) and squeeze-and-excitation gates elsewhere (RegNetY). Each guess is read off the
 * graph backwards from the block's output, then accepted only when our expansion of it matches the
 * graph exactly (subgraph-match.ts).
 */
import type { ModelNode } from '../../document/schema';
import { ops } from '../../ops';
import { expandInvertedResidual, type InvertedResidualParams } from '../../ops/inverted-residual';
import { expandSqueezeExciteModule, type SqueezeExciteParams } from '../../ops/squeeze-excite';
import { pair } from '../../shape';
import { matchSubgraph, parsed, src, type GraphIndex } from './subgraph-match';

export interface BlockMatch {
  params: Record<string, unknown>;
  map: Map<string, string>;
  input: string;
}

const isConv = (n: ModelNode | undefined, kernel?: number) => n?.type === 'Conv2D' && (kernel === undefined || pair(parsed(n)?.kernel ?? 0).every((k) => k === kernel));

interface SqueezeExciteGuess {
  /** The map the gate scales. */
  map: string;
  squeeze: number;
  activation: string;
  gate: string;
}

/** A squeeze-and-excitation gate read backwards from its ChannelScale: pool → 1×1 → act → 1×1 → gate. */
function readSqueezeExcite(scale: ModelNode, g: GraphIndex): SqueezeExciteGuess | undefined {
  const ins = g.inputs.get(scale.id) ?? [];
  if (scale.type !== 'ChannelScale' || ins.length !== 2) return undefined;
  const gate = g.byId.get(ins[1]);
  const expand = src(g, gate?.id);
  const act = src(g, expand?.id);
  const reduce = src(g, act?.id);
  const pool = src(g, reduce?.id);
  if (gate?.type !== 'Activation' || act?.type !== 'Activation' || !isConv(expand, 1) || !isConv(reduce, 1) || pool?.type !== 'GlobalPool') return undefined;
  if ((g.inputs.get(pool.id) ?? [])[0] !== ins[0]) return undefined;
  return { map: ins[0], squeeze: parsed(reduce!).filters, activation: parsed(act).fn, gate: parsed(gate).fn };
}

/** Valid params for `type`, or undefined (an activation the module does not offer, say). */
function valid(type: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
  return ops.get(type)!.params.safeParse(params).success ? params : undefined;
}

/**
 * Inverted residual guesses ending at `out` (its Add, or its projection: a 1×1 conv, then batch
 * norm unless folded): project ← [squeeze-excite ←] act ← [BN ←] depthwise ← [act ← [BN ←] 1×1 expand ←] input.
 * With and without the expansion when both read the graph (the layer before a block may look like one).
 */
function guessInvertedResidual(out: ModelNode, g: GraphIndex): { params: InvertedResidualParams; input: string }[] {
  if (out.type === 'Add') {
    // The skip: one input is the projection's end, the other the block's input.
    const ins = g.inputs.get(out.id) ?? [];
    if (ins.length !== 2) return [];
    return ins.flatMap((main, k) => guessInvertedResidual(g.byId.get(main)!, g).filter((guess) => guess.input === ins[1 - k]));
  }
  const batchNorm = out.type === 'BatchNorm';
  const project = batchNorm ? src(g, out.id) : out;
  if (!isConv(project, 1)) return [];
  let cur = src(g, project!.id);
  let se: SqueezeExciteGuess | undefined;
  if (cur?.type === 'ChannelScale') {
    se = readSqueezeExcite(cur, g);
    if (!se) return [];
    cur = g.byId.get(se.map);
  }
  const dwAct = cur;
  const dwEnd = src(g, dwAct?.id);
  const dw = batchNorm ? src(g, dwEnd?.id) : dwEnd;
  if (dwAct?.type !== 'Activation' || (batchNorm && dwEnd?.type !== 'BatchNorm') || !isConv(dw)) return [];
  const d = parsed(dw!);
  const [kh, kw] = pair(d.kernel);
  const [sh, sw] = pair(d.stride);
  if (kh !== kw || sh !== sw || d.groups !== d.filters) return [];
  const activation = parsed(dwAct).fn;
  const hidden = d.filters as number;
  const common = {
    filters: parsed(project!).filters as number,
    kernel: kh,
    stride: sh,
    activation,
    ...(batchNorm ? {} : { batchNorm: false }),
  };
  const withSe = (inChannels: number) =>
    se
      ? {
          ...(Math.max(1, Math.floor(inChannels / 4)) === se.squeeze ? { seRatio: 0.25 } : { seChannels: se.squeeze }),
          ...(se.activation !== activation ? { seActivation: se.activation } : {}),
          ...(se.gate !== 'sigmoid' ? { seGate: se.gate } : {}),
        }
      : {};
  const guesses: { params: InvertedResidualParams; input: string }[] = [];
  const before = src(g, dw!.id);
  // With an expansion: act ← [BN ←] 1×1 conv ← input.
  const expandEnd = src(g, before?.id);
  const expand = batchNorm ? src(g, expandEnd?.id) : expandEnd;
  if (before?.type === 'Activation' && parsed(before).fn === activation && (!batchNorm || expandEnd?.type === 'BatchNorm') && isConv(expand, 1)) {
    const input = (g.inputs.get(expand!.id) ?? [])[0];
    const inChannels = g.shapes.get(input)?.[0];
    if (input !== undefined && inChannels !== undefined && inChannels !== hidden) {
      const ratio = hidden % inChannels === 0 ? { expandRatio: hidden / inChannels } : { expandChannels: hidden };
      const params = valid('InvertedResidual', { ...common, ...ratio, ...withSe(inChannels) });
      if (params) guesses.push({ params: params as InvertedResidualParams, input });
    }
  }
  // Without one (expansion ratio 1): the depthwise reads the block's input.
  const input = (g.inputs.get(dw!.id) ?? [])[0];
  const params = input !== undefined && valid('InvertedResidual', { ...common, expandRatio: 1, ...withSe(hidden) });
  if (params) guesses.push({ params: params as InvertedResidualParams, input });
  return guesses;
}

/** The inverted residual ending at `out`, matched exactly, or undefined. */
export function matchInvertedResidual(out: ModelNode, g: GraphIndex): BlockMatch | undefined {
  if (out.type !== 'Add' && out.type !== 'BatchNorm' && out.type !== 'Conv2D') return undefined;
  for (const guess of guessInvertedResidual(out, g)) {
    const shape = g.shapes.get(guess.input);
    if (shape?.length !== 3) continue;
    // Expanded with the defaults filled; the document keeps the guess's few params.
    const m = matchSubgraph(expandInvertedResidual(ops.get('InvertedResidual')!.params.parse(guess.params) as InvertedResidualParams, shape), out.id, g);
    if (m && m.input === guess.input) return { params: { ...guess.params }, map: m.map, input: m.input };
  }
  return undefined;
}

/** The squeeze-and-excitation gate ending at the ChannelScale `scale`, matched exactly, or undefined. */
export function matchSqueezeExcite(scale: ModelNode, g: GraphIndex): BlockMatch | undefined {
  const se = readSqueezeExcite(scale, g);
  const shape = se && g.shapes.get(se.map);
  if (!se || shape?.length !== 3) return undefined;
  const params = valid('SqueezeExcite', {
    ...(Math.max(1, Math.floor(shape[0] / 4)) === se.squeeze ? {} : { squeezeChannels: se.squeeze }),
    activation: se.activation,
    gate: se.gate,
  }) as SqueezeExciteParams | undefined;
  if (!params) return undefined;
  const m = matchSubgraph(expandSqueezeExciteModule(ops.get('SqueezeExcite')!.params.parse(params) as SqueezeExciteParams, shape[0]), scale.id, g);
  return m && m.input === se.map ? { params: { ...params }, map: m.map, input: m.input } : undefined;
}
