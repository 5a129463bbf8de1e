/**
 * "Fit": the whole model when it can be read whole, else its start at the smallest readable zoom
 * with the rest a scroll away (ResNet-152 whole is 5 px text). A fitted view fits again when the
 * canvas changes size (window, panels), until the user moves it.
 */
import { flowApi } from './flow-api';
import { fitViewport, type Viewport } from './fit-viewport';

let lastFit: Viewport | undefined;

function canvasSize(): { width: number; height: number } | undefined {
  const el = document.querySelector<HTMLElement>('.canvas .react-flow');
  return el && el.clientWidth > 0 && el.clientHeight > 0 ? { width: el.clientWidth, height: el.clientHeight } : undefined;
}

/** Fit the model into the canvas (see fitViewport); remembered so a resize fits again. */
export function fitModel(): void {
  const f = flowApi();
  const view = canvasSize();
  if (!f || !view) return;
  const nodes = f.getNodes();
  if (!nodes.length) return;
  const viewport = fitViewport(f.getNodesBounds(nodes), view);
  void f.setViewport(viewport, { duration: 0 });
  lastFit = viewport;
}

const same = (a: Viewport, b: Viewport) => Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 && Math.abs(a.zoom - b.zoom) < 1e-4;

/** The canvas changed size: fit again if the view is still where the last fit put it. */
export function refitIfFitted(): void {
  const f = flowApi();
  if (!f || !lastFit || !same(f.getViewport(), lastFit)) return;
  fitModel();
}
