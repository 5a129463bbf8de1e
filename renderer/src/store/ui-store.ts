/** Editor state that is not part of the document: selection, opened modules, theme, panels, dialogs. */
import { create } from 'zustand';
import type { Fragment } from '../model/edits';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type LayoutDirection = 'LR' | 'TB';

export interface Message {
  kind: 'error' | 'info';
  title: string;
  text: string;
}

export interface ConfirmRequest {
  title: string;
  text: string;
  confirmLabel: string;
  /** A third choice between Cancel and the confirmation (resolves 'alt'). */
  altLabel?: string;
  resolve(ok: boolean | 'alt'): void;
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
  /** A short notice at the bottom of the window. */
  toast?: { text: string; at: number };
  confirm?: ConfirmRequest;
  /** Double-click insert: where (screen and flow coordinates). */
  quickInsert?: { screen: { x: number; y: number }; flow: { x: number; y: number } };
  select(nodes: Iterable<string>, edges?: Iterable<string>): void;
  toggleModule(id: string, open?: boolean): void;
  setOpenModules(ids: Iterable<string>): void;
  set(patch: Partial<Omit<UiState, 'select' | 'toggleModule' | 'set' | 'setOpenModules'>>): void;
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

export function showMessage(kind: Message['kind'], title: string, text: string): void {
  useUiStore.getState().set({ message: { kind, title, text } });
}
