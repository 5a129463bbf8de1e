/**
 * Where each of our weights lands in the PyTorch export's state dict: primitive id → weight name →
 * state-dict key ("conv1.weight", "res.bn1.running_mean" …), by the same submodule naming as
 * `exportPyTorch` (every document node that reaches a primitive, in analysis order, through
 * `pythonNames`) and `torchStateKey`. For tests and tools that move tensors between the two.
 * Isomorphic: no Node APIs.
 */
import type { Analysis } from '../graph/types';
import { pythonNames } from './python-names';
import { torchStateKey } from './pytorch';

export function torchStateKeys(analysis: Analysis): Map<string, Record<string, string>> {
  const prims = analysis.primitives;
  const names = pythonNames(analysis.order.filter((id) => prims.outputOf[id]));
  const out = new Map<string, Record<string, string>>();
  for (const prim of prims.nodes) {
    if (prim.weights.length === 0) continue;
    const keys: Record<string, string> = {};
    for (const spec of prim.weights) keys[spec.name] = torchStateKey(prim, spec.name, names.get(prim.owner)!);
    out.set(prim.id, keys);
  }
  return out;
}
