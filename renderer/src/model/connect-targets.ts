/** Where a node's output can go: the choices of "Connect selected to…" (keyboard connecting). */
import type { ModelDocument } from '../engine';
import { ops } from '../engine';
import { connect } from './edits';
import { incomingOrdered, isMultiInput } from './ports';
import { t } from '../i18n';
import { opTitle } from '../i18n/engine-text';

export interface ConnectTarget {
  id: string;
  /** What the user reads: the node's label, else its op's title. */
  name: string;
  /** The input port the edge goes to (a multi-input node's next free one). */
  port: number;
  /** For a multi-input node, which input this becomes ("input 3"); for a single-input node already fed, what it replaces. */
  note?: string;
}

/** A node as the list shows it: its label, else its op's title (the id is shown beside it). */
export const targetName = (doc: ModelDocument, id: string): string => {
  const n = doc.nodes.find((x) => x.id === id);
  return n?.label ?? (n && ops.get(n.type) ? opTitle(n.type, ops.get(n.type)) : id);
};

/** Every node `source`'s output can be connected to (not itself, not an Input, no loop, not already fed by it), in document order. */
export function connectTargets(doc: ModelDocument, source: string): ConnectTarget[] {
  const out: ConnectTarget[] = [];
  for (const n of doc.nodes) {
    const ins = incomingOrdered(doc, n.id);
    const multi = isMultiInput(n.type);
    const port = multi ? ins.length : 0;
    if (!connect(doc, source, n.id, port).ok) continue;
    const note = multi ? t('connect.asInput', { n: port + 1 }) : ins.length ? t('connect.replaces', { name: targetName(doc, ins[0].source) }) : undefined;
    out.push({ id: n.id, name: targetName(doc, n.id), port, ...(note ? { note } : {}) });
  }
  return out;
}
