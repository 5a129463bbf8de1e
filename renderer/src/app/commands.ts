/**
 * Every editor command in one place: toolbar, keyboard, the desktop menu (AppCommand) and the
 * Problems panel call these.
 */
import type { AppCommand, Diagnostic, ModelDocument } from '../engine';
import type { SidecarState } from '../../../engine/src/core/api';
import { getPreset, parseDocument, PRESETS, serializeDocument } from '../engine';
import { host } from './host';
import { useDocumentStore, currentAnalysis, selectDirty } from '../store/document-store';
import { askConfirm, showMessage, useUiStore, type LayoutDirection, type ThemeChoice } from '../store/ui-store';
import { addNode, copyFragment, emptyDocument, hasLayout, pasteFragment, removeElements, setPositions, type XY } from '../model/edits';
import { applyQuickFix } from '../model/quick-fix';
import { paletteItem } from '../model/palette';
import { layoutDocument } from '../layout/elk-layout';
import { layoutModule } from '../layout/module-layout';
import { overlapsOf, type Box } from '../layout/overlap';
import { LAYER_CARD, layerCardSize } from '../layout/sizes';
import { flowApi } from '../canvas/flow-api';
import { isComposite, primitivesOf } from '../canvas/flow-model';
import { runLiveNow } from '../live/live-store';
import { applyInTextField } from './text-field';
import { exportJsonText } from './export-json';

const ONNX_FILTERS = [{ name: 'ONNX model', extensions: ['onnx'] }];

const docStore = () => useDocumentStore.getState();
const ui = () => useUiStore.getState();

/** Shown briefly at the bottom of the window. */
export function toast(text: string): void {
  ui().set({ toast: { text, at: Date.now() } });
}

async function confirmDiscard(action: string): Promise<boolean> {
  if (!selectDirty(docStore())) return true;
  return askConfirm('Unsaved changes', `“${docStore().doc.name}” has unsaved changes. ${action} anyway and lose them?`, `Discard and ${action.toLowerCase()}`);
}

/** Size of a node's card on the canvas (measured when shown, estimated otherwise). */
function sizeOf(id: string, open: ReadonlySet<string>, direction: LayoutDirection): { width: number; height: number } {
  const node = docStore().doc.nodes.find((n) => n.id === id);
  if (node && isComposite(node.type) && open.has(id)) {
    const prims = primitivesOf(currentAnalysis(), id);
    if (prims.length) {
      const inside = layoutModule(prims, direction, LAYER_CARD.width, ui().cardExtraHeight);
      return { width: inside.width, height: inside.height };
    }
  }
  const estimate = estimatedCard();
  const m = flowApi()?.getNode(id)?.measured;
  // A measured card may not show its thumbnail yet (no run so far): keep the room it will need.
  if (m?.width && m.height && !(node && isComposite(node.type) && m.width > LAYER_CARD.width * 1.5)) return { width: m.width, height: Math.max(m.height, estimate.height) };
  return estimate;
}

/** Fit the view once the canvas has the new nodes; a long model is shown from its start, readable. */
function fitSoon(): void {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const f = flowApi();
      if (!f) return;
      // Long chains are wrapped into lines by the layout, so the whole model fits; a graph too big
      // to read whole (hundreds of cards, e.g. every module opened) is shown from its start instead,
      // which also keeps the number of cards drawn (and re-drawn on every edit) small.
      const order = currentAnalysis().order;
      if (f.getNodes().length > 120) void f.fitView({ padding: 0.1, duration: 0, maxZoom: 1, nodes: order.slice(0, 5).map((id) => ({ id })) });
      else void f.fitView({ padding: 0.08, duration: 0, maxZoom: 1.2 });
    }),
  );
}

/** Estimated size of a closed layer card (before the canvas measures it), with room for its thumbnail slot. */
function estimatedCard(): { width: number; height: number } {
  return layerCardSize(ui().cardExtraHeight);
}

/** The token of the open document's sidecar weights, when the host holds them. */
export function weightsToken(): string | undefined {
  const w = docStore().weights;
  return w?.state === 'loaded' ? w.token : undefined;
}

