import { useDocumentStore, selectDirty } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { PRESETS } from '../engine';
import { commands } from '../app/commands';

const mod = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+';

export function Toolbar() {
  const name = useDocumentStore((s) => s.doc.name);
  const path = useDocumentStore((s) => s.path);
  const dirty = useDocumentStore(selectDirty);
  const canUndo = useDocumentStore((s) => s.past.length > 0);
  const canRedo = useDocumentStore((s) => s.future.length > 0);
  const direction = useUiStore((s) => s.direction);
  const theme = useUiStore((s) => s.theme);
  const anyOpen = useUiStore((s) => s.openModules.size > 0);
  return (
    <header className="toolbar" data-testid="toolbar" role="toolbar" aria-label="Commands">
      <span className="brand">CNN Studio</span>
      <span className="doc-title" data-testid="doc-title" data-dirty={dirty ? 'true' : 'false'} title={path ?? 'Not saved yet'}>
        {dirty ? '● ' : ''}
        {name}
        {path ? <span className="muted"> — {path.split(/[\\/]/).pop()}</span> : null}
      </span>
      <span className="sep" />
      <button data-testid="cmd-new" onClick={() => commands.newDocument()} title={`New model (${mod}Alt+N)`}>
        New
      </button>
      <button data-testid="cmd-open" onClick={() => commands.open()} title={`Open… (${mod}O)`}>
        Open…
      </button>
      <button data-testid="cmd-save" onClick={() => commands.save()} title={`Save (${mod}S)`}>
        Save
      </button>
      <button data-testid="cmd-save-as" onClick={() => commands.saveAs()} title={`Save as… (${mod}Shift+S)`}>
        Save as…
      </button>
      <button data-testid="cmd-import-onnx" onClick={() => commands.importOnnx()} title="Import an ONNX model (opset 9 or later) with its weights">
        Import ONNX…
      </button>
      <button data-testid="cmd-export-json" onClick={() => commands.exportJson()} title="Export the model document as JSON">
        Export JSON
      </button>
      <select
        data-testid="export-select"
        aria-label="Export"
        value=""
        onChange={(e) => {
          const v = e.target.value;
          e.target.value = '';
          if (v === 'onnx') void commands.exportOnnx();
          else if (v === 'pytorch') void commands.exportPyTorch();
        }}
      >
        <option value="">Export…</option>
        <option value="onnx">ONNX (.onnx)</option>
        <option value="pytorch">PyTorch (.py + .pt)</option>
      </select>
      <select
        data-testid="preset-select"
        aria-label="Load a preset"
        value=""
        onChange={(e) => {
          const v = e.target.value;
          e.target.value = '';
          if (v) void commands.loadPreset(v);
        }}
      >
        <option value="">Presets…</option>
        {PRESETS.map((p) => (
          <option key={p.name} value={p.name} title={p.description}>
            {p.title}
          </option>
        ))}
      </select>
      <span className="sep" />
      <button data-testid="cmd-undo" disabled={!canUndo} onClick={() => commands.undo()} title={`Undo (${mod}Z)`}>
        Undo
      </button>
      <button data-testid="cmd-redo" disabled={!canRedo} onClick={() => commands.redo()} title={`Redo (${mod}Shift+Z)`}>
        Redo
      </button>
      <span className="sep" />
      <button data-testid="cmd-layout" onClick={() => commands.autoLayout()} title="Auto-layout (L)">
        Layout
      </button>
      <select data-testid="layout-direction" aria-label="Layout direction" value={direction} onChange={(e) => commands.autoLayout(e.target.value as 'LR' | 'TB')}>
        <option value="LR">left → right</option>
        <option value="TB">top → bottom</option>
      </select>
      <button data-testid="cmd-modules" onClick={() => commands.setAllModulesOpen(!anyOpen)} title="Open or close every Inception and Residual unit">
        {anyOpen ? 'Close modules' : 'Open modules'}
      </button>
      <button data-testid="cmd-fit" onClick={() => commands.fitView()} title="Fit view (F)">
        Fit
      </button>
      <button data-testid="cmd-minimap" onClick={() => commands.toggleMinimap()} title="Minimap (M)">
        Map
      </button>
      <button data-testid="cmd-theme" onClick={() => commands.cycleTheme()} title="Theme: system, light, dark">
        {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'} {theme}
      </button>
    </header>
  );
}
