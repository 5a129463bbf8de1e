/** A document's logits on both backends against PyTorch's, from the files the test-python scripts write. */
import { join } from 'node:path';
import type { ModelDocument } from '../../core/document/schema';
import type { Analysis } from '../../core/graph/types';
import { OrtBackend } from '../ort/ort-backend';
import { ReferenceBackend } from '../reference/backend';
import { readFloat32File, relativeToLargest } from './compare';

/**
 * Runs `doc` on `<model>.input.bin` in `dir` on the reference and the onnxruntime backend and gives,
 * per backend, max |Δ| / max |logit| against `<model>.logits.bin`.
 */
export async function logitErrorsAgainstPyTorch(doc: ModelDocument, analysis: Analysis, dir: string, model: string): Promise<{ backend: string; error: number }[]> {
  const input = readFloat32File(join(dir, `${model}.input.bin`));
  const want = readFloat32File(join(dir, `${model}.logits.bin`));
  const errors: { backend: string; error: number }[] = [];
  for (const backend of [new ReferenceBackend(), new OrtBackend()]) {
    const run = await backend.run(doc, analysis, { [doc.nodes[0].id]: input }, { previews: false, tensors: 'outputs' });
    await backend.dispose();
    errors.push({ backend: backend.constructor.name, error: relativeToLargest(Object.values(run.tensors)[0].data, want) });
  }
  return errors;
}
