/**
 * The model document — the single source of truth of the editor — with undo/redo of every edit,
 * the dirty flag and the file path. Selection and viewport live in the UI store, not here.
 */
import { create } from 'zustand';
import type { ModelDocument } from '../engine';
import type { SidecarState } from '../../../engine/src/core/api';
import { emptyDocument } from '../model/edits';
import { analysisOf } from './analysis';
import { withoutStaleWeights } from '../../../engine/src/core/weights/stale';

const HISTORY_LIMIT = 300;

interface HistoryEntry {
  doc: ModelDocument;
  label: string;
}

export interface EditOptions {
  /** Consecutive edits with the same key merge into one undo step (typing in one field). */
  coalesce?: string;
}

export interface DocumentState {
  doc: ModelDocument;
  /** The document as last saved or loaded: dirty means doc differs from it. */
  savedDoc: ModelDocument;
  path?: string;
  /**
   * The document's weights sidecar as the host holds it (a token), or why it could not be read —
   * set when the document is loaded (Open, Import), kept across edits and saves.
   */
  weights?: SidecarState;
  /** Changes whenever another document is loaded (New, Open, preset). */
  docId: number;
  past: HistoryEntry[];
  future: HistoryEntry[];
  lastCoalesce?: string;
  /** Apply an edit: `f` returns the new document (the same object for "nothing changed"). */
  edit(label: string, f: (doc: ModelDocument) => ModelDocument, options?: EditOptions): boolean;
  undo(): boolean;
  redo(): boolean;
  /** Replace the document (New/Open/preset): history cleared. */
  load(doc: ModelDocument, options?: { path?: string; dirty?: boolean; weights?: SidecarState }): void;
  markSaved(path: string | undefined): void;
  /** Replace the weights handle only (a training run's new sidecar; its undo puts the old one back). */
  setWeights(weights: SidecarState | undefined): void;
  /** Ends coalescing (a field lost focus). */
  breakCoalescing(): void;
  /**
   * A check every edit passes first (training asks before the network it trains changes): false
   * drops the edit — the guard may apply it itself later, once the user has chosen.
   */
  setEditGuard(guard: ((prev: ModelDocument, next: ModelDocument, label: string) => boolean) | undefined): void;
}

export const useDocumentStore = create<DocumentState>()((set, get) => {
  const initial = emptyDocument();
  let guard: ((prev: ModelDocument, next: ModelDocument, label: string) => boolean) | undefined;
  return {
    doc: initial,
    savedDoc: initial,
    path: undefined,
    docId: 1,
    past: [],
    future: [],
    lastCoalesce: undefined,
    edit(label, f, options) {
      const { doc, past, lastCoalesce } = get();
      const edited = f(doc);
      if (edited === doc) return false;
      // Weights an edit made unfit (fewer filters, a changed input) go: those nodes start again from
      // seeded weights rather than failing every run. Undo brings them back.
      const next = withoutStaleWeights(edited, analysisOf(edited));
      if (guard && !guard(doc, next, label)) return false;
      const merge = options?.coalesce !== undefined && options.coalesce === lastCoalesce && past.length > 0;
      const newPast = merge ? past : [...past, { doc, label }].slice(-HISTORY_LIMIT);
      set({ doc: next, past: newPast, future: [], lastCoalesce: options?.coalesce });
      return true;
    },
    undo() {
      const { doc, past, future } = get();
      const prev = past[past.length - 1];
      if (!prev) return false;
      set({ doc: prev.doc, past: past.slice(0, -1), future: [{ doc, label: prev.label }, ...future], lastCoalesce: undefined });
      return true;
    },
    redo() {
      const { doc, past, future } = get();
      const next = future[0];
      if (!next) return false;
      set({ doc: next.doc, past: [...past, { doc, label: next.label }], future: future.slice(1), lastCoalesce: undefined });
      return true;
    },
    load(doc, options) {
      set({
        doc,
        savedDoc: options?.dirty ? emptyDocument('') : doc,
        path: options?.path,
        weights: options?.weights,
        docId: get().docId + 1,
        past: [],
        future: [],
        lastCoalesce: undefined,
      });
    },
    markSaved(path) {
      set({ savedDoc: get().doc, path });
    },
    setWeights(weights) {
      set({ weights });
    },
    breakCoalescing() {
      set({ lastCoalesce: undefined });
    },
    setEditGuard(g) {
      guard = g;
    },
  };
});

export const selectDirty = (s: DocumentState) => s.doc !== s.savedDoc;

/** The analysis of the current document (memoised). */
export function useAnalysis() {
  return analysisOf(useDocumentStore((s) => s.doc));
}

export function currentAnalysis() {
  return analysisOf(useDocumentStore.getState().doc);
}
