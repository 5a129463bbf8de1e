/**
 * The text File ▸ Export JSON writes: the document as is, or — when its weights live in a sidecar
 * (docs/weights.md) — with every sidecar tensor made inline by the host (EngineClient.inlineWeights)
 * and no weightsFile, so the exported file opens and runs alone.
 */
import type { EngineClient } from '../../../engine/src/core/api';
import type { ModelDocument } from '../engine';
import { usesSidecar } from '../../../engine/src/core/weights/sidecar';
import { t } from '../i18n';

export async function exportJsonText(
  doc: ModelDocument,
  weightsToken: string | undefined,
  engine: Pick<EngineClient, 'inlineWeights'>,
  toText: (doc: ModelDocument) => string,
): Promise<string> {
  if (!usesSidecar(doc)) return toText(doc);
  const file = doc.weightsFile ?? t('exportJson.itsWeightsFile');
  if (weightsToken === undefined) {
    throw new Error(t('exportJson.notLoaded', { file }));
  }
  if (!engine.inlineWeights) throw new Error(t('exportJson.cannotInline', { file }));
  return toText(await engine.inlineWeights(doc, weightsToken));
}
