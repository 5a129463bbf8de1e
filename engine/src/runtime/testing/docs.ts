/** Small model documents for runtime tests. */
import type { ModelDocument, ModelNode } from '../../core/document/schema';

export type LayerSpec = { id?: string; type: string; params?: Record<string, unknown>; weights?: Record<string, number[]> };

/** Input → layers in a chain. Inline weights are given flat; their shapes come from the layer. */
export function chainDoc(input: { channels: number; height: number; width: number; preprocess?: Record<string, unknown> }, layers: LayerSpec[], extra: Partial<ModelDocument> = {}): ModelDocument {
  const nodes: ModelNode[] = [{ id: 'input', type: 'Input', params: { ...input } }];
  const edges: ModelDocument['edges'] = [];
  let prev = 'input';
  layers.forEach((l, i) => {
    const id = l.id ?? `n${i + 1}`;
    const node: ModelNode = { id, type: l.type, params: l.params ?? {} };
    if (l.weights) node.weights = Object.fromEntries(Object.entries(l.weights).map(([k, data]) => [k, { shape: [data.length], data }]));
    nodes.push(node);
    edges.push({ id: `e${i}`, source: prev, target: id });
    prev = id;
  });
  return { format: 'cnn-studio.model', version: 1, name: 'test', nodes, edges, ...extra };
}

/** The 4×4 example from the lecture. */
export const LECTURE_4X4 = [
  [6, 15, 21, 31],
  [3, 28, 23, 65],
  [41, 5, 56, 12],
  [55, 87, 12, 4],
];
