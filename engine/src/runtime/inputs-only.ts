/** Runs where only Input nodes run: no backend is needed (it would be handed a graph with no operator). */
import type { Analysis } from '../core/graph/types';
import type { BackendRunOptions, BackendRunResult } from './backend';
import { featurePreview, tensorStats } from './previews';

/** The result of a graph where only Input nodes run (nothing is connected to them yet): each input as it enters the network. */
export function inputsOnly(analysis: Analysis, inputs: Record<string, Float32Array>, previews: boolean, tensors: BackendRunOptions['tensors']): BackendRunResult {
  const nodes: BackendRunResult['nodes'] = {};
  const out: BackendRunResult['tensors'] = {};
  for (const p of analysis.primitives.nodes) {
    const data = inputs[p.id];
    if (p.type !== 'Input' || !data) continue;
    nodes[p.owner] = { shape: [...p.shape], stats: tensorStats(data), ...(previews ? { preview: featurePreview(p.shape, data) } : {}) };
    if (tensors === 'all' || (Array.isArray(tensors) && tensors.includes(p.owner))) out[p.owner] = { shape: [...p.shape], data: data.slice() };
  }
  return { nodes, tensors: out };
}
