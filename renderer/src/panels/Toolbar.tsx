import { useRef } from 'react';
import { useDocumentStore, selectDirty } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { PRESETS } from '../engine';
import { commands } from '../app/commands';
import { InlineItems, MenuButton, type ToolItem } from './ToolbarMenu';
import { useCollapseLevel } from './use-collapse';
import { useT } from '../i18n';
import { presetDescription } from '../i18n/engine-text';

const mod = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+';
const THEME_ICON = { dark: '☾', light: '☀', system: '◐' } as const;
const NEXT_THEME = { system: 'light', light: 'dark', dark: 'system' } as const;

/** A group of commands: inline while the row has room, else behind a menu button. */
interface Group {
  name: string;
  /** The group's name as shown (the menu button, the group's accessible name). */
  label: string;
  items: ToolItem[];
}

/**
 * The command row. It never wraps: when the window is too narrow, groups fold into menus — View
 * first, then File (the Presets choice and Undo / Redo stay in sight).
 */
export function Toolbar() {
  const { t, lang } = useT();
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
  const level = useCollapseLevel(bar, FOLD_ORDER.length, `${name}\n${lang}`);
  const folded = new Set(FOLD_ORDER.slice(0, level));

  const file: Group = {
    name: 'File',
    label: t('toolbar.file'),
    items: [
      { kind: 'button', testId: 'cmd-new', label: t('toolbar.new'), title: t('toolbar.newTitle', { key: `${mod}Alt+N` }), onClick: () => void commands.newDocument() },
      { kind: 'button', testId: 'cmd-open', label: t('toolbar.open'), title: `${t('toolbar.open')} (${mod}O)`, onClick: () => void commands.open() },
      { kind: 'button', testId: 'cmd-save', label: t('toolbar.save'), title: `${t('toolbar.save')} (${mod}S)`, onClick: () => void commands.save() },
      { kind: 'button', testId: 'cmd-save-as', label: t('toolbar.saveAs'), title: `${t('toolbar.saveAs')} (${mod}Shift+S)`, onClick: () => void commands.saveAs() },
      { kind: 'button', testId: 'cmd-import-onnx', label: t('toolbar.importOnnx'), title: t('toolbar.importOnnxTitle'), onClick: () => void commands.importOnnx() },
      { kind: 'button', testId: 'cmd-export-json', label: t('toolbar.exportJson'), title: t('toolbar.exportJsonTitle'), onClick: () => void commands.exportJson() },
      {
        kind: 'select',
        testId: 'export-select',
        label: t('toolbar.export'),
        value: '',
        width: 90,
        options: [
          { value: '', label: t('toolbar.exportPrompt') },
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
    label: t('toolbar.loadPreset'),
    value: '',
    width: 116,
    options: [{ value: '', label: t('toolbar.presets') }, ...PRESETS.map((p) => ({ value: p.name, label: p.title, title: presetDescription(p) }))],
    onSelect: (v) => void commands.loadPreset(v),
  };
  const edit: ToolItem[] = [
    { kind: 'button', testId: 'cmd-undo', label: t('toolbar.undo'), title: `${t('toolbar.undo')} (${mod}Z)`, disabled: !canUndo, onClick: () => commands.undo() },
    { kind: 'button', testId: 'cmd-redo', label: t('toolbar.redo'), title: `${t('toolbar.redo')} (${mod}Shift+Z)`, disabled: !canRedo, onClick: () => commands.redo() },
  ];
  const view: Group = {
    name: 'View',
    label: t('toolbar.view'),
    items: [
      { kind: 'button', testId: 'cmd-layout', label: t('toolbar.layout'), title: t('toolbar.layoutTitle'), onClick: () => void commands.autoLayout() },
      {
        kind: 'select',
        testId: 'layout-direction',
        label: t('toolbar.direction'),
        value: direction,
        choice: true,
        width: 114,
        options: [
          { value: 'LR', label: t('toolbar.leftRight') },
          { value: 'TB', label: t('toolbar.topBottom') },
        ],
        onSelect: (v) => void commands.autoLayout(v as 'LR' | 'TB'),
      },
      { kind: 'button', testId: 'cmd-modules', label: anyOpen ? t('toolbar.closeModules') : t('toolbar.openModules'), title: t('toolbar.modulesTitle'), onClick: () => void commands.setAllModulesOpen(!anyOpen) },
      { kind: 'button', testId: 'cmd-fit', label: t('toolbar.fit'), title: t('toolbar.fitTitle'), onClick: () => commands.fitView() },
      { kind: 'button', testId: 'cmd-minimap', label: t('toolbar.map'), title: t('toolbar.mapTitle'), onClick: () => commands.toggleMinimap() },
      {
        kind: 'button',
        testId: 'cmd-theme',
        label: THEME_ICON[theme],
        ariaLabel: t('toolbar.theme', { theme: t(`toolbar.themes.${theme}`) }),
        title: t('toolbar.themeTitle', { theme: t(`toolbar.themes.${theme}`), next: t(`toolbar.themes.${NEXT_THEME[theme]}`) }),
        onClick: () => commands.cycleTheme(),
      },
    ],
  };

  const group = (g: Group) =>
    folded.has(g.name) ? (
      <MenuButton key={g.name} label={g.label} testId={`menu-${g.name.toLowerCase()}`} items={g.items} />
    ) : (
      <div key={g.name} role="group" aria-label={g.label} className="toolbar-group">
        <InlineItems items={g.items} />
      </div>
    );

  return (
    <header className="toolbar" data-testid="toolbar" data-folded={[...folded].join(' ') || undefined} ref={bar}>
      <h1 className="brand">CNN Studio</h1>
      <span className="doc-title" data-testid="doc-title" data-dirty={dirty ? 'true' : 'false'} title={path ?? t('toolbar.notSaved')} translate="no">
        {dirty ? '● ' : ''}
        {name}
        {path ? <span className="muted"> — {path.split(/[\\/]/).pop()}</span> : null}
      </span>
      <span className="sep" />
      {group(file)}
      <InlineItems items={[presets]} />
      <span className="sep" />
      <div role="group" aria-label={t('toolbar.edit')} className="toolbar-group">
        <InlineItems items={edit} />
      </div>
      <span className="sep" />
      {group(view)}
    </header>
  );
}