/** The host may drop sidecar weights no document in the editor uses any more. */
function releaseWeights(state: SidecarState | undefined): void {
  if (state?.state === 'loaded') void host.engine.releaseWeights?.(state.token).catch(() => undefined);
}

/** Show a document in the editor (laid out first when it has no positions, or when asked). */
export async function showDocument(doc: ModelDocument, options: { path?: string; dirty?: boolean; layout?: boolean; weights?: SidecarState } = {}): Promise<void> {
  const previous = docStore().weights;
  if (previous?.state === 'loaded' && !(options.weights?.state === 'loaded' && options.weights.token === previous.token)) releaseWeights(previous);
  let d = doc;
  ui().set({ openModules: new Set(), selectedNodes: new Set(), selectedEdges: new Set() });
  if (options.layout || !hasLayout(d)) {
    // Lay out with estimated sizes: nothing of this document is on the canvas yet.
    const size = estimatedCard();
    d = setPositions(d, await layoutDocument(d, ui().direction, () => size));
  }
  docStore().load(d, options);
  fitSoon();
}

export const commands = {
  async newDocument() {
    if (!(await confirmDiscard('Start a new model'))) return;
    await showDocument(emptyDocument());
  },

  async open(path?: string) {
    if (!(await confirmDiscard('Open another model'))) return;
    let file: { path: string; text: string; weights?: SidecarState } | null;
    try {
      file = await host.files.open(path);
    } catch (e) {
      showMessage('error', 'Could not open the file', describeError(e));
      return;
    }
    if (!file) return;
    const result = parseDocument(file.text);
    if (!result.ok) {
      releaseWeights(file.weights);
      showMessage('error', `Could not open ${baseName(file.path)}`, `${result.error.message}\n\nThe current model is unchanged.`);
      return;
    }
    await showDocument(result.document, { path: file.path, ...(file.weights ? { weights: file.weights } : {}) });
    if (file.weights?.state === 'missing') {
      ui().set({ rightTab: 'problems' });
      toast(`Opened ${baseName(file.path)} without its weights file — see Problems`);
    }
  },

  /**
   * File ▸ Import ONNX: the user picks an .onnx file, the engine host turns it into a document
   * (weights travel with it), and it opens laid out and unsaved. Any failure leaves the current
   * model as it was and says why.
   */
  async importOnnx() {
    if (!(await confirmDiscard('Import an ONNX model'))) return;
    const openBinary = host.files.openBinary?.bind(host.files);
    if (!openBinary) {
      showMessage('error', 'Import is not available', 'This version of the host cannot open binary files, so ONNX models cannot be imported here.');
      return;
    }
    let file: { path: string; bytes: Uint8Array } | null;
    try {
      file = await openBinary(ONNX_FILTERS);
    } catch (e) {
      showMessage('error', 'Could not open the file', `${describeError(e)}\n\nThe current model is unchanged.`);
      return;
    }
    if (!file) return;
    const name = baseName(file.path);
    let doc: ModelDocument;
    let weights: SidecarState | undefined;
    try {
      const stem = name.replace(/\.onnx$/i, '');
      // Tensors too large to keep inside the document go to a weights file the host holds until the model is saved.
      if (host.engine.importOnnxModel) {
        const imported = await host.engine.importOnnxModel(file.bytes, stem);
        doc = imported.document;
        if (imported.weights) weights = { state: 'loaded', ...imported.weights };
      } else doc = await host.engine.importOnnx(file.bytes, stem);
    } catch (e) {
      showMessage('error', `Could not import ${name}`, `${describeError(e)}\n\nThe current model is unchanged.`);
      return;
    }
    await showDocument(doc, { dirty: true, layout: true, ...(weights ? { weights } : {}) });
    toast(`Imported ${name}: ${doc.nodes.length} layers${weights ? ` (large weights go to ${weights.file} when you save)` : ''}`);
  },

  async save(): Promise<boolean> {
    return saveTo(docStore().path);
  },

  async saveAs(): Promise<boolean> {
    return saveTo(undefined);
  },

  /** The document as JSON; sidecar weights go inside it (export-json.ts), so the file stands alone. */
  async exportJson() {
    const { doc } = docStore();
    try {
      const bytes = new TextEncoder().encode(await exportJsonText(doc, weightsToken(), host.engine, canonicalText));
      const r = await host.files.exportBinary(bytes, `${fileStem(doc.name)}.json`, [{ name: 'CNN Studio model (JSON)', extensions: ['json'] }]);
      if (r) toast(`Exported ${baseName(r.path)}`);
    } catch (e) {
      showMessage('error', 'Export failed', describeError(e));
    }
  },

  /** ONNX (opset and weights from the engine host), saved where the user chooses. */
  async exportOnnx() {
    const { doc } = docStore();
    try {
      const bytes = await host.engine.exportOnnx(doc, undefined, weightsToken());
      const r = await host.files.exportBinary(bytes, `${fileStem(doc.name)}.onnx`, [{ name: 'ONNX model', extensions: ['onnx'] }]);
      if (r) toast(`Exported ${baseName(r.path)}`);
    } catch (e) {
      showMessage('error', 'ONNX export failed', describeError(e));
    }
  },

  /** PyTorch: model.py (an nn.Module) and, when the engine gives them, the weights as torch.save bytes (.pt). */
  async exportPyTorch() {
    const { doc } = docStore();
    const stem = fileStem(doc.name);
    try {
      const out = await host.engine.exportPyTorch(doc, weightsToken());
      const r = await host.files.exportBinary(new TextEncoder().encode(out.code), `${stem}.py`, [{ name: 'Python', extensions: ['py'] }]);
      if (!r) return;
      if (out.weights) await host.files.exportBinary(out.weights, `${stem}.pt`, [{ name: 'PyTorch state dict', extensions: ['pt'] }]);
      toast(`Exported ${baseName(r.path)}${out.weights ? ' and its weights' : ''}`);
    } catch (e) {
      showMessage('error', 'PyTorch export failed', describeError(e));
    }
  },

  async loadPreset(name: string) {
    const info = PRESETS.find((p) => p.name === name);
    if (!info) {
      showMessage('error', 'Unknown preset', `There is no preset called “${name}”. Available: ${PRESETS.map((p) => p.name).join(', ')}.`);
      return;
    }
    if (!(await confirmDiscard(`Load ${info.title}`))) return;
    await showDocument(getPreset(name));
  },

  undo() {
    if (!docStore().undo()) toast('Nothing to undo');
  },
  redo() {
    if (!docStore().redo()) toast('Nothing to redo');
  },

  insert(key: string, at: XY, center = true) {
    const item = paletteItem(key);
    if (!item) return;
    const pos = center ? { x: at.x - LAYER_CARD.width / 2, y: at.y - LAYER_CARD.height / 2 } : at;
    let id = '';
    docStore().edit(`Add ${item.title}`, (doc) => {
      const r = addNode(doc, item.type, pos, item.params);
      id = r.id;
      return r.doc;
    });
    ui().select([id]);
    return id;
  },

  deleteSelection() {
    const { selectedNodes, selectedEdges } = ui();
    if (!selectedNodes.size && !selectedEdges.size) return;
    const n = selectedNodes.size + selectedEdges.size;
    docStore().edit(`Delete ${n} item${n === 1 ? '' : 's'}`, (doc) => removeElements(doc, selectedNodes, selectedEdges));
    ui().select([]);
  },

  copy() {
    const ids = ui().selectedNodes;
    if (!ids.size) return;
    ui().set({ clipboard: copyFragment(docStore().doc, ids) });
  },

  cut() {
    commands.copy();
    commands.deleteSelection();
  },

  paste(offset: XY = { x: 40, y: 40 }) {
    const clip = ui().clipboard;
    if (!clip || !clip.nodes.length) return;
    let ids: string[] = [];
    docStore().edit('Paste', (doc) => {
      const r = pasteFragment(doc, clip, offset);
      ids = r.ids;
      return r.doc;
    });
    // Pasting again offsets further.
    ui().set({ clipboard: { ...clip, nodes: clip.nodes.map((n) => ({ ...n, position: { x: (n.position?.x ?? 0) + offset.x, y: (n.position?.y ?? 0) + offset.y } })) } });
    ui().select(ids);
  },

  duplicate() {
    const ids = ui().selectedNodes;
    if (!ids.size) return;
    let out: string[] = [];
    docStore().edit('Duplicate', (doc) => {
      const r = pasteFragment(doc, copyFragment(doc, ids), { x: 40, y: 40 });
      out = r.ids;
      return r.doc;
    });
    ui().select(out);
  },

  selectAll() {
    const { doc } = docStore();
    ui().select(
      doc.nodes.map((n) => n.id),
      doc.edges.map((e) => e.id),
    );
  },

  fitView() {
    void flowApi()?.fitView({ padding: 0.1, duration: 0 });
  },

  zoom(direction: 'in' | 'out' | 'reset') {
    const f = flowApi();
    if (!f) return;
    if (direction === 'in') f.zoomIn({ duration: 120 });
    else if (direction === 'out') f.zoomOut({ duration: 120 });
    else f.zoomTo(1, { duration: 120 });
  },

  toggleMinimap() {
    ui().set({ minimap: !ui().minimap });
  },

  setTheme(theme: ThemeChoice) {
    localStorage.setItem('cnn-studio.theme', theme);
    ui().set({ theme });
  },

  cycleTheme() {
    const order: ThemeChoice[] = ['system', 'light', 'dark'];
    commands.setTheme(order[(order.indexOf(ui().theme) + 1) % order.length]);
  },

  /** elkjs layered layout of the whole model; one undo step. */
  async autoLayout(direction: LayoutDirection = ui().direction) {
    const { doc } = docStore();
    if (!doc.nodes.length) return;
    const open = ui().openModules;
    const positions = await layoutDocument(doc, direction, (id) => sizeOf(id, open, direction));
    ui().set({ direction });
    docStore().edit('Auto layout', (d) => setPositions(d, positions));
    fitSoon();
  },

  /** Open (or close) every Inception and Residual unit on the canvas, then lay the model out again. */
  async setAllModulesOpen(open: boolean) {
    const { doc } = docStore();
    const analysis = currentAnalysis();
    const ids = open ? doc.nodes.filter((n) => isComposite(n.type) && primitivesOf(analysis, n.id).length > 0).map((n) => n.id) : [];
    ui().setOpenModules(ids);
    await commands.autoLayout();
  },

  applyFix(d: Diagnostic) {
    if (!d.fix) return;
    const fix = d.fix;
    let result: ReturnType<typeof applyQuickFix> | undefined;
    docStore().edit(fix.label, (doc) => {
      result = applyQuickFix(doc, currentAnalysis(), fix);
      return result.ok ? result.doc : doc;
    });
    if (result && !result.ok) showMessage('error', 'The fix cannot be applied', result.reason);
    else if (result?.ok) ui().select(result.nodeId ? [result.nodeId] : []);
  },

  /** Select a node and centre the view on it. */
  focusNode(id: string) {
    ui().select([id]);
    const f = flowApi();
    const n = f?.getNode(id);
    if (!f || !n) return;
    const w = n.measured?.width ?? LAYER_CARD.width;
    const h = n.measured?.height ?? LAYER_CARD.height;
    f.setCenter(n.position.x + w / 2, n.position.y + h / 2, { zoom: Math.max(f.getZoom(), 0.9), duration: 0 });
  },

  /** Open or close one module on the canvas; an opened module is brought into view whole. */
  async toggleModule(id: string) {
    const opening = !ui().openModules.has(id);
    ui().toggleModule(id);
    if (!opening) return;
    // The opened box is much bigger than the card: when it would cover other cards, lay the model out again.
    const open = ui().openModules;
    const direction = ui().direction;
    const boxes = new Map<string, Box>();
    for (const n of docStore().doc.nodes) if (n.position) boxes.set(n.id, { ...n.position, ...sizeOf(n.id, open, direction) });
    if (overlapsOf(id, boxes).length) await commands.autoLayout();
    requestAnimationFrame(() =>
      requestAnimationFrame(() => void flowApi()?.fitView({ nodes: [{ id }], padding: 0.12, duration: 0, maxZoom: 1 })),
    );
  },

  /** Browser mode's startup offer (ui.recoveryOffer): open the snapshot as unsaved work. */
  async restoreOffered() {
    const rec = ui().recoveryOffer;
    if (!rec) return;
    const result = parseDocument(rec.text);
    if (!result.ok) {
      ui().set({ recoveryOffer: undefined });
      showMessage('error', 'Could not restore', `${result.error.message}\n\nThe current model is unchanged.`);
      return;
    }
    if (!(await confirmDiscard('Restore the recovered model'))) return;
    ui().set({ recoveryOffer: undefined });
    await showDocument(result.document, { dirty: true });
    toast('Restored your unsaved work');
  },

  /** Decline the offer: the snapshot is removed. */
  async discardOffered() {
    ui().set({ recoveryOffer: undefined });
    await host.files.clearRecovery().catch(() => {});
  },

  async restoreRecovery() {
    const rec = await host.files.readRecovery();
    if (!rec) {
      showMessage('info', 'Nothing to restore', 'There is no unsaved work from an earlier session.');
      return;
    }
    const result = parseDocument(rec.text);
    if (!result.ok) {
      showMessage('error', 'Could not restore', result.error.message);
      return;
    }
    if (!(await confirmDiscard('Restore the recovered model'))) return;
    await showDocument(result.document, { dirty: true });
  },
};

