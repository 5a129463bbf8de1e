import { useRef } from 'react';
import { useDocumentStore, selectDirty } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { PRESETS } from '../engine';
import { commands } from '../app/commands';
import { InlineItems, MenuButton, type ToolItem } from './ToolbarMenu';
import { useCollapseLevel } from './use-collapse';

const mod = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+';
const THEME_ICON = { dark: '☾', light: '☀', system: '◐' } as const;
const NEXT_THEME = { system: 'light', light: 'dark', dark: 'system' } as const;

/** A group of commands: inline while the row has room, else behind a menu button. */
interface Group {
  name: string;
  items: ToolItem[];
}

/**
 * The command row. It never wraps: when the window is too narrow, groups fold into menus — View
 * first, then File (the Presets choice and Undo / Redo stay in sight).
 */
export function Toolbar() {
  const name = useDocumentStore((s) => s.doc.name);
  const path = useDocumentStore((s) => s.path);
  const dirty = useDocumentStore(selectDirty);
  const canUndo = useDocumentStore((s) => s.past.length > 0);
  const canRedo = useDocumentStore((s) => s.future.length > 0);
  const direction = useUiStore((s) => s.direction);
  const theme = useUiStore((s) => s.theme);
  const anyOpen = useUiStore((s) => s.openModules.size > 0);
  const bar = useRef<HTMLElement>(null);
  const FOLD_ORDER = ['View', 'File'];
  const level = useCollapseLevel(bar, FOLD_ORDER.length, name);
  const folded = new Set(FOLD_ORDER.slice(0, level));

  const file: Group = {
    name: 'File',
    items: [
      { kind: 'button', testId: 'cmd-new', label: 'New', title: `New model (${mod}Alt+N)`, onClick: () => void commands.newDocument() },
      { kind: 'button', testId: 'cmd-open', label: 'Open…', title: `Open… (${mod}O)`, onClick: () => void commands.open() },
      { kind: 'button', testId: 'cmd-save', label: 'Save', title: `Save (${mod}S)`, onClick: () => void commands.save() },
      { kind: 'button', testId: 'cmd-save-as', label: 'Save as…', title: `Save as… (${mod}Shift+S)`, onClick: () => void commands.saveAs() },
      { kind: 'button', testId: 'cmd-import-onnx', label: 'Import ONNX…', title: 'Import an ONNX model (opset 9 or later) with its weights', onClick: () => void commands.importOnnx() },
      { kind: 'button', testId: 'cmd-export-json', label: 'Export JSON', title: 'Export the model document as JSON', onClick: () => void commands.exportJson() },
      {
        kind: 'select',
        testId: 'export-select',
        label: 'Export',
        value: '',
        width: 90,
        options: [
          { value: '', label: 'Export…' },
          { value: 'onnx', label: 'ONNX (.onnx)' },
          { value: 'pytorch', label: 'PyTorch (.py + .pt)' },
        ],
        onSelect: (v) => void (v === 'onnx' ? commands.exportOnnx() : commands.exportPyTorch()),
      },
    ],
  };
  const presets: ToolItem = {
    kind: 'select',
    testId: 'preset-select',
    label: 'Load a preset',
    value: '',
    width: 116,
    options: [{ value: '', label: 'Presets…' }, ...PRESETS.map((p) => ({ value: p.name, label: p.title, title: p.description }))],
    onSelect: (v) => void commands.loadPreset(v),
  };
  const edit: ToolItem[] = [
    { kind: 'button', testId: 'cmd-undo', label: 'Undo', title: `Undo (${mod}Z)`, disabled: !canUndo, onClick: () => commands.undo() },
    { kind: 'button', testId: 'cmd-redo', label: 'Redo', title: `Redo (${mod}Shift+Z)`, disabled: !canRedo, onClick: () => commands.redo() },
  ];
  const view: Group = {
    name: 'View',
    items: [
      { kind: 'button', testId: 'cmd-layout', label: 'Layout', title: 'Auto-layout (L)', onClick: () => void commands.autoLayout() },
      {
        kind: 'select',
        testId: 'layout-direction',
        label: 'Layout direction',
        value: direction,
        choice: true,
        width: 114,
        options: [
          { value: 'LR', label: 'left → right' },
          { value: 'TB', label: 'top → bottom' },
        ],
        onSelect: (v) => void commands.autoLayout(v as 'LR' | 'TB'),
      },
      { kind: 'button', testId: 'cmd-modules', label: anyOpen ? 'Close modules' : 'Open modules', title: 'Open or close every Inception and Residual unit', onClick: () => void commands.setAllModulesOpen(!anyOpen) },
      { kind: 'button', testId: 'cmd-fit', label: 'Fit', title: 'Fit view (F)', onClick: () => commands.fitView() },
      { kind: 'button', testId: 'cmd-minimap', label: 'Map', title: 'Minimap (M)', onClick: () => commands.toggleMinimap() },
      {
        kind: 'button',
        testId: 'cmd-theme',
        label: THEME_ICON[theme],
        ariaLabel: `Theme: ${theme}`,
        title: `Theme: ${theme} (click for ${NEXT_THEME[theme]})`,
        onClick: () => commands.cycleTheme(),
      },
    ],
  };

  const group = (g: Group) =>
    folded.has(g.name) ? (
      <MenuButton key={g.name} label={g.name} testId={`menu-${g.name.toLowerCase()}`} items={g.items} />
    ) : (
      <div key={g.name} role="group" aria-label={g.name} className="toolbar-group">
        <InlineItems items={g.items} />
      </div>
    );

  return (
    <header className="toolbar" data-testid="toolbar" data-folded={[...folded].join(' ') || undefined} ref={bar}>
      <h1 className="brand">CNN Studio</h1>
      <span className="doc-title" data-testid="doc-title" data-dirty={dirty ? 'true' : 'false'} title={path ?? 'Not saved yet'}>
        {dirty ? '● ' : ''}
        {name}
        {path ? <span className="muted"> — {path.split(/[\\/]/).pop()}</span> : null}
      </span>
      <span className="sep" />
      {group(file)}
      <InlineItems items={[presets]} />
      <span className="sep" />
      <div role="group" aria-label="Edit" className="toolbar-group">
        <InlineItems items={edit} />
      </div>
      <span className="sep" />
      {group(view)}
    </header>
  );
}
