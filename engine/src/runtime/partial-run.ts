/**
 * Partial re-execution (ComfyUI's output cache, for CNN documents): a live run computes only the
 * document nodes whose outputs are not kept from earlier runs under their current keys
 * (node-keys.ts: a key hashes everything upstream of a node, input data included), starting from
 * kept full outputs of the nodes that feed them. An edit re-runs the edited node and what lies
 * downstream of it; an undo, or the same image again, runs nothing at all.
 *
 * What is kept (node-output-cache.ts): every node's statistics and preview, and the full outputs
 * of a few nodes — fetching every node's full output would cost a run ~0.3–0.6× more on this
 * machine (docs/engine-runtime.md), so a run keeps those of the nodes just before where the last
 * edits were made (`keep`, at most KEEP_NODES, remembered per document): the first edit of a node
 * runs everything before it once more, the next edits of it start there.
 *
 * The computed part is an ordinary run of a smaller graph: the nodes whose outputs are fed become
 * Input primitives of a derived analysis (`subAnalysis`), so every backend runs it unchanged, and
 * the result equals a full run's bit for bit (partial-run.property.test.ts).
 */
import { createHash } from 'node:crypto';
import type { NodeRunResult, TensorResult } from '../core/api';
import type { ModelDocument } from '../core/document/schema';
import type { Analysis, PrimitiveNode } from '../core/graph/types';
import { numel } from '../core/shape';
import { calibratedBatchNorms, calibratedNodes } from '../core/weights/calibration';
import type { Backend, BackendRunOptions, BackendRunResult } from './backend';
import { requestedTensors } from './graph-outputs';
import { inputsOnly } from './inputs-only';
import { graphKeys, nodeKeys, runningPrimitives, weightIdentities, type NodeKeys } from './node-keys';
import type { NodeOutputCache } from './node-output-cache';

/** Nodes whose full outputs a document keeps for its next edits. */
export const KEEP_NODES = 4;

/** Checkpoints: nodes whose full outputs every live run keeps besides (see `checkpoints`). */
export const CHECKPOINTS = 4;
/** A checkpoint's output holds at most this many values (16 MiB of float32). */
const CHECKPOINT_MAX_VALUES = 2 ** 22;

/**
 * Where a first edit can start: up to `count` document nodes through which every path from the
 * inputs to the outputs passes (no edge jumps over one: a residual unit's output, an inception
 * module's, any node of a plain chain), whose outputs may start a run (`canFeed`) and hold at most
 * CHECKPOINT_MAX_VALUES — the nearest to each k/(count+1) of the multiply-accumulates, in the
 * graph's order. Without them the first edit of a node ran the whole network once more to keep the
 * output before it (`RunMemory.keep`); with them it runs from the nearest checkpoint upstream: the
 * first kernel edit in ResNet-50's last stage no longer recomputes the stem. The price is a few
 * more full outputs fetched in runs that compute them (ResNet-50 at 224: four maps of 0.2–0.8 M values).
 */
export function checkpoints(
  keys: Pick<NodeKeys, 'order' | 'preds'>,
  cost: (id: string) => { macs: number; values: number },
  inputs: ReadonlySet<string>,
  canFeed: NonNullable<PlanArgs['canFeed']> = () => true,
  count = CHECKPOINTS,
): string[] {
  const { order } = keys;
  const at = new Map(order.map((id, i) => [id, i]));
  const successors = new Map(order.map((id) => [id, [] as string[]]));
  // spanned[i]: edges that jump over position i (from before it to after it).
  const spanned = new Array<number>(order.length + 1).fill(0);
  for (const id of order) {
    for (const p of keys.preds.get(id) ?? []) {
      const from = at.get(p);
      if (from === undefined) continue;
      successors.get(p)!.push(id);
      spanned[from + 1]++;
      spanned[at.get(id)!]--;
    }
  }
  const total = order.reduce((n, id) => n + cost(id).macs, 0);
  if (total <= 0 || count <= 0) return [];
  const cuts: { id: string; share: number }[] = [];
  let open = 0;
  let done = 0;
  order.forEach((id, i) => {
    open += spanned[i];
    done += cost(id).macs;
    const next = successors.get(id)!;
    if (open === 0 && next.length && !inputs.has(id) && cost(id).values <= CHECKPOINT_MAX_VALUES && next.every((t) => canFeed(id, t))) cuts.push({ id, share: done / total });
  });
  const chosen = new Set<string>();
  for (let k = 1; k <= count; k++) {
    const target = k / (count + 1);
    let best: { id: string; share: number } | undefined;
    for (const c of cuts) if (!chosen.has(c.id) && (!best || Math.abs(c.share - target) < Math.abs(best.share - target))) best = c;
    if (best) chosen.add(best.id);
  }
  return order.filter((id) => chosen.has(id));
}

