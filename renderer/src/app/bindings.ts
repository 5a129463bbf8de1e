/** Wires the editor to its host: menu commands in, document state out, keyboard, close protection, recovery. */
import { useEffect } from 'react';
import { host } from './host';
import { commands, runAppCommand, toast } from './commands';
import { isTextField } from './text-field';
import { useUiStore } from '../store/ui-store';
import { handleKey } from './keyboard';
import { useDocumentStore, selectDirty } from '../store/document-store';
import { serializeDocument } from '../engine';

/** A recovery snapshot the host could not write: say so (the host reports each failure once). */
function recoveryFailed(e: unknown): void {
  const err = e as { code?: string; message?: string } | undefined;
  if (err?.code === 'write-failed' && err.message) toast(err.message);
}

export function useHostBindings(): void {
  useEffect(() => host.shell.onCommand(runAppCommand), []);

  useEffect(() => {
    window.addEventListener('keydown', handleKey);
    return () => window.removeEventListener('keydown', handleKey);
  }, []);

  useEffect(() => {
    let last = '';
    const publish = () => {
      const s = useDocumentStore.getState();
      const state = { title: s.doc.name || 'untitled', dirty: selectDirty(s), ...(s.path ? { path: s.path } : {}) };
      const key = JSON.stringify(state);
      if (key === last) return;
      last = key;
      host.shell.setDocumentState(state);
    };
    publish();
    return useDocumentStore.subscribe(publish);
  }, []);

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (host.shell.platform === 'web' && selectDirty(useDocumentStore.getState())) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  // Recovery snapshot of unsaved work after edits. Serialising a document with large imported
  // weights is not free, so a burst of edits (typing in a field) is written once, 300 ms after the
  // last; both hosts debounce again (~1 s) before touching the disk. Leaving the page flushes.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      const s = useDocumentStore.getState();
      if (selectDirty(s)) void host.files.writeRecovery(serializeDocument(s.doc)).catch(recoveryFailed);
    };
    const unsubscribe = useDocumentStore.subscribe((s, prev) => {
      if (s.doc === prev.doc || !selectDirty(s)) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        const now = useDocumentStore.getState();
        if (selectDirty(now)) void host.files.writeRecovery(serializeDocument(now.doc)).catch(recoveryFailed);
      }, 300);
    });
    // beforeunload comes before the host's own pagehide flush, so the snapshot reaches it in time.
    window.addEventListener('beforeunload', flush);
    window.addEventListener('pagehide', flush);
    return () => {
      unsubscribe();
      window.removeEventListener('beforeunload', flush);
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, []);

  // Browser mode offers unsaved work from an earlier visit (the desktop shell asks in a native dialog).
  useEffect(() => {
    if (host.shell.platform !== 'web') return;
    let live = true;
    void host.files
      .readRecovery()
      .then((rec) => {
        if (live && rec) useUiStore.getState().set({ recoveryOffer: rec });
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);

  // The page's cut/copy/paste events (the desktop Edit menu's roles, the browser's own menu) act on
  // nodes when focus and the text selection are not in a text field.
  useEffect(() => {
    const onClipboard = (e: ClipboardEvent) => {
      const type = e.type as 'cut' | 'copy' | 'paste';
      if (!canvasOwnsClipboard(type, e)) return;
      if (type === 'paste') {
        if (e.clipboardData?.files.length) return; // an image for the Run panel
        if (!useUiStore.getState().clipboard?.nodes.length) return;
      } else if (!useUiStore.getState().selectedNodes.size) return;
      e.preventDefault();
      if (type === 'paste') commands.paste();
      else if (type === 'cut') commands.cut();
      else commands.copy();
    };
    const types = ['cut', 'copy', 'paste'] as const;
    for (const t of types) document.addEventListener(t, onClipboard);
    return () => {
      for (const t of types) document.removeEventListener(t, onClipboard);
    };
  }, []);
}

/** Focus is not in a text field, and (for cut/copy) no page text is selected that the user means to copy. */
function canvasOwnsClipboard(type: 'cut' | 'copy' | 'paste', e: Event): boolean {
  if (isTextField(document.activeElement) || isTextField(e.target instanceof Element ? e.target : null)) return false;
  const sel = document.getSelection();
  return type === 'paste' || !sel || sel.isCollapsed;
}
