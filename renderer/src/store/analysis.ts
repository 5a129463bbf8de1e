/**
 * analyze() memoised by document. Moving nodes only changes positions, so when ids, types, params
 * and edges are the same objects the previous analysis is reused (dragging never re-analyses).
 */
import { analyze, type Analysis, type ModelDocument } from '../engine';

let last: { doc: ModelDocument; analysis: Analysis } | undefined;

export function sameStructure(a: ModelDocument, b: ModelDocument): boolean {
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i];
    const y = b.nodes[i];
    if (x !== y && (x.id !== y.id || x.type !== y.type || x.params !== y.params)) return false;
  }
  return true;
}

export function analysisOf(doc: ModelDocument): Analysis {
  if (last?.doc === doc) return last.analysis;
  const analysis = last && sameStructure(last.doc, doc) ? last.analysis : analyze(doc);
  last = { doc, analysis };
  return analysis;
}