/** What a document's live stream remembers between runs. */
export interface RunMemory {
  /** Output keys of the last run. */
  keys: Set<string>;
  /** Document nodes whose full outputs runs keep (the nodes before the last edits), newest first. */
  keep: string[];
  /** Weight identities of the last run, by primitive (node-keys.ts). */
  weights: ReadonlyMap<string, Record<string, string>>;
  /**
   * Primitives whose weights changed between two runs (a kernel edit, a training step, a seed edit):
   * from then on they are fed to the compiled graph as inputs (BackendRunOptions.weightInputs), so
   * the next change of them reuses it. In large networks too, since December 2026: fed weights cost
   * ResNet-50's run 1.3–1.5× (22 → 34 ms in a loop; its convolutions use unpacked kernels), a new
   * session for every seed costs more (compiled with constant weights, 75–105 ms to create; fed,
   * 8–45 ms, once).
   */
  volatile: Set<string>;
}

export const newRunMemory = (): RunMemory => ({ keys: new Set(), keep: [], weights: new Map(), volatile: new Set() });

/**
 * Networks with more parameters than this (4 Mi, 16 MiB of float32) feed their seeded weights from
 * the first run. With the weights as constants, onnxruntime copies and prepacks them whenever a
 * session is created — for a preset, and again on each structural edit: ResNet-152 702–968 ms,
 * VGG-16 3.7–4.1 s; with them fed, 30–44 and 5 ms. A fed run costs 1.1–1.5× (ResNet-152, 115–133 →
 * 138–152 ms; VGG-16, 108–127 → 148–167 ms; measured in a loop, calibrated batch norms as the editor
 * runs them, 2 threads) until the weights, once they have stayed the same for two runs, are baked
 * into a session of their own while the engine is idle (ort-backend.ts, `bake`). Until December 2026
 * only networks over 150 MiB of weights fed them (no bake then: fed runs were for good); since the
 * bake, mid-sized ones too — ResNet-50 in-process, alternating: preset 741 / 777 → 594 / 688 ms,
 * structural edits of conv1 151–211 → 91–156 ms; GoogLeNet's preset 456 / 459 → 417 / 362 ms.
 */
export const FEED_SEEDED_FROM_START_PARAMS = 2 ** 22;

/**
 * Updates `memory.volatile` from this run's weight identities (see RunMemory.volatile);
 * `seededFromStart`: primitives with seeded weights are fed from the first run on (large networks).
 */
export function trackVolatileWeights(memory: RunMemory, weights: ReadonlyMap<string, Record<string, string>>, seededFromStart = false): void {
  for (const id of [...memory.volatile]) if (!weights.has(id)) memory.volatile.delete(id);
  for (const [id, ids] of weights) {
    const before = memory.weights.get(id);
    if (before && JSON.stringify(before) !== JSON.stringify(ids)) memory.volatile.add(id);
    else if (seededFromStart && Object.values(ids).some((w) => w.startsWith('seeded:'))) memory.volatile.add(id);
  }
  memory.weights = weights;
}

export interface PartialPlan {
  /** Document nodes computed in this run, in topological order. */
  run: string[];
  /** Document nodes outside the run whose kept outputs feed it (never an Input node: those run). */
  fed: string[];
  /** Computed nodes whose full outputs are kept for later runs. */
  keep: string[];
}

export interface PlanArgs {
  keys: Pick<NodeKeys, 'output' | 'preds' | 'order'>;
  cache: Pick<NodeOutputCache, 'has'>;
  /** Document nodes whose full tensors the caller asked for. */
  wanted: ReadonlySet<string>;
  /** Input nodes (their data is always at hand). */
  inputs: ReadonlySet<string>;
  /** Nodes whose full outputs to keep. */
  keep: readonly string[];
  /** Whether a run may start at the output of `from` feeding `to` (default: always; see Backend.contextSensitive). */
  canFeed?(from: string, to: string): boolean;
}

/**
 * The least to compute: nodes without a kept summary (or, for `wanted` nodes, a kept tensor), then
 * — walking upstream — every node that must run because one it feeds runs and its own output is not
 * kept in full. An Input node feeding the run runs too rather than being fed: it costs nothing more
 * (its data is a graph input either way; the backend keeps its summary while its bytes stay the
 * same), and an edit right after the input (a seed edit, the first convolution's kernel) then runs
 * the very graph of the whole document — the session it already has — not a second compilation
 * that differs only in the input being "fed" (ResNet-50's first seed edit after a preset or a new
 * image compiled and created one: ~40–70 ms more, in-process).
 */
