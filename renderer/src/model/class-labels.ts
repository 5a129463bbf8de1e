/**
 * Class names live in the document's `labels` (one per output unit, in order). The inspector edits
 * them on the network's output node, one name per line.
 */
import type { Analysis, ModelDocument } from '../engine';
import { deadEnds } from '../../../engine/src/core/graph/dead-ends';

/** The node whose output is the network's class scores, and how many classes — when there is one. */
export function classOutput(doc: ModelDocument, analysis: Analysis): { id: string; classes: number } | undefined {
  const feeds = new Set(doc.edges.map((e) => e.source));
  const hanging = new Set(deadEnds(doc).map((d) => d.id));
  const ends = doc.nodes.filter((n) => n.type !== 'Input' && !feeds.has(n.id) && !hanging.has(n.id) && analysis.nodes[n.id]?.outputShape);
  if (ends.length !== 1) return undefined;
  const shape = analysis.nodes[ends[0].id]!.outputShape!;
  const vector = shape.length === 1 || (shape.length === 3 && shape[1] === 1 && shape[2] === 1);
  return vector && shape[0] >= 2 ? { id: ends[0].id, classes: shape[0] } : undefined;
}

/** One name per line, trimmed; blank lines at the end dropped; undefined when no line names anything. */
export function parseClassNames(text: string): string[] | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.some((l) => l !== '') ? lines : undefined;
}

/** The document with these class names (undefined: none, the field is removed). */
export function setClassLabels(doc: ModelDocument, labels: readonly string[] | undefined): ModelDocument {
  const same = labels === undefined ? doc.labels === undefined : doc.labels !== undefined && doc.labels.length === labels.length && doc.labels.every((l, i) => l === labels[i]);
  if (same) return doc;
  const { labels: _old, ...rest } = doc;
  return labels === undefined ? rest : { ...rest, labels: [...labels] };
}
