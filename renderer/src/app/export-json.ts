/**
 * The text File ▸ Export JSON writes: the document as is, or — when its weights live in a sidecar
 * (docs/weights.md) — with every sidecar tensor made inline by the host (EngineClient.inlineWeights)
 * and no weightsFile, so the exported file opens and runs alone.
 */
import type { EngineClient } from '../../../engine/src/core/api';
import type { ModelDocument } from '../engine';
import { usesSidecar } from '../../../engine/src/core/weights/sidecar';

export async function exportJsonText(
  doc: ModelDocument,
  weightsToken: string | undefined,
  engine: Pick<EngineClient, 'inlineWeights'>,
  toText: (doc: ModelDocument) => string,
): Promise<string> {
  if (!usesSidecar(doc)) return toText(doc);
  const file = doc.weightsFile ?? 'its weights file';
  if (weightsToken === undefined) {
    throw new Error(`This model keeps its weights in ${file}, which is not loaded, so they cannot be put into the exported JSON. Reopen the model together with ${file}, then export again.`);
  }
  if (!engine.inlineWeights) throw new Error(`This host cannot put the weights of ${file} into a JSON file — use File ▸ Save As, which writes the JSON together with ${file}.`);
  return toText(await engine.inlineWeights(doc, weightsToken));
}
