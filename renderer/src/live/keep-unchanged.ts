/**
 * A new run's result with the node results of the previous one kept (the same objects) where the
 * engine says they are the same (equal NodeRunResult.key): a partial re-run changes a few nodes,
 * and thumbnails of the others — memoised on their preview object — are neither decoded nor drawn
 * again.
 */
import type { RunResult } from '../../../engine/src/core/api';

export function keepUnchanged(previous: RunResult | undefined, next: RunResult): RunResult {
  if (!previous) return next;
  let kept = 0;
  const nodes: RunResult['nodes'] = {};
  for (const [id, node] of Object.entries(next.nodes)) {
    const before = previous.nodes[id];
    // A card preview and a full one of the same output are not the same to the panels.
    const same = node.key !== undefined && before?.key === node.key && !!before.preview?.card === !!node.preview?.card;
    nodes[id] = same ? before : node;
    if (same) kept++;
  }
  return kept ? { ...next, nodes } : next;
}
