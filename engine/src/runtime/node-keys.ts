/**
 * Content keys of a run's document nodes, for reusing outputs across runs (partial-run.ts): a node's
 * key hashes everything its output depends on — its own primitives (types, parameters, shapes),
 * their weights (the bytes of given weights, or what seeded weights are derived from: seed,
 * primitive id, initialiser, shape), whether a batch norm runs on the input's statistics, and the
 * keys of the nodes that feed it — so equal keys mean equal outputs, whatever else in the document
 * changed (ComfyUI's cache keys, for CNN documents). Positions, labels and names are not part of it.
 *
 * Two families: `graph` keys leave the input data out (what a compiled graph depends on: its session
 * is reused for another image), `output` keys add it (what a node's output depends on). Given
 * weights are hashed in full (SHA-256, ≈ 1 GB/s here), never sampled: a kernel edit of one value
 * changes the key. Documents with more inline weight text than `MAX_HASHED_INLINE_CHARS` get no
 * keys (hashing them on every run would cost more than it saves).
 */
import { createHash } from 'node:crypto';
import type { ModelDocument, ModelNode, TensorData } from '../core/document/schema';
import type { Analysis, PrimitiveNode } from '../core/graph/types';
import { inlineWeightKey } from '../core/weights/resolve';
import { DEFAULT_SEED } from '../core/weights/seeded';

/** Inline weight text (base64 characters, or numbers × 8) beyond which no keys are made (≈ 48 MB of floats). */
export const MAX_HASHED_INLINE_CHARS = 64 * 2 ** 20;

export interface WeightIdOptions {
  /** The weight seed (the document's when absent). */
  seed?: number;
  /** Names the sidecar's bytes (the host's token): a sidecar range is identified by it, its offset and its length. */
  sidecarKey?: string;
}

export interface NodeKeyOptions {
  /** Every running primitive's weight identities (weightIdentities). */
  weights: ReadonlyMap<string, Record<string, string>>;
  /** Batch norm primitives that run on the input's statistics (core/weights/calibration.ts). */
  calibrate: ReadonlySet<string>;
  /**
   * Primitives whose weights the compiled graph takes as inputs (BackendRunOptions.weightInputs):
   * part of the keys, as onnxruntime's results then differ in the last bits.
   */
  fedWeights?: ReadonlySet<string>;
}

export interface NodeKeys {
  /** Document node id → key of its output without the input data (what its compiled graph depends on). */
  graph: Map<string, string>;
  /** Document node id → key of its output for these inputs. */
  output: Map<string, string>;
  /** Primitive id → the identity of each of its weights, by weight name. */
  weights: ReadonlyMap<string, Record<string, string>>;
  /** Document node id → the document nodes that feed it, in port order. */
  preds: Map<string, string[]>;
  /** Document nodes that run, in topological order. */
  order: string[];
}

const sha = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('base64');

/** Input tensors hashed once each (the worker keeps the tensors prepared from unchanged inputs). */
const inputHashes = new WeakMap<Float32Array, string>();