async function saveTo(path: string | undefined): Promise<boolean> {
  const { doc } = docStore();
  try {
    const r = await host.files.save(canonicalText(doc), path, `${fileStem(doc.name)}.cnn.json`, weightsToken());
    if (!r) return false;
    // The store may have changed while the dialog was open: only mark what was written as saved.
    if (docStore().doc === doc) docStore().markSaved(r.path);
    else useDocumentStore.setState({ savedDoc: doc, path: r.path });
    void host.files.clearRecovery().catch(() => {});
    if (r.warning) showMessage('info', 'Saved without the weights file', r.warning);
    else toast(`Saved ${baseName(r.path)}`);
    return true;
  } catch (e) {
    showMessage('error', 'Could not save', describeError(e));
    return false;
  }
}

/** The document as saved: keys in the schema's order, so saving what was opened writes the same bytes. */
export function canonicalText(doc: ModelDocument): string {
  const text = serializeDocument(doc);
  const canon = parseDocument(text);
  return canon.ok ? serializeDocument(canon.document) : text;
}

export function describeError(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function fileStem(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

/** The desktop menu (and a second launch with a file) drive the editor through these. */
export function runAppCommand(cmd: AppCommand): void {
  switch (cmd.type) {
    case 'new':
      void commands.newDocument();
      break;
    case 'open':
    case 'open-recent':
      void commands.open(cmd.path);
      break;
    case 'save':
      void commands.save();
      break;
    case 'save-as':
      void commands.saveAs();
      break;
    case 'export':
      if (cmd.format === 'json') void commands.exportJson();
      else if (cmd.format === 'onnx') void commands.exportOnnx();
      else void commands.exportPyTorch();
      break;
    // Undo, Redo and Select All come from the desktop menu's accelerators too: in a text field they
    // belong to the field (its own text undo), elsewhere to the document and the canvas.
    case 'undo':
      if (!applyInTextField('undo')) commands.undo();
      break;
    case 'redo':
      if (!applyInTextField('redo')) commands.redo();
      break;
    case 'cut':
      commands.cut();
      break;
    case 'copy':
      commands.copy();
      break;
    case 'paste':
      commands.paste();
      break;
    case 'delete':
      commands.deleteSelection();
      break;
    case 'select-all':
      if (!applyInTextField('selectAll')) commands.selectAll();
      break;
    case 'fit-view':
      commands.fitView();
      break;
    case 'zoom':
      commands.zoom(cmd.direction);
      break;
    case 'toggle-minimap':
      commands.toggleMinimap();
      break;
    case 'theme':
      commands.setTheme(cmd.theme);
      break;
    case 'preset':
      void commands.loadPreset(cmd.name);
      break;
    case 'validate':
      ui().set({ rightTab: 'problems' });
      break;
    case 'restore-recovery':
      void commands.restoreRecovery();
      break;
    case 'about':
      showMessage('info', 'CNN Studio', 'Design convolutional networks visually: shapes, costs and errors as you edit.');
      break;
    case 'run':
      runLiveNow();
      break;
    case 'import-onnx':
      void commands.importOnnx();
      break;
  }
}
