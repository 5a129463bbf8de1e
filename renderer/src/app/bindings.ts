/** Wires the editor to its host: menu commands in, document state out, keyboard, close protection, recovery. */
import { useEffect } from 'react';
import { host } from './host';
import { runAppCommand } from './commands';
import { handleKey } from './keyboard';
import { useDocumentStore, selectDirty } from '../store/document-store';
import { serializeDocument } from '../engine';

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

  // Recovery snapshot of unsaved work, a little after the last edit.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsub = useDocumentStore.subscribe((s, prev) => {
      if (s.doc === prev.doc || !selectDirty(s)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void host.files.writeRecovery(serializeDocument(useDocumentStore.getState().doc)).catch(() => {}), 2000);
    });
    return () => {
      clearTimeout(timer);
      unsub();
    };
  }, []);
}
