/**
 * Where the primitives of an opened composite go inside its box: layered by longest path from the
 * module's input, one column (or row, top-to-bottom) per layer. Deterministic and instant.
 */
import type { PrimitiveNode } from '../engine';
import type { LayoutDirection } from '../store/ui-store';
import { MODULE_PAD, PRIM_CARD } from './sizes';

export interface ModuleInside {
  positions: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
  /** Primitive edges inside the module: [from, to]; from undefined means the module's input. */
  edges: { from?: string; to: string }[];
  /** The primitive whose output is the module's output. */
  output?: string;
}

/**
 * `headerExtra`: height the module's header card gains from its thumbnail slot (the opened module
 * still shows its own output thumbnail), so the primitives start below it.
 */
export function layoutModule(prims: readonly PrimitiveNode[], dir: LayoutDirection, headerWidth: number, headerExtra = 0): ModuleInside {
  const top = MODULE_PAD.top + headerExtra;
  const inside = new Set(prims.map((p) => p.id));
  const rank = new Map<string, number>();
  const edges: ModuleInside['edges'] = [];
  for (const p of prims) {
    let r = 0;
    let fromOutside = false;
    for (const i of p.inputs) {
      if (inside.has(i)) {
        r = Math.max(r, (rank.get(i) ?? 0) + 1);
        edges.push({ from: i, to: p.id });
      } else fromOutside = true;
    }
    if (fromOutside) edges.push({ to: p.id });
    rank.set(p.id, r);
  }
  // Lanes: a primitive stays in the lane of its first input (a branch reads as one row); roots take new lanes.
  const laneOf = new Map<string, number>();
  const used = new Map<number, Set<number>>();
  const positions = new Map<string, { x: number; y: number }>();
  let roots = 0;
  let maxRank = 0;
  let maxLane = 0;
  for (const p of prims) {
    const r = rank.get(p.id)!;
    const firstInside = p.inputs.find((i) => inside.has(i));
    let lane = firstInside !== undefined ? laneOf.get(firstInside)! : roots++;
    const taken = used.get(r) ?? new Set<number>();
    while (taken.has(lane)) lane++;
    taken.add(lane);
    used.set(r, taken);
    laneOf.set(p.id, lane);
    maxRank = Math.max(maxRank, r);
    maxLane = Math.max(maxLane, lane);
    const main = r * (dir === 'LR' ? PRIM_CARD.width + MODULE_PAD.gapMain : PRIM_CARD.height + MODULE_PAD.gapMain);
    const cross = lane * (dir === 'LR' ? PRIM_CARD.height + MODULE_PAD.gapCross : PRIM_CARD.width + MODULE_PAD.gapCross);
    positions.set(p.id, dir === 'LR' ? { x: MODULE_PAD.side + main, y: top + cross } : { x: MODULE_PAD.side + cross, y: top + main });
  }
  const ranks = maxRank + 1;
  const laneCount = maxLane + 1;
  const spanW = dir === 'LR' ? ranks * PRIM_CARD.width + maxRank * MODULE_PAD.gapMain : laneCount * PRIM_CARD.width + maxLane * MODULE_PAD.gapCross;
  const spanH = dir === 'LR' ? laneCount * PRIM_CARD.height + maxLane * MODULE_PAD.gapCross : ranks * PRIM_CARD.height + maxRank * MODULE_PAD.gapMain;
  const output = prims.length ? prims[prims.length - 1].id : undefined;
  return {
    positions,
    width: Math.max(headerWidth, spanW + 2 * MODULE_PAD.side),
    height: spanH + top + MODULE_PAD.bottom,
    edges,
    output,
  };
}
