import type { ModelDocument } from '../engine';
import { ops } from '../engine';

type Edge = ModelDocument['edges'][number];

/** Incoming edges of a node in port order — the order the engine uses (targetPort, then document order). */
export function incomingOrdered(doc: ModelDocument, target: string): Edge[] {
  const list: { edge: Edge; port: number; order: number }[] = [];
  doc.edges.forEach((edge, order) => {
    if (edge.target === target) list.push({ edge, port: edge.targetPort ?? Number.MAX_SAFE_INTEGER, order });
  });
  list.sort((a, b) => a.port - b.port || a.order - b.order);
  return list.map((x) => x.edge);
}

/** Whether a node type takes several inputs (Concat, Add): then every input gets its own handle, in port order. */
export function isMultiInput(type: string): boolean {
  return (ops.get(type)?.arity.max ?? 1) > 1;
}

/** Whether a node type takes any input at all (Input does not). */
export function takesInput(type: string): boolean {
  return (ops.get(type)?.arity.max ?? 1) > 0;
}

/** The handle id of the k-th input. */
export const inputHandle = (k: number) => `in-${k}`;
export const OUTPUT_HANDLE = 'out';

export function handleIndex(handle: string | null | undefined): number {
  const m = /^in-(\d+)$/.exec(handle ?? '');
  return m ? Number(m[1]) : 0;
}
