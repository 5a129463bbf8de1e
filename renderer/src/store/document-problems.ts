/**
 * Problems of the document as a file, beside the graph's own diagnostics: today, a weights sidecar
 * (docs/weights.md) the host could not read. The graph still opens, shapes and costs still show;
 * the Problems panel pins these first and the status bar counts them as errors.
 */
import type { ModelDocument } from '../engine';
import type { SidecarState } from '../../../engine/src/core/api';
import { useDocumentStore } from './document-store';

export interface DocumentProblem {
  code: 'weights-file';
  severity: 'error';
  message: string;
  /** The sentence's key in the UI catalog and its values (the message is its English). */
  text: { key: string; values: Record<string, string> };
}

/** Problems of `doc` given what the host said about its sidecar. */
export function documentProblems(doc: ModelDocument, weights: SidecarState | undefined): DocumentProblem[] {
  if (doc.weightsFile === undefined) return [];
  if (weights?.state === 'loaded' && weights.file === doc.weightsFile) return [];
  if (weights?.state === 'missing' && weights.file === doc.weightsFile) {
    return [{ code: 'weights-file', severity: 'error', message: `Weights not loaded: ${weights.message}`, text: { key: 'problems.weightsMissing', values: { file: weights.file, detail: weights.message } } }];
  }
  const usesIt = doc.nodes.some((n) => Object.values(n.weights ?? {}).some((t) => t.sidecar !== undefined));
  if (!usesIt) return [];
  return [
    {
      code: 'weights-file',
      severity: 'error',
      message: `Weights not loaded: this model keeps weights in ${doc.weightsFile}, which was not opened with it. Open the model from the folder that holds ${doc.weightsFile}.`,
      text: { key: 'problems.weightsNotOpened', values: { file: doc.weightsFile } },
    },
  ];
}

let last: { doc: ModelDocument; weights: SidecarState | undefined; problems: DocumentProblem[] } | undefined;

/** The open document's problems (memoised by document and sidecar state). */
export function useDocumentProblems(): DocumentProblem[] {
  const doc = useDocumentStore((s) => s.doc);
  const weights = useDocumentStore((s) => s.weights);
  if (last?.doc !== doc || last.weights !== weights) last = { doc, weights, problems: documentProblems(doc, weights) };
  return last.problems;
}
