/** Keyboard access to the main commands. Text fields keep their own keys (typing, native text undo). */
import { commands } from './commands';
import { useUiStore } from '../store/ui-store';
import { runLiveNow } from '../live/live-store';
import { openConnectDialog } from './connect-command';

function editable(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

export function handleKey(e: KeyboardEvent): void {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  const inField = editable(e.target);
  const run = (f: () => unknown) => {
    e.preventDefault();
    void f();
  };
  if (useUiStore.getState().confirm || useUiStore.getState().message) return;
  if (mod && key === 's') return run(() => (e.shiftKey ? commands.saveAs() : commands.save()));
  if (mod && key === 'o') return run(() => commands.open());
  if (mod && key === 'n' && (e.altKey || e.shiftKey || !inField)) return run(() => commands.newDocument());
  if (mod && key === 'i') return run(() => useUiStore.getState().set({ summaryOpen: true }));
  if (mod && key === 'enter') return run(() => runLiveNow());
  if (inField) return;
  if (mod && key === 'z') return run(() => (e.shiftKey ? commands.redo() : commands.undo()));
  if (mod && key === 'y') return run(() => commands.redo());
  if (mod && key === 'c') return run(() => commands.copy());
  if (mod && key === 'x') return run(() => commands.cut());
  if (mod && key === 'v') return run(() => commands.paste());
  if (mod && key === 'd') return run(() => commands.duplicate());
  if (mod && key === 'a') return run(() => commands.selectAll());
  if (mod || e.altKey) return;
  if (key === 'delete' || key === 'backspace') return run(() => commands.deleteSelection());
  if (key === 'f') return run(() => commands.fitView());
  if (key === 'l') return run(() => commands.autoLayout());
  if (key === 'm') return run(() => commands.toggleMinimap());
  if (key === 'c') return run(() => openConnectDialog());
  if (key === '+' || key === '=') return run(() => commands.zoom('in'));
  if (key === '-') return run(() => commands.zoom('out'));
  if (key === '/') return run(() => (document.querySelector('[data-testid="palette-search"]') as HTMLInputElement | null)?.focus());
  if (key === 'escape') return run(() => useUiStore.getState().select([]));
}
