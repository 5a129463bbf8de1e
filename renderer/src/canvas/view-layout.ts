/**
 * Where the canvas draws each document node: at its document position, or — while modules are
 * opened — pushed aside to make room for them (layout/open-modules.ts). Commands that take a point
 * on screen (a drop, a drag's end) turn it back into a document position here.
 */
import type { Analysis, ModelDocument } from '../engine';
import { layoutModule } from '../layout/module-layout';
import { docPositionFor, pushedPositions, type LayoutBox, type OpenSizes, type XY } from '../layout/open-modules';
import { LAYER_CARD, layerCardSize } from '../layout/sizes';
import { useUiStore, type LayoutDirection } from '../store/ui-store';
import { useDocumentStore } from '../store/document-store';
import { analysisOf } from '../store/analysis';
import { isComposite, primitivesOf } from './flow-model';

export interface ViewLayout {
  /** Where each node is drawn while some module is open; undefined: at its document position. */
  positions?: ReadonlyMap<string, XY>;
  /** The document position that draws node `id` (or a new card, id undefined) at `view`. */
  toDoc(id: string | undefined, view: XY): XY;
  /** The opened size of each open module (closed cards: layerCardSize). */
  openSizes: OpenSizes;
}

export interface ViewLayoutInput {
  doc: ModelDocument;
  analysis: Analysis;
  openModules: ReadonlySet<string>;
  direction: LayoutDirection;
  cardExtraHeight: number;
}

const IDENTITY: ViewLayout = { toDoc: (_id, view) => view, openSizes: new Map() };

let last: { input: ViewLayoutInput; layout: ViewLayout } | undefined;

/** The view layout for these inputs (memoised on the last call's inputs). */
export function viewLayoutOf(input: ViewLayoutInput): ViewLayout {
  const l = last?.input;
  if (l && l.doc === input.doc && l.analysis === input.analysis && l.openModules === input.openModules && l.direction === input.direction && l.cardExtraHeight === input.cardExtraHeight) return last!.layout;
  const layout = computeViewLayout(input);
  last = { input, layout };
  return layout;
}

function computeViewLayout({ doc, analysis, openModules, direction, cardExtraHeight }: ViewLayoutInput): ViewLayout {
  const openSizes = new Map<string, { width: number; height: number }>();
  for (const n of doc.nodes) {
    if (!openModules.has(n.id) || !isComposite(n.type)) continue;
    const prims = primitivesOf(analysis, n.id);
    if (!prims.length) continue;
    const inside = layoutModule(prims, direction, LAYER_CARD.width, cardExtraHeight);
    openSizes.set(n.id, { width: inside.width, height: inside.height });
  }
  if (!openSizes.size) return IDENTITY;
  const size = layerCardSize(cardExtraHeight);
  const boxes: LayoutBox[] = doc.nodes.map((n) => ({ id: n.id, x: n.position?.x ?? 0, y: n.position?.y ?? 0, ...size }));
  return {
    positions: pushedPositions(boxes, openSizes),
    openSizes,
    toDoc: (id, view) => docPositionFor(boxes, openSizes, { id: id ?? '\u0000new', ...size }, view),
  };
}

/** The view layout of the open document as the canvas shows it now. */
export function currentViewLayout(): ViewLayout {
  const { doc } = useDocumentStore.getState();
  const { openModules, direction, cardExtraHeight } = useUiStore.getState();
  return viewLayoutOf({ doc, analysis: analysisOf(doc), openModules, direction, cardExtraHeight });
}
