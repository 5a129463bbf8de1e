import type { ModelDocument } from '../document/schema';
import type { PrimitiveGraph } from '../graph/types';
import { inlineWeightKey } from './resolve';

/**
 * The batch norms that live inference runs on the statistics of the image being run, by primitive
 * id: those whose document node gives neither a running mean nor a running variance (inline or in
 * its sidecar; a composite gives them as "<local id>.mean" / ".var", see inlineWeightKey). Their
 * defaults — mean 0, var 1 — make a batch norm the identity, and a random deep network then grows
 * without bound (a random ResNet-152 reached logits of ~5e9). Such a batch norm uses instead what
 * PyTorch's computes in training mode for a batch of 1: per channel, the mean and the biased
 * variance of its input over the spatial positions. A batch norm that gets one value per channel
 * (a vector, or a 1×1 map) keeps the defaults: its variance would be 0, and PyTorch refuses it.
 *
 * This is a view for inference only: exports (ONNX, PyTorch) keep the running statistics, and a
 * document that gives a batch norm's statistics (trained or imported) is run with them, as given.
 */
export function calibratedBatchNorms(doc: ModelDocument, primitives: PrimitiveGraph): Set<string> {
  const owners = new Map(doc.nodes.map((n) => [n.id, n]));
  const out = new Set<string>();
  for (const prim of primitives.nodes) {
    if (prim.type !== 'BatchNorm') continue;
    const input = prim.inputShapes[0];
    if (!input || input.length !== 3 || input[1] * input[2] < 2) continue;
    const given = owners.get(prim.owner)?.weights;
    if (given?.[inlineWeightKey(prim, 'mean')] || given?.[inlineWeightKey(prim, 'var')]) continue;
    out.add(prim.id);
  }
  return out;
}

/** The document nodes that own these primitives (a composite once) and ran, in the graph's order. */
export function calibratedNodes(primitives: PrimitiveGraph, calibrated: ReadonlySet<string>): string[] {
  const nodes = new Set<string>();
  for (const prim of primitives.nodes) if (calibrated.has(prim.id) && primitives.outputOf[prim.owner] !== undefined) nodes.add(prim.owner);
  return [...nodes];
}

/** What the editor and the CLI say when a run used calibrated batch norms (RunResult.calibratedBatchNorm). */
export function calibrationNote(nodes: readonly string[] | undefined): string | undefined {
  if (!nodes?.length) return undefined;
  return 'Batch norm uses statistics of this image (no trained statistics yet).';
}
