/**
 * What a finished training run does to the editor's document, and the checks the Train tab makes
 * against the design: plain functions of documents (no stores, no DOM).
 *
 * The merge rule: the run trained a snapshot; the user may have edited the document meanwhile. A
 * node of the current document takes the trained copy's weights when its id, type and params are
 * those of the trained snapshot AND every trained tensor has the shape the current design expects
 * for it (an edit upstream — more channels into a convolution — changes the shape without touching
 * the node). Every other trained node is skipped and named. `labels` and `training` come from the
 * trained copy. When the run wrote a new sidecar, weights of the current document that point into
 * the OLD sidecar cannot survive (the document names one sidecar): those nodes fall back to seeded
 * weights and are named too.
 */
import type { Analysis, ModelDocument, ModelNode } from '../engine';
import type { TensorData } from '../../../engine/src/core/document/schema';
import type { InputParams } from '../../../engine/src/core/ops/input';
import { inlineWeightKey } from '../../../engine/src/core/weights/resolve';
import { t as tr } from '../i18n';

/** JSON with object keys sorted, so equal params compare equal whatever order they were written in. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

/** The network's structure — nodes (id, type, params) and edges — without positions, labels or weights. */
export function structureKey(doc: ModelDocument): string {
  const nodes = doc.nodes.map((n) => `${n.id}\u0001${n.type}\u0001${stableJson(n.params)}`).sort();
  const edges = doc.edges.map((e) => `${e.source}:${e.sourcePort ?? 0}>${e.target}:${e.targetPort ?? 0}`).sort();
  return `${nodes.join('\u0002')}\u0003${edges.join('\u0002')}`;
}

function sameNode(a: ModelNode, b: ModelNode): boolean {
  return a.type === b.type && (a.params === b.params || stableJson(a.params) === stableJson(b.params));
}

/** The shape `analysis` expects for every weight, by owner node and key (as the document stores them). */
function expectedShapes(analysis: Analysis): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of analysis.primitives.nodes) for (const w of p.weights) out.set(`${p.owner}\u0000${inlineWeightKey(p, w.name)}`, w.shape);
  return out;
}

const usesSidecar = (w: Record<string, TensorData> | undefined) => !!w && Object.values(w).some((t) => t.sidecar);

export interface SkippedNode {
  id: string;
  name: string;
  /** Why, in the interface's language ("its settings changed"). */
  reason: string;
}

export interface MergeResult {
  doc: ModelDocument;
  /** Nodes that took the trained weights. */
  applied: string[];
  /** Trained nodes whose weights were not taken, with why. */
  skipped: SkippedNode[];
  /** Nodes whose weights pointed into the previous sidecar and were dropped (seeded again). */
  dropped: SkippedNode[];
  /** The weights file the document now names: the run's new one, the previous one kept, or none. */
  sidecar: 'new' | 'kept' | 'none';
}

const nameOf = (n: ModelNode) => n.label ?? n.id;

/**
 * The current document with the trained weights merged in (see the file comment). `newSidecar`:
 * the outcome came with a sidecar (its document names `weightsFile`, the host holds the bytes).
 */
export function mergeTrained(current: ModelDocument, trained: ModelDocument, analysis: Analysis, newSidecar: boolean): MergeResult {
  const trainedById = new Map(trained.nodes.map((n) => [n.id, n]));
  const expected = expectedShapes(analysis);
  const applied: string[] = [];
  const skipped: SkippedNode[] = [];
  const dropped: SkippedNode[] = [];
  const present = new Set<string>();
  const nodes = current.nodes.map((n): ModelNode => {
    present.add(n.id);
    const t = trainedById.get(n.id);
    let next = n;
    if (t?.weights && Object.keys(t.weights).length) {
      if (!sameNode(n, t)) {
        skipped.push({ id: n.id, name: nameOf(n), reason: tr(n.type !== t.type ? 'train.result.why.typeChanged' : 'train.result.why.settingsChanged') });
      } else {
        const misfit = Object.entries(t.weights).find(([key, td]) => expected.get(`${n.id}\u0000${key}`)?.join('x') !== td.shape.join('x'));
        if (misfit) skipped.push({ id: n.id, name: nameOf(n), reason: tr(expected.has(`${n.id}\u0000${misfit[0]}`) ? 'train.result.why.inputReshaped' : 'train.result.why.noShape') });
        else {
          next = { ...n, weights: t.weights };
          applied.push(n.id);
        }
      }
    }
    if (newSidecar && next === n && usesSidecar(n.weights)) {
      const kept = Object.fromEntries(Object.entries(n.weights!).filter(([, td]) => !td.sidecar));
      next = { ...n, weights: Object.keys(kept).length ? kept : undefined };
      if (!next.weights) delete next.weights;
      dropped.push({ id: n.id, name: nameOf(n), reason: tr('train.result.why.previousWeights') });
    }
    return next;
  });
  for (const t of trained.nodes) if (t.weights && Object.keys(t.weights).length && !present.has(t.id)) skipped.push({ id: t.id, name: nameOf(t), reason: tr('train.result.why.deleted') });

  const doc: ModelDocument = { ...current, nodes };
  if (trained.labels) doc.labels = [...trained.labels];
  if (trained.training) doc.training = trained.training;
  let sidecar: MergeResult['sidecar'];
  if (newSidecar && trained.weightsFile) {
    doc.weightsFile = trained.weightsFile;
    sidecar = 'new';
  } else if (current.weightsFile && nodes.some((n) => usesSidecar(n.weights))) {
    sidecar = 'kept';
  } else {
    delete doc.weightsFile;
    sidecar = 'none';
  }
  return { doc, applied, skipped, dropped, sidecar };
}

/** The first Input node's params, when they describe an image shape. */
export function inputParamsOf(doc: ModelDocument): InputParams | undefined {
  const p = doc.nodes.find((n) => n.type === 'Input')?.params as Partial<InputParams> | undefined;
  if (!p || !Number.isInteger(p.channels) || !Number.isInteger(p.height) || !Number.isInteger(p.width)) return undefined;
  return p as InputParams;
}

export interface OutputInfo {
  /** Class scores the model gives (its logits' length), when it ends in one vector. */
  units?: number;
  /** The Dense node giving the logits (before an optional final Softmax): the one-click fix sets its units. */
  denseId?: string;
  denseName?: string;
}

/**
 * How many class scores the model gives and which Dense node gives them — the model's single
 * output, stepping back over a final Softmax (as the trainer's findLogits does).
 */
export function outputInfo(doc: ModelDocument, analysis: Analysis): OutputInfo {
  const outputOf = analysis.primitives.outputOf;
  const hasOutgoing = new Set(doc.edges.map((e) => e.source));
  const outs = doc.nodes.filter((n) => n.type !== 'Input' && outputOf[n.id] !== undefined && !hasOutgoing.has(n.id));
  if (outs.length !== 1) return {};
  const prims = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
  let logits = prims.get(outputOf[outs[0].id]);
  if (logits?.type === 'Softmax') logits = prims.get(logits.inputs[0]);
  if (!logits) return {};
  const s = logits.shape;
  const vector = s.length === 1 || (s.length === 3 && s[1] === 1 && s[2] === 1);
  const owner = doc.nodes.find((n) => n.id === logits.owner);
  return {
    ...(vector ? { units: s[0] } : {}),
    ...(owner?.type === 'Dense' ? { denseId: owner.id, denseName: nameOf(owner) } : {}),
  };
}
