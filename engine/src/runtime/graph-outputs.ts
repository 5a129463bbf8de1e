import type { ModelDocument } from '../core/document/schema';
import type { Analysis } from '../core/graph/types';
import type { BackendRunOptions } from './backend';

/** Document nodes that ran and have no outgoing edge (Input nodes excluded): what `tensors: 'outputs'` returns. */
export function graphOutputs(doc: ModelDocument, analysis: Analysis): string[] {
  const hasOutgoing = new Set(doc.edges.map((e) => e.source));
  return doc.nodes.filter((n) => n.type !== 'Input' && analysis.primitives.outputOf[n.id] !== undefined && !hasOutgoing.has(n.id)).map((n) => n.id);
}

/** The document node ids whose full tensors `options.tensors` asks for (only nodes that can run). */
export function requestedTensors(doc: ModelDocument, analysis: Analysis, tensors: BackendRunOptions['tensors']): Set<string> {
  const ran = (id: string) => analysis.primitives.outputOf[id] !== undefined;
  if (tensors === 'none') return new Set();
  if (tensors === 'outputs') return new Set(graphOutputs(doc, analysis));
  if (tensors === 'all') return new Set(doc.nodes.map((n) => n.id).filter(ran));
  return new Set(tensors.filter(ran));
}
