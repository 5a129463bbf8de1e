/** How messages name a node: as its card does, so a learner finds it on the canvas. */
import type { ModelDocument } from '../engine';
import { ops } from '../engine';
import { opTitle } from '../i18n/engine-text';

/** “C1 tanh” (its label), or Conv 2D “conv2d_2” (its type and id) when it has no label. */
export function nodeName(doc: ModelDocument, id: string): string {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) return `“${id}”`;
  if (node.label) return `“${node.label}”`;
  return `${opTitle(node.type, ops.get(node.type))} “${id}”`;
}