export function planPartialRun({ keys, cache, wanted, inputs, keep, canFeed = () => true }: PlanArgs): PartialPlan {
  const out = (id: string) => keys.output.get(id)!;
  const run = new Set(keys.order.filter((id) => !cache.has(out(id), 'summary') || (wanted.has(id) && !cache.has(out(id), 'tensor'))));
  for (let i = keys.order.length - 1; i >= 0; i--) {
    const id = keys.order[i];
    if (!run.has(id)) continue;
    for (const p of keys.preds.get(id) ?? []) if (!run.has(p) && (inputs.has(p) || !cache.has(out(p), 'tensor') || !canFeed(p, id))) run.add(p);
  }
  const fed = new Set<string>();
  for (const id of run) for (const p of keys.preds.get(id) ?? []) if (!run.has(p)) fed.add(p);
  const order = keys.order.filter((id) => run.has(id));
  return {
    run: order,
    fed: keys.order.filter((id) => fed.has(id)),
    keep: order.filter((id) => (keep.includes(id) || wanted.has(id)) && !inputs.has(id) && !cache.has(out(id), 'tensor')),
  };
}

/**
 * Where the last edit was: nodes whose key is new while every node feeding them kept its key. The
 * nodes feeding those (Input nodes aside) are where the next edit of the same place can start —
 * or, where a run may not start at a node's output (`canFeed`), the nodes feeding that one.
 */
export function editBoundary(keys: Pick<NodeKeys, 'output' | 'preds' | 'order'>, previous: ReadonlySet<string>, inputs: ReadonlySet<string>, canFeed: NonNullable<PlanArgs['canFeed']> = () => true): string[] {
  if (previous.size === 0) return [];
  const changed = (id: string) => !previous.has(keys.output.get(id)!);
  const boundary: string[] = [];
  const startAt = (id: string, seen = new Set<string>()) => {
    for (const p of keys.preds.get(id) ?? []) {
      if (inputs.has(p) || seen.has(p)) continue;
      seen.add(p);
      if (canFeed(p, id)) {
        if (!boundary.includes(p)) boundary.push(p);
      } else startAt(p, seen);
    }
  };
  for (const id of keys.order) {
    const preds = keys.preds.get(id) ?? [];
    if (changed(id) && preds.length > 0 && !preds.some(changed)) startAt(id);
  }
  return boundary;
}

/**
 * The analysis of the computed part: fed nodes become Input primitives carrying their output (same
 * primitive id, so the run's primitives still name it), followed by the run's own primitives.
 */
export function subAnalysis(analysis: Analysis, plan: Pick<PartialPlan, 'run' | 'fed'>): Analysis {
  const { outputOf } = analysis.primitives;
  const byId = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
  const run = new Set(plan.run);
  const fedPrims: PrimitiveNode[] = plan.fed.map((id) => {
    const p = byId.get(outputOf[id])!;
    return p.type === 'Input' ? p : { id: p.id, type: 'Input', params: {}, inputs: [], owner: id, inputShapes: [], shape: p.shape, weights: [], paramCount: 0, macs: 0 };
  });
  const runPrims = runningPrimitives(analysis).filter((p) => run.has(p.owner));
  const nodes = [...fedPrims, ...runPrims];
  const sub: Record<string, string> = {};
  for (const id of [...plan.fed, ...plan.run]) sub[id] = outputOf[id];
  return {
    ...analysis,
    primitives: { nodes, outputOf: sub },
    totals: { ...analysis.totals, macs: runPrims.reduce((n, p) => n + p.macs, 0), params: runPrims.reduce((n, p) => n + p.paramCount, 0) },
    order: analysis.order.filter((id) => run.has(id) || plan.fed.includes(id)),
  };
}

export interface ReuseOptions {
  cache: NodeOutputCache;
  memory: RunMemory;
}

export interface ReusingRun {
  result: BackendRunResult;
  /** What was computed (undefined: the document could not be keyed, and ran in full). */
  plan?: PartialPlan;
}

const sha = (text: string) => createHash('sha256').update(text).digest('base64');

/** Whether a run may start at `from`'s output feeding `to`: not when a primitive of `to` reading it is context-sensitive on this backend. */
function feedCheck(analysis: Analysis, backend: Backend): PlanArgs['canFeed'] {
  const sensitive = backend.contextSensitive?.bind(backend);
  if (!sensitive) return undefined;
  const { outputOf } = analysis.primitives;
  const prims = runningPrimitives(analysis);
  return (from, to) => !prims.some((p) => p.owner === to && p.inputs.includes(outputOf[from]) && sensitive(p));
}

/**
 * Runs a live request (previews on) computing only what the output cache does not hold; the result
 * is the same as `backend.run` of the whole analysis. Falls back to a full run when the document
 * cannot be keyed (too much inline weight text to hash).
 */
