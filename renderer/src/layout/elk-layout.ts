/** One-click auto-layout: elkjs "layered", left-to-right or top-to-bottom, respecting card sizes. */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ModelDocument } from '../engine';
import { incomingOrdered } from '../model/ports';
import type { LayoutDirection } from '../store/ui-store';

let elk: InstanceType<typeof ELK> | undefined;

export type SizeOf = (id: string) => { width: number; height: number };

export async function layoutDocument(doc: ModelDocument, dir: LayoutDirection, sizeOf: SizeOf): Promise<Map<string, { x: number; y: number }>> {
  elk ??= new ELK();
  const children = doc.nodes.map((n) => {
    const size = sizeOf(n.id);
    return { id: n.id, width: size.width, height: size.height };
  });
  const ids = new Set(doc.nodes.map((n) => n.id));
  const edges = doc.nodes.flatMap((n) =>
    incomingOrdered(doc, n.id)
      .filter((e) => ids.has(e.source))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  );
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': dir === 'LR' ? 'RIGHT' : 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '36',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.separateConnectedComponents': 'true',
    },
    children,
    edges,
  });
  const out = new Map<string, { x: number; y: number }>();
  for (const c of graph.children ?? []) out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return out;
}
