import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../engine/src/core/api';
import { buildMenuTemplate } from './menu';
import { PRESETS } from '../engine/src/core/presets';

function flatten(items: MenuItemConstructorOptions[], trail: string[] = []): { item: MenuItemConstructorOptions; trail: string[] }[] {
  return items.flatMap((item) => {
    const here = [...trail, String(item.label ?? item.role ?? item.type)];
    const sub = Array.isArray(item.submenu) ? flatten(item.submenu, here) : [];
    return [{ item, trail: here }, ...sub];
  });
}

function clickAll(platform: NodeJS.Platform) {
  const sent: AppCommand[] = [];
  let docs = 0;
  const template = buildMenuTemplate(
    { platform, recent: ['/home/u/a.cnn.json', '/home/u/b.cnn.json'], presets: PRESETS.map((p) => ({ name: p.name, title: p.title })), theme: 'system' },
    { send: (c) => sent.push(c), openDocumentation: () => docs++ },
  );
  const items = flatten(template);
  for (const { item } of items) (item.click as (() => void) | undefined)?.();
  return { template, items, sent, docs };
}

// Every AppCommand a menu can send (restore-recovery is sent by the launch check, not the menu;
// cut/copy/paste are roles, see the Edit menu test).
const EXPECTED: AppCommand[] = [
  { type: 'new' },
  { type: 'open' },
  { type: 'open-recent', path: '/home/u/a.cnn.json' },
  { type: 'open-recent', path: '/home/u/b.cnn.json' },
  { type: 'save' },
  { type: 'save-as' },
  { type: 'export', format: 'json' },
  { type: 'export', format: 'onnx' },
  { type: 'export', format: 'pytorch' },
  { type: 'import-onnx' },
  { type: 'undo' },
  { type: 'redo' },
  { type: 'delete' },
  { type: 'select-all' },
  { type: 'connect' },
  { type: 'fit-view' },
  { type: 'zoom', direction: 'in' },
  { type: 'zoom', direction: 'out' },
  { type: 'zoom', direction: 'reset' },
  { type: 'toggle-minimap' },
  { type: 'theme', theme: 'system' },
  { type: 'theme', theme: 'light' },
  { type: 'theme', theme: 'dark' },
  ...PRESETS.map((p): AppCommand => ({ type: 'preset', name: p.name })),
  { type: 'validate' },
  { type: 'run' },
  { type: 'about' },
];

describe('native menu template', () => {
  it.each(['linux', 'win32', 'darwin'] as NodeJS.Platform[])('on %s, every command is wired to its AppCommand', (platform) => {
    const { sent, docs } = clickAll(platform);
    expect(sent).toEqual(expect.arrayContaining(EXPECTED));
    expect(sent).toHaveLength(EXPECTED.length);
    expect(docs).toBe(1);
  });

  it('Edit: cut/copy/paste are roles (the page edits a focused field or fires DOM clipboard events); undo/redo/select-all reach the renderer', () => {
    for (const platform of ['linux', 'darwin'] as NodeJS.Platform[]) {
      const { template, sent } = clickAll(platform);
      const edit = (template.find((m) => m.label === '&Edit')!.submenu as MenuItemConstructorOptions[]).filter((i) => i.type !== 'separator');
      const byLabel = Object.fromEntries(edit.map((i) => [i.label, i]));
      expect(byLabel['Cu&t']).toMatchObject({ role: 'cut', accelerator: 'CmdOrCtrl+X' });
      expect(byLabel['&Copy']).toMatchObject({ role: 'copy', accelerator: 'CmdOrCtrl+C' });
      expect(byLabel['&Paste']).toMatchObject({ role: 'paste', accelerator: 'CmdOrCtrl+V' });
      for (const l of ['Cu&t', '&Copy', '&Paste']) expect(byLabel[l]!.click).toBeUndefined();
      for (const l of ['&Undo', '&Redo', 'Select &All', '&Delete']) {
        expect(byLabel[l]!.role).toBeUndefined();
        expect(byLabel[l]!.click).toBeTypeOf('function');
      }
      expect(sent.filter((c) => ['cut', 'copy', 'paste'].includes(c.type))).toEqual([]);
    }
  });

  it('has the top-level menus in order', () => {
    expect(clickAll('linux').template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Model', '&Help']);
    expect(clickAll('darwin').template.map((m) => m.label ?? m.role)).toEqual(['CNN Studio', '&File', '&Edit', '&View', '&Model', 'windowMenu', '&Help']);
  });

  it('uses the usual accelerators', () => {
    const { items } = clickAll('linux');
    const acc = (label: string) => items.find(({ item }) => item.label === label)?.item.accelerator;
    expect(acc('&New')).toBe('CmdOrCtrl+N');
    expect(acc('&Open…')).toBe('CmdOrCtrl+O');
    expect(acc('&Save')).toBe('CmdOrCtrl+S');
    expect(acc('Save &As…')).toBe('CmdOrCtrl+Shift+S');
    expect(acc('&Undo')).toBe('CmdOrCtrl+Z');
    expect(acc('&Redo')).toBe('Ctrl+Y');
    expect(acc('&Copy')).toBe('CmdOrCtrl+C');
    expect(acc('Select &All')).toBe('CmdOrCtrl+A');
    expect(acc('E&xit')).toBe('Ctrl+Q');
    expect(clickAll('darwin').items.find(({ item }) => item.label === '&Redo')?.item.accelerator).toBe('Cmd+Shift+Z');
  });

  it('has no two items with the same accelerator', () => {
    for (const platform of ['linux', 'darwin'] as NodeJS.Platform[]) {
      const accs = clickAll(platform).items.map(({ item }) => item.accelerator).filter(Boolean);
      expect(new Set(accs).size).toBe(accs.length);
    }
  });

  it('shows a disabled placeholder when there are no recent files', () => {
    const t = buildMenuTemplate({ platform: 'linux', recent: [], presets: [], theme: 'dark' }, { send: () => undefined, openDocumentation: () => undefined });
    const recent = flatten(t).find(({ item }) => item.label === 'Open &Recent')!.item.submenu as MenuItemConstructorOptions[];
    expect(recent).toEqual([{ label: 'No Recent Files', enabled: false }]);
  });
  it('offers Toggle Developer Tools only in development builds', () => {
    const roles = (devTools: boolean) => JSON.stringify(buildMenuTemplate({ platform: 'linux', recent: [], presets: [], theme: 'dark', devTools }, { send: () => undefined, openDocumentation: () => undefined }));
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });
});
