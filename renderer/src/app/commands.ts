/**
 * Every editor command in one place: toolbar, keyboard, the desktop menu (AppCommand) and the
 * Problems panel call these.
 */
import type { AppCommand, Diagnostic, ModelDocument } from '../engine';
import type { SidecarState } from '../../../engine/src/core/api';
import { getPreset, ops, parseDocument, PRESETS, serializeDocument } from '../engine';
import { host } from './host';
import { useDocumentStore, currentAnalysis, selectDirty } from '../store/document-store';
import { askConfirm, showMessage, useUiStore, type LayoutDirection, type ThemeChoice, type Toast } from '../store/ui-store';
import { addNode, connect, copyFragment, emptyDocument, hasLayout, pasteFragment, removeElements, setPositions, type XY } from '../model/edits';
import { nodeName } from '../model/node-name';
import { afterPosition, placeFree } from './placing';
import { currentViewLayout } from '../canvas/view-layout';
import { applyQuickFix } from '../model/quick-fix';
import { paletteItem } from '../model/palette';
import { layoutDocument } from '../layout/elk-layout';
import { LAYER_CARD, layerCardSize } from '../layout/sizes';
import { flowApi } from '../canvas/flow-api';
import { fitModel } from '../canvas/fit';
import { openConnectDialog } from './connect-command';
import { isComposite, primitivesOf } from '../canvas/flow-model';
import { runLiveNow } from '../live/live-store';
import { applyInTextField } from './text-field';
import { exportJsonText } from './export-json';
import { importOnnxFile, type ImportedDocument } from './import-onnx';
import { t } from '../i18n';
import { modelErrorText } from '../i18n/error-text';

const ONNX_FILTERS = [{ name: 'ONNX model', extensions: ['onnx'] }];

const docStore = () => useDocumentStore.getState();
const ui = () => useUiStore.getState();

/** Shown briefly at the bottom of the window; `action` adds a button (Undo), `ms` keeps it longer. */
export function toast(text: string, options: Pick<Toast, 'action' | 'ms'> = {}): void {
  ui().set({ toast: { text, at: Date.now(), ...options } });
}

async function confirmDiscard(action: string): Promise<boolean> {
  if (!selectDirty(docStore())) return true;
  return askConfirm(t('dialogs.unsavedTitle'), t('dialogs.unsavedText', { name: docStore().doc.name, action }), t('dialogs.discardAnd', { action: action.toLowerCase() }));
}

/**
 * Size of a node's closed card (measured when shown, estimated otherwise). The document is laid out
 * with every module closed; opened modules make room on screen only (canvas/view-layout.ts).
 */
function sizeOf(id: string): { width: number; height: number } {
  const node = docStore().doc.nodes.find((n) => n.id === id);
  const estimate = estimatedCard();
  const m = flowApi()?.getNode(id)?.measured;
  // A measured card may not show its thumbnail yet (no run so far): keep the room it will need.
  if (m?.width && m.height && !(node && isComposite(node.type) && ui().openModules.has(id))) return { width: m.width, height: Math.max(m.height, estimate.height) };
  return estimate;
}

/**
 * Fit the view once the canvas has the new nodes. Long chains are wrapped into lines by the layout,
 * so most models fit whole; one too big to read whole is shown from its start at a readable zoom
 * (canvas/fit.ts), which also keeps the number of cards drawn (and re-drawn on every edit) small.
 */