function hashInput(data: Float32Array): string {
  let h = inputHashes.get(data);
  if (h === undefined) {
    h = sha(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    inputHashes.set(data, h);
  }
  return h;
}

/** What identifies a given weight's values: its bytes (inline), or its place in a named sidecar. */
function givenWeightId(t: TensorData, sidecarKey: string | undefined): string {
  if (t.sidecar) return `sidecar:${sidecarKey ?? '-'}:${t.sidecar.offset}:${t.sidecar.length}:${t.shape.join('x')}`;
  if (t.base64 !== undefined) return `b64:${t.shape.join('x')}:${sha(t.base64)}`;
  if (t.data) {
    const f = Float32Array.from(t.data);
    return `f32:${t.shape.join('x')}:${sha(new Uint8Array(f.buffer))}`;
  }
  return `empty:${t.shape.join('x')}`;
}

function inlineChars(doc: ModelDocument): number {
  let n = 0;
  for (const node of doc.nodes) for (const t of Object.values(node.weights ?? {})) n += (t.base64?.length ?? 0) + (t.data?.length ?? 0) * 8;
  return n;
}

/**
 * Weight identities of every primitive that runs — given weights by content, seeded ones by what
 * they are made from (the same string as compileOnnx's fingerprint of a seeded initializer) — or
 * undefined when the document carries too much inline weight text to hash on every run.
 */
export function weightIdentities(doc: ModelDocument, analysis: Analysis, options: WeightIdOptions = {}): Map<string, Record<string, string>> | undefined {
  if (inlineChars(doc) > MAX_HASHED_INLINE_CHARS) return undefined;
  const prims = runningPrimitives(analysis);
  const seed = options.seed ?? doc.seed ?? DEFAULT_SEED;
  const owners = new Map<string, ModelNode>(doc.nodes.map((n) => [n.id, n]));
  const out = new Map<string, Record<string, string>>();
  for (const p of prims) {
    if (p.weights.length === 0) continue;
    const ids: Record<string, string> = {};
    for (const spec of p.weights) {
      const given = owners.get(p.owner)?.weights?.[inlineWeightKey(p, spec.name)];
      ids[spec.name] = given ? givenWeightId(given, options.sidecarKey) : `seeded:${seed}:${p.id}:${spec.name}:${spec.init}:${spec.fanIn}:${spec.shape.join('x')}`;
    }
    out.set(p.id, ids);
  }
  return out;
}

/** The primitives that run (a composite that failed part-way has no output: its primitives do not). */
export function runningPrimitives(analysis: Analysis): PrimitiveNode[] {
  const { outputOf } = analysis.primitives;
  return analysis.primitives.nodes.filter((p) => outputOf[p.owner] !== undefined);
}

/**
 * The last graph keys made for an analysis (analyses are cached per structure, execute.ts): a run
 * of the same graph on another image only hashes the image.
 */
const lastGraphKeys = new WeakMap<Analysis, { signature: string; keys: ReturnType<typeof graphKeys> }>();

/** Keys of every document node that runs. `inputs`: the prepared tensor of each Input node. */
export function nodeKeys(analysis: Analysis, inputs: Record<string, Float32Array>, options: NodeKeyOptions): NodeKeys {
  const prims = runningPrimitives(analysis);
  const { weights } = options;
  const fed = options.fedWeights ?? new Set<string>();
  const signature = JSON.stringify([[...weights], [...options.calibrate], [...fed]]);
  let memo = lastGraphKeys.get(analysis);
  if (memo?.signature !== signature) {
    memo = { signature, keys: graphKeys(prims, weights, options.calibrate, { fed }) };
    lastGraphKeys.set(analysis, memo);
  }
  const { graph, preds, order } = memo.keys;
  // Every output depends on the data of every Input (a node that does not is keyed by it anyway: correct, if coarse).
  const inputIds = prims.filter((p) => p.type === 'Input').map((p) => p.owner);
  const data = sha(inputIds.map((id) => `${id}=${inputs[id] ? hashInput(inputs[id]) : '-'}`).join('|'));
  const output = new Map<string, string>();
  for (const [id, key] of graph) output.set(id, sha(`${key}|${data}`));
  return { graph, output, weights, preds, order };
}

/**
 * Graph keys of every document node. Weights of `fed` primitives are marked as fed; with `values:
 * false` their values are left out (a compiled graph that takes them as inputs does not depend on them).
 */
export function graphKeys(
  prims: readonly PrimitiveNode[],
  weights: ReadonlyMap<string, Record<string, string>>,
  calibrate: ReadonlySet<string>,
  fed: { fed: ReadonlySet<string>; values?: boolean } = { fed: new Set() },
): { graph: Map<string, string>; preds: Map<string, string[]>; order: string[] } {
  const ownerOf = new Map(prims.map((p) => [p.id, p.owner]));
  const byOwner = new Map<string, PrimitiveNode[]>();
  const order: string[] = [];
  for (const p of prims) {
    let list = byOwner.get(p.owner);
    if (!list) {
      byOwner.set(p.owner, (list = []));
      order.push(p.owner);
    }
    list.push(p);
  }
  const graph = new Map<string, string>();
  const preds = new Map<string, string[]>();
  for (const owner of order) {
    const own = byOwner.get(owner)!;
    const local = new Map(own.map((p, k) => [p.id, k]));
    const from: string[] = [];
    const parts = own.map((p) => {
      const ins = p.inputs.map((i) => {
        const k = local.get(i);
        if (k !== undefined) return `#${k}`;
        const o = ownerOf.get(i)!;
        if (!from.includes(o)) from.push(o);
        return graph.get(o)!;
      });
      const w = weights.get(p.id);
      const isFed = fed.fed.has(p.id);
      const ws = w ? Object.entries(w).map(([name, id]) => `${name}=${isFed ? `fed:${fed.values === false ? p.weights.find((s) => s.name === name)?.shape.join('x') : id}` : id}`) : [];
      return [p.type, JSON.stringify(p.params), p.shape.join('x'), p.inputShapes.map((s) => s.join('x')).join(','), ins.join(','), ws.join(','), calibrate.has(p.id) ? 'calibrated' : '', p.type === 'Input' ? p.owner : ''].join('|');
    });
    graph.set(owner, sha(parts.join('\n')));
    preds.set(owner, from);
  }
  return { graph, preds, order };
}
