/**
 * The editor's ONNX import through the host: tensors too large for the document go to a weights
 * file the host holds until the model is saved; a file that leaves its image size open is imported
 * at the size the user gives (asked again, with the engine's reason, while the size does not fit).
 */
import type { SidecarState } from '../../../engine/src/core/api';
import { DEFAULT_INPUT_SHAPE, type EngineClient, type InputShape, type ModelDocument } from '../engine';
import { askInputShape } from '../store/ui-store';

export interface ImportedDocument {
  document: ModelDocument;
  weights?: SidecarState;
  /** The size asked for, when the file left it open. */
  inputShape?: InputShape;
}

const codeOf = (e: unknown) => (e && typeof e === 'object' && 'code' in e ? (e as { code: unknown }).code : undefined);
const messageOf = (e: unknown) => (e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e));

/** The document, or null when the user cancelled the size prompt. Other failures reject as the host's error. */
export async function importOnnxFile(engine: EngineClient, bytes: Uint8Array, file: string): Promise<ImportedDocument | null> {
  const stem = file.replace(/\.onnx$/i, '');
  let inputShape: InputShape | undefined;
  for (;;) {
    try {
      if (engine.importOnnxModel) {
        const imported = await engine.importOnnxModel(bytes, stem, inputShape);
        return { document: imported.document, ...(imported.weights ? { weights: { state: 'loaded', ...imported.weights } } : {}), ...(inputShape ? { inputShape } : {}) };
      }
      return { document: await engine.importOnnx(bytes, stem, inputShape), ...(inputShape ? { inputShape } : {}) };
    } catch (e) {
      if (codeOf(e) !== 'needs-input-shape') throw e;
      const asked = await askInputShape(file, messageOf(e), inputShape ?? DEFAULT_INPUT_SHAPE);
      if (!asked) return null;
      inputShape = asked;
    }
  }
}
