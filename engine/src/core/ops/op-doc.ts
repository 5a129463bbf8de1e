import type { OpDef } from './op';

/** The learner's sentences for a node of `op` with these (unparsed) params: its variant's, else the op's. */
export function opDoc(op: OpDef, params: unknown): string {
  if (!op.docFor) return op.doc;
  const parsed = op.params.safeParse(params ?? {});
  return parsed.success ? op.docFor(parsed.data) : op.doc;
}