export async function runReusing(doc: ModelDocument, analysis: Analysis, inputs: Record<string, Float32Array>, backend: Backend, options: BackendRunOptions, reuse: ReuseOptions): Promise<ReusingRun> {
  const calibrate = options.calibrateBatchNorm === false ? new Set<string>() : calibratedBatchNorms(doc, analysis.primitives);
  const weights = weightIdentities(doc, analysis, { seed: options.seed, sidecarKey: options.sidecarKey });
  if (!weights) return { result: await backend.run(doc, analysis, inputs, options) };
  const { cache, memory } = reuse;
  // Which weights are fed to compiled graphs is part of every key downstream of them (see NodeKeyOptions.fedWeights).
  trackVolatileWeights(memory, weights, analysis.totals.params > FEED_SEEDED_FROM_START_PARAMS);
  const keys = nodeKeys(analysis, inputs, { weights, calibrate, fedWeights: memory.volatile });
  const inputIds = new Set(runningPrimitives(analysis).flatMap((p) => (p.type === 'Input' ? [p.owner] : [])));
  const wanted = requestedTensors(doc, analysis, options.tensors);
  const canFeed = feedCheck(analysis, backend);
  const boundary = editBoundary(keys, memory.keys, inputIds, canFeed);
  if (boundary.length) memory.keep = [...boundary, ...memory.keep.filter((id) => !boundary.includes(id))].slice(0, KEEP_NODES);
  memory.keep = memory.keep.filter((id) => keys.output.has(id));
  memory.keys = new Set(keys.output.values());
  const saves = checkpoints(keys, (id) => ({ macs: analysis.nodes[id]?.macs ?? 0, values: numel(analysis.nodes[id]?.outputShape ?? []) }), inputIds, canFeed);
  const plan = planPartialRun({ keys, cache, wanted, inputs: inputIds, keep: [...memory.keep, ...saves.filter((id) => !memory.keep.includes(id))], canFeed });

  let fresh: BackendRunResult = { nodes: {}, tensors: {} };
  if (plan.run.length) {
    const whole = plan.fed.length === 0 && plan.run.length === keys.order.length;
    const sub = whole ? analysis : subAnalysis(analysis, plan);
    const feeds: Record<string, Float32Array> = Object.create(null);
    for (const id of [...plan.fed, ...plan.run]) if (inputIds.has(id)) feeds[id] = inputs[id];
    for (const id of plan.fed) if (!inputIds.has(id)) feeds[id] = cache.get(keys.output.get(id)!)!.tensor!;
    const tensors = [...new Set([...plan.keep, ...plan.run.filter((id) => wanted.has(id))])];
    const subPrims = runningPrimitives(sub);
    const weightInputs = new Set(subPrims.filter((p) => memory.volatile.has(p.id)).map((p) => p.id));
    // The compiled graph's identity: the part's own graph keys (fed nodes as inputs of their shape,
    // fed weights by shape), and what it returns.
    const partKeys = whole && weightInputs.size === 0 ? keys.graph : graphKeys(subPrims, keys.weights, calibrate, { fed: weightInputs, values: false }).graph;
    const graphKey = sha(JSON.stringify([[...partKeys], plan.fed, tensors, options.previews]));
    const onlyInputs = sub.primitives.nodes.every((p) => p.type === 'Input');
    fresh = onlyInputs ? inputsOnly(sub, feeds, options.previews, tensors) : await backend.run(doc, sub, feeds, { ...options, tensors, fed: plan.fed, graphKey, weightIds: keys.weights, ...(weightInputs.size ? { weightInputs } : {}) });
  }

  // What the result takes from the cache is read before anything is added (adding may evict).
  const kept = new Map(keys.order.map((id) => [id, fresh.nodes[id] ? undefined : cache.get(keys.output.get(id)!)]));
  const nodes: Record<string, NodeRunResult> = {};
  const tensors: Record<string, TensorResult> = {};
  for (const id of keys.order) {
    const key = keys.output.get(id)!;
    const computed = fresh.nodes[id];
    if (computed) cache.putSummary(key, computed);
    const t = fresh.tensors[id];
    if (t) cache.putTensor(key, t.data);
    const summary = computed ?? kept.get(id)?.summary;
    if (summary) nodes[id] = { ...summary, key };
    if (wanted.has(id)) {
      const data = t?.data ?? kept.get(id)?.tensor;
      if (data) tensors[id] = { shape: [...(t?.shape ?? summary!.shape)], data };
    }
  }
  const calibrated = calibratedNodes(analysis.primitives, calibrate);
  return { result: { nodes, tensors, ...(calibrated.length ? { calibrated } : {}) }, plan };
}
