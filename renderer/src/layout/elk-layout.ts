/** One-click auto-layout: elkjs "layered", left-to-right or top-to-bottom, respecting card sizes. */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ModelDocument } from '../engine';
import { incomingOrdered } from '../model/ports';
import type { LayoutDirection } from '../store/ui-store';

let elk: InstanceType<typeof ELK> | undefined;

export type SizeOf = (id: string) => { width: number; height: number };

const GAP_BETWEEN_LAYERS = 70;

/** The nodes in order when the model is one straight path (every preset here is, at the document level), else undefined. */
export function chainOrder(doc: ModelDocument): string[] | undefined {
  const next = new Map<string, string>();
  const hasIn = new Set<string>();
  for (const e of doc.edges) {
    if (next.has(e.source) || hasIn.has(e.target)) return undefined;
    next.set(e.source, e.target);
    hasIn.add(e.target);
  }
  const starts = doc.nodes.filter((n) => !hasIn.has(n.id));
  if (starts.length !== 1) return undefined;
  const order: string[] = [];
  const seen = new Set<string>();
  for (let id: string | undefined = starts[0].id; id !== undefined && !seen.has(id); id = next.get(id)) {
    seen.add(id);
    order.push(id);
  }
  return order.length === doc.nodes.length ? order : undefined;
}

/** Cards per line for a long chain: about sqrt(1.4·n), so the whole model is roughly 16:10 and readable when fitted. */
export function chainLineLength(count: number): number {
  return count <= 8 ? count : Math.ceil(Math.sqrt(1.4 * count));
}

/**
 * A straight path needs no layout engine: cards in reading order, wrapped into lines (rows for
 * left-to-right, columns for top-to-bottom) so that a long network such as ResNet-152 fits the
 * screen at a readable zoom instead of one thin line; each line is centred on its own axis.
 */
function layoutChain(order: string[], dir: LayoutDirection, sizeOf: SizeOf): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  const perLine = chainLineLength(order.length);
  let across = 0;
  for (let start = 0; start < order.length; start += perLine) {
    const line = order.slice(start, start + perLine);
    const sizes = line.map(sizeOf);
    const thickness = Math.max(...sizes.map((sz) => (dir === 'LR' ? sz.height : sz.width)));
    let along = 0;
    line.forEach((id, i) => {
      const { width, height } = sizes[i];
      out.set(id, dir === 'LR' ? { x: along, y: across + (thickness - height) / 2 } : { x: across + (thickness - width) / 2, y: along });
      along += (dir === 'LR' ? width : height) + GAP_BETWEEN_LAYERS;
    });
    across += thickness + GAP_BETWEEN_LAYERS;
  }
  return out;
}

export async function layoutDocument(doc: ModelDocument, dir: LayoutDirection, sizeOf: SizeOf): Promise<Map<string, { x: number; y: number }>> {
  const chain = chainOrder(doc);
  if (chain) return layoutChain(chain, dir, sizeOf);
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
      'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_BETWEEN_LAYERS),
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
