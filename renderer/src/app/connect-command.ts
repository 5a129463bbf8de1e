/**
 * Connecting without a mouse: "Connect selected to…" lists the nodes that can take the selected
 * node's output (model/connect-targets.ts); choosing one makes the same edit as dragging an edge.
 */
import { nodeName } from '../model/node-name';
import { useDocumentStore } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { commands, toast } from './commands';
import { t } from '../i18n';

/** Open the dialog for the one selected node. */
export function openConnectDialog(): void {
  const sel = useUiStore.getState().selectedNodes;
  if (sel.size !== 1) {
    toast(t('connect.selectFirst'));
    return;
  }
  useUiStore.getState().set({ connectFrom: [...sel][0] });
}

/** Connect as the canvas does (one undoable edit; a replaced input is announced there); a plain success is announced here. */
export function connectFromDialog(source: string, target: string, port: number): boolean {
  const shown = useUiStore.getState().toast;
  const done = commands.connectNodes(source, target, port);
  if (done && useUiStore.getState().toast === shown) {
    const doc = useDocumentStore.getState().doc;
    toast(t('connect.connected', { source: nodeName(doc, source), target: nodeName(doc, target) }));
  }
  return done;
}
