/** Editor state that is not part of the document: selection, opened modules, theme, panels, dialogs. */
import { create } from 'zustand';
import type { Fragment } from '../model/edits';
import type { InputShape } from '../engine';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type LayoutDirection = 'LR' | 'TB';

export interface Message {
  kind: 'error' | 'info';
  title: string;
  text: string;
}

export interface Toast {
  text: string;
  at: number;
  /** A button on the notice: what was just done can be taken back from there. */
  action?: { label: string; run(): void };
  /** How long it stays (ms); a notice with an action stays longer. */
  ms?: number;
}

export interface ConfirmRequest {
  title: string;
  text: string;
  confirmLabel: string;
  /** A third choice between Cancel and the confirmation (resolves 'alt'). */
  altLabel?: string;
  resolve(ok: boolean | 'alt'): void;
}

/** File ▸ Import ONNX of a file that leaves its image size open: the size to import it at. */
export interface InputShapeRequest {
  /** Tells one ask from the next (the form starts afresh). */
  id: number;
  /** The file's name ("resnet18.onnx"). */
  file: string;
  /** The engine's words: which input, and what the file fixes. */
  detail: string;
  /** What the fields start with. */
  initial: InputShape;
  /** The shape entered, or null when cancelled. */
  resolve(shape: InputShape | null): void;
}

export interface UiState {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** Composite nodes shown opened on the canvas. */
  openModules: ReadonlySet<string>;
  direction: LayoutDirection;
  theme: ThemeChoice;
  minimap: boolean;
  rightTab: string;
  summaryOpen: boolean;
  clipboard?: Fragment;
  /** Height a node card's thumbnail slot adds when shown (NodeSlots.thumbnailHeight); layouts reserve it. */
  cardExtraHeight: number;
  /** Browser mode: unsaved work from an earlier visit, offered at startup. */
  recoveryOffer?: { text: string; savedAt: number };
  message?: Message;
  /** A short notice at the bottom of the window, with an action when there is one (Undo). */
  toast?: Toast;
  confirm?: ConfirmRequest;
  inputShapeRequest?: InputShapeRequest;
  /** Double-click insert: where (screen and flow coordinates). */
  quickInsert?: { screen: { x: number; y: number }; flow: { x: number; y: number } };
  /** The side panels: widths in px (the user drags them) and whether each is hidden. */
  panels: PanelLayout;
  /** The welcome over an empty canvas was closed for this document (its docId). */
  welcomeClosedFor?: number;
  /** The Explain tab's lecture example shown when no node is selected. */
  explainExample: LectureExample;
  /** "Connect selected to…": the dialog is open for this source node. */
  connectFrom?: string;
  select(nodes: Iterable<string>, edges?: Iterable<string>): void;
  toggleModule(id: string, open?: boolean): void;
  setOpenModules(ids: Iterable<string>): void;
  set(patch: Partial<Omit<UiState, 'select' | 'toggleModule' | 'set' | 'setOpenModules'>>): void;
}

export type LectureExample = 'convolution' | 'pooling' | 'separable';

export interface PanelLayout {
  paletteWidth: number;
  rightWidth: number;
  paletteHidden: boolean;
  rightHidden: boolean;
}

const PANELS_KEY = 'cnn-studio.panels';

/** The panels as the user left them, else sized to the window (a narrow window leaves the canvas more room). */
function initialPanels(): PanelLayout {
  const narrow = (globalThis.innerWidth ?? 1440) < 1280;
  const fallback: PanelLayout = { paletteWidth: narrow ? 168 : 200, rightWidth: narrow ? 320 : 360, paletteHidden: false, rightHidden: false };
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(PANELS_KEY) ?? 'null') as Partial<PanelLayout> | null;
    return saved ? { ...fallback, ...saved } : fallback;
  } catch {
    return fallback;
  }
}

/** Change the panels (and remember them for the next launch). */
export function setPanels(patch: Partial<PanelLayout>): void {
  const panels = { ...useUiStore.getState().panels, ...patch };
  useUiStore.getState().set({ panels });
  try {
    globalThis.localStorage?.setItem(PANELS_KEY, JSON.stringify(panels));
  } catch {
    /* storage full or blocked: the layout lasts this session */
  }
}

export const useUiStore = create<UiState>()((set, get) => ({
  selectedNodes: new Set(),
  selectedEdges: new Set(),
  openModules: new Set(),
  direction: 'LR',
  theme: (globalThis.localStorage?.getItem('cnn-studio.theme') as ThemeChoice | null) ?? 'system',
  minimap: true,
  rightTab: 'inspector',
  summaryOpen: false,
  cardExtraHeight: 0,
  panels: initialPanels(),
  explainExample: 'convolution',
  select(nodes, edges = []) {
    set({ selectedNodes: new Set(nodes), selectedEdges: new Set(edges) });
  },
  toggleModule(id, open) {
    const next = new Set(get().openModules);
    const want = open ?? !next.has(id);
    if (want) next.add(id);
    else next.delete(id);
    set({ openModules: next });
  },
  setOpenModules(ids) {
    set({ openModules: new Set(ids) });
  },
  set(patch) {
    // Asking for a tab of the hidden right panel shows the panel.
    if (patch.rightTab !== undefined && get().panels.rightHidden) set({ panels: { ...get().panels, rightHidden: false } });
    set(patch);
  },
}));

/** Ask the user; resolves true when they confirm. */
export function askConfirm(title: string, text: string, confirmLabel: string): Promise<boolean> {
  return askChoice(title, text, confirmLabel).then((choice) => choice === 'ok');
}

/** Ask the user to choose: the confirmation ('ok'), a second way ('alt'), or Cancel. */
export function askChoice(title: string, text: string, confirmLabel: string, altLabel?: string): Promise<'ok' | 'alt' | 'cancel'> {
  return new Promise((resolve) => {
    useUiStore.getState().set({
      confirm: {
        title,
        text,
        confirmLabel,
        ...(altLabel ? { altLabel } : {}),
        resolve: (ok) => {
          useUiStore.getState().set({ confirm: undefined });
          resolve(ok === 'alt' ? 'alt' : ok ? 'ok' : 'cancel');
        },
      },
    });
  });
}

let inputShapeAsks = 0;

/** Ask for the C×H×W to import a file at; resolves null when the user cancels. */
export function askInputShape(file: string, detail: string, initial: InputShape): Promise<InputShape | null> {
  return new Promise((resolve) => {
    useUiStore.getState().set({
      inputShapeRequest: {
        id: ++inputShapeAsks,
        file,
        detail,
        initial,
        resolve: (shape) => {
          useUiStore.getState().set({ inputShapeRequest: undefined });
          resolve(shape);
        },
      },
    });
  });
}

export function showMessage(kind: Message['kind'], title: string, text: string): void {
  useUiStore.getState().set({ message: { kind, title, text } });
}