function fitSoon(): void {
  requestAnimationFrame(() => requestAnimationFrame(fitModel));
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
    if (!(await confirmDiscard(t('dialogs.actions.newModel')))) return;
    await showDocument(emptyDocument());
  },

  async open(path?: string) {
    if (!(await confirmDiscard(t('dialogs.actions.openModel')))) return;
    let file: { path: string; text: string; weights?: SidecarState } | null;
    try {
      file = await host.files.open(path);
    } catch (e) {
      showMessage('error', t('messages.openFailed'), describeError(e));
      return;
    }
    if (!file) return;
    const result = parseDocument(file.text);
    if (!result.ok) {
      releaseWeights(file.weights);
      showMessage('error', t('messages.openNamedFailed', { name: baseName(file.path) }), `${modelErrorText(result.error)}\n\n${t('messages.unchanged')}`);
      return;
    }
    await showDocument(result.document, { path: file.path, ...(file.weights ? { weights: file.weights } : {}) });
    if (file.weights?.state === 'missing') {
      ui().set({ rightTab: 'problems' });
      toast(t('messages.openedWithoutWeights', { name: baseName(file.path) }));
    }
  },

  /**
   * File ▸ Import ONNX: the user picks an .onnx file, the engine host turns it into a document
   * (weights travel with it; a file that leaves its image size open asks for one), and it opens laid
   * out and unsaved. Any failure or a cancel leaves the current model as it was (failures say why).
   */
  async importOnnx() {
    if (!(await confirmDiscard(t('dialogs.actions.importOnnx')))) return;
    const openBinary = host.files.openBinary?.bind(host.files);
    if (!openBinary) {
      showMessage('error', t('messages.importUnavailable'), t('messages.importUnavailableText'));
      return;
    }
    let file: { path: string; bytes: Uint8Array } | null;
    try {
      file = await openBinary(ONNX_FILTERS);
    } catch (e) {
      showMessage('error', t('messages.openFailed'), `${describeError(e)}\n\n${t('messages.unchanged')}`);
      return;
    }
    if (!file) return;
    const name = baseName(file.path);
    let imported: ImportedDocument | null;
    try {
      imported = await importOnnxFile(host.engine, file.bytes, name);
    } catch (e) {
      showMessage('error', t('messages.importFailed', { name }), `${describeError(e)}\n\n${t('messages.unchanged')}`);
      return;
    }
    if (!imported) return;
    const { document: doc, weights } = imported;
    await showDocument(doc, { dirty: true, layout: true, ...(weights ? { weights } : {}) });
    toast(t('messages.imported', { name, n: doc.nodes.length }) + (weights ? t('messages.importedWeights', { file: weights.file }) : ''));
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
      // Save and Export JSON both write JSON: say what this one was, and where it went.
      const weights = weightsToken() !== undefined || doc.nodes.some((n) => n.weights) ? t('messages.weightsInside') : '';
      if (r?.downloaded) toast(t('messages.exportedJsonDownloaded', { file: baseName(r.path), weights }), { ms: 8000 });
      else if (r) toast(t('messages.exportedJson', { file: baseName(r.path), weights }), { ms: 6000 });
    } catch (e) {
      showMessage('error', t('messages.exportFailed'), describeError(e));
    }
  },

  /** ONNX (opset and weights from the engine host), saved where the user chooses. */
  async exportOnnx() {
    const { doc } = docStore();
    try {
      const bytes = await host.engine.exportOnnx(doc, undefined, weightsToken());
      const r = await host.files.exportBinary(bytes, `${fileStem(doc.name)}.onnx`, [{ name: 'ONNX model', extensions: ['onnx'] }]);
      if (r) toast(t('messages.exported', { file: baseName(r.path) }));
    } catch (e) {
      showMessage('error', t('messages.onnxExportFailed'), describeError(e));
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
      toast(t(out.weights ? 'messages.exportedWithWeights' : 'messages.exported', { file: baseName(r.path) }));
    } catch (e) {
      showMessage('error', t('messages.pytorchExportFailed'), describeError(e));
    }
  },

  async loadPreset(name: string) {
    const info = PRESETS.find((p) => p.name === name);
    if (!info) {
      showMessage('error', t('messages.unknownPreset'), t('messages.unknownPresetText', { name, list: PRESETS.map((p) => p.name).join(', ') }));
      return;
    }
    if (!(await confirmDiscard(t('dialogs.actions.loadPreset', { title: info.title })))) return;
    await showDocument(getPreset(name));
  },

  undo() {
    if (!docStore().undo()) toast(t('messages.nothingToUndo'));
  },
  redo() {
    if (!docStore().redo()) toast(t('messages.nothingToRedo'));
  },

  /**
   * Add a palette item where the user aimed (`at`, a point on screen in flow coordinates: a drop, a
   * double-click) — moved to the nearest free space if a card is there.
   */
  insert(key: string, at: XY, center = true) {
    const item = paletteItem(key);
    if (!item) return;
    const size = estimatedCard();
    const aim = currentViewLayout().toDoc(undefined, center ? { x: at.x - size.width / 2, y: at.y - size.height / 2 } : at);
    let id = '';
    docStore().edit(`Add ${item.title}`, (doc) => {
      const r = addNode(doc, item.type, aim, item.params);
      id = r.id;
      return placeFree(r.doc, [id], size);
    });
    ui().select([id]);
    return id;
  },

  /**
   * Enter on a palette item: with one node selected, the new layer is appended after it, connected
   * (in free space one layer further along); otherwise it goes to free space in the middle of the view.
   */
  insertFromPalette(key: string, viewCentre: XY | undefined) {
    const item = paletteItem(key);
    if (!item) return;
    const { doc } = docStore();
    const [selected] = ui().selectedNodes;
    const after = ui().selectedNodes.size === 1 ? doc.nodes.find((n) => n.id === selected) : undefined;
    const takesInput = (ops.get(item.type)?.arity.max ?? 1) > 0;
    if (!after?.position || !takesInput) {
      if (viewCentre) commands.insert(key, viewCentre);
      return;
    }
    const size = estimatedCard();
    let id = '';
    docStore().edit(`Add ${item.title} after ${nodeName(doc, after.id)}`, (d) => {
      const added = addNode(d, item.type, afterPosition(after.position!, size, ui().direction), item.params);
      id = added.id;
      const linked = connect(added.doc, after.id, id);
      return placeFree(linked.ok ? linked.doc : added.doc, [id], size);
    });
    ui().select([id]);
    return id;
  },

  /**
   * Connect source's output to target's input `port` (a drag between handles). A single-input node
   * keeps one input: when the new edge takes the place of another, the notice says which, and what
   * now leads nowhere, with Undo on it. Refused edges (a loop) say why.
   */
  connectNodes(source: string, target: string, port = 0): boolean {
    const before = docStore().doc;
    let result: ReturnType<typeof connect> | undefined;
    const done = docStore().edit('Connect', (d) => {
      result = connect(d, source, target, port);
      return result.ok ? result.doc : d;
    });
    if (!result) return false;
    if (!result.ok) {
      toast(result.reason);
      return false;
    }
    if (!done || !result.replaced.length) return done;
    const old = result.replaced.map((e) => nodeName(before, e.source));
    const after = docStore().doc;
    const orphans = result.replaced.map((e) => e.source).filter((id) => !after.edges.some((e) => e.source === id));
    const orphanNote = orphans.length ? t('messages.orphaned', { count: orphans.length, names: orphans.map((id) => nodeName(after, id)).join(', ') }) : '';
    // Undo from the notice takes back this edge only: after other edits it says so instead.
    const undoThis = () => (docStore().doc === after ? commands.undo() : toast(t('messages.laterEdits')));
    toast(t('messages.replaced', { target: nodeName(after, target), source: nodeName(after, source), old: old.join(', ') }) + orphanNote, { action: { label: t('common.undo'), run: undoThis } });
    return true;
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
    let pasted: ModelDocument | undefined;
    docStore().edit('Paste', (doc) => {
      const r = pasteFragment(doc, clip, offset);
      ids = r.ids;
      // Next to the copied nodes, in free space: never on top of them or of other cards.
      pasted = placeFree(r.doc, ids, estimatedCard());
      return pasted;
    });
    // Pasting again goes next to this copy.
    const at = new Map(pasted?.nodes.map((n) => [n.id, n.position]) ?? []);
    ui().set({ clipboard: { ...clip, nodes: clip.nodes.map((n, i) => ({ ...n, position: at.get(ids[i]) ?? n.position })) } });
    ui().select(ids);
  },

  duplicate() {
    const ids = ui().selectedNodes;
    if (!ids.size) return;
    let out: string[] = [];
    docStore().edit('Duplicate', (doc) => {
      const r = pasteFragment(doc, copyFragment(doc, ids), { x: 40, y: 40 });
      out = r.ids;
      return placeFree(r.doc, out, estimatedCard());
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
    fitModel();
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
    const positions = await layoutDocument(doc, direction, sizeOf);
    ui().set({ direction });
    docStore().edit('Auto layout', (d) => setPositions(d, positions));
    fitSoon();
  },

  /**
   * Open (or close) every Inception and Residual unit on the canvas. Looking inside is not an edit:
   * the document, its undo history and its saved state stay as they are; the cards around an opened
   * module make room on screen only.
   */
  setAllModulesOpen(open: boolean) {
    const { doc } = docStore();
    const analysis = currentAnalysis();
    const ids = open ? doc.nodes.filter((n) => isComposite(n.type) && primitivesOf(analysis, n.id).length > 0).map((n) => n.id) : [];
    ui().setOpenModules(ids);
    fitSoon();
  },

  applyFix(d: Diagnostic) {
    if (!d.fix) return;
    const fix = d.fix;
    let result: ReturnType<typeof applyQuickFix> | undefined;
    docStore().edit(fix.label, (doc) => {
      result = applyQuickFix(doc, currentAnalysis(), fix);
      if (!result.ok) return doc;
      // A node the fix adds goes to free space beside the edge it was put on, not over its neighbours.
      return result.nodeId ? placeFree(result.doc, [result.nodeId], estimatedCard()) : result.doc;
    });
    if (result && !result.ok) showMessage('error', t('messages.fixFailed'), result.reason);
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

  /**
   * Open or close one module on the canvas; an opened module is brought into view whole. Viewing,
   * not editing: no undo step, the document stays saved, and the cards it would cover make room on
   * screen only (canvas/view-layout.ts), so undo and redo never leave it over its neighbours.
   */
  toggleModule(id: string) {
    const opening = !ui().openModules.has(id);
    ui().toggleModule(id);
    if (!opening) return;
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
      showMessage('error', t('messages.restoreFailed'), `${modelErrorText(result.error)}\n\n${t('messages.unchanged')}`);
      return;
    }
    if (!(await confirmDiscard(t('dialogs.actions.restore')))) return;
    ui().set({ recoveryOffer: undefined });
    await showDocument(result.document, { dirty: true });
    toast(t('messages.restored'));
  },

  /** Decline the offer: the snapshot is removed. */
  async discardOffered() {
    ui().set({ recoveryOffer: undefined });
    await host.files.clearRecovery().catch(() => {});
  },

  async restoreRecovery() {
    const rec = await host.files.readRecovery();
    if (!rec) {
      showMessage('info', t('messages.nothingToRestore'), t('messages.nothingToRestoreText'));
      return;
    }
    const result = parseDocument(rec.text);
    if (!result.ok) {
      showMessage('error', t('messages.restoreFailed'), modelErrorText(result.error));
      return;
    }
    if (!(await confirmDiscard(t('dialogs.actions.restore')))) return;
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
    if (r.warning) showMessage('info', t('messages.savedWithoutWeights'), r.warning);
    else if (r.downloaded) toast(t('messages.savedDownloaded', { file: baseName(r.path) }), { ms: 8000 });
    else toast(t('messages.saved', { file: baseName(r.path) }));
    return true;
  } catch (e) {
    showMessage('error', t('messages.saveFailed'), describeError(e));
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
    case 'connect':
      openConnectDialog();
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
      showMessage('info', 'CNN Studio', t('messages.about'));
      break;
    case 'run':
      runLiveNow();
      break;
    case 'import-onnx':
      void commands.importOnnx();
      break;
  }
}
