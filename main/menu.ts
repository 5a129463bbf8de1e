/**
 * The native menu as a pure function: (state, send) → Electron menu template. Every editor item
 * sends an AppCommand to the renderer; only Quit and the window/edit roles the OS owns use roles.
 *
 * Edit menu, so that its shortcuts work both in text fields and on the canvas:
 *  - Cut, Copy, Paste are Electron roles: they run the page's own cut/copy/paste, which edits the
 *    focused text field, or — focus on the canvas — fires the DOM cut/copy/paste event the editor
 *    turns into node clipboard commands.
 *  - Undo, Redo, Select All send AppCommands: the renderer applies them to the focused text field
 *    (document.execCommand) or else to the document / canvas selection. (No DOM event carries
 *    undo or select-all to the page, so roles could not reach the editor's own history.)
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../engine/src/core/api';
import path from 'node:path';

export interface MenuState {
  platform: NodeJS.Platform;
  recent: readonly string[];
  presets: readonly { name: string; title: string }[];
  theme: 'system' | 'light' | 'dark';
  minimap?: boolean;
  /** Development builds: View ▸ Toggle Developer Tools. */
  devTools?: boolean;
}

export interface MenuActions {
  send(command: AppCommand): void;
  /** Opens the documentation in the system browser. */
  openDocumentation(): void;
}

export const DOCUMENTATION_URL = 'https://github.com/cnn-studio/cnn-studio#readme';

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const cmd = (label: string, command: AppCommand, accelerator?: string, extra: Partial<MenuItemConstructorOptions> = {}): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => actions.send(command),
    ...extra,
  });

  const recentItems: MenuItemConstructorOptions[] = state.recent.length
    ? state.recent.map((p) => cmd(path.basename(p), { type: 'open-recent', path: p }, undefined, { toolTip: p }))
    : [{ label: 'No Recent Files', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      cmd('&New', { type: 'new' }, 'CmdOrCtrl+N'),
      cmd('&Open…', { type: 'open' }, 'CmdOrCtrl+O'),
      { label: 'Open &Recent', submenu: recentItems },
      { type: 'separator' },
      cmd('&Save', { type: 'save' }, 'CmdOrCtrl+S'),
      cmd('Save &As…', { type: 'save-as' }, 'CmdOrCtrl+Shift+S'),
      {
        label: '&Export',
        submenu: [
          cmd('Model &JSON…', { type: 'export', format: 'json' }, 'CmdOrCtrl+E'),
          cmd('&ONNX…', { type: 'export', format: 'onnx' }, 'CmdOrCtrl+Shift+E'),
          cmd('&PyTorch…', { type: 'export', format: 'pytorch' }),
        ],
      },
      cmd('&Import ONNX…', { type: 'import-onnx' }, 'CmdOrCtrl+I'),
      ...(mac ? [] : ([{ type: 'separator' }, { label: 'E&xit', role: 'quit', accelerator: 'Ctrl+Q' }] as MenuItemConstructorOptions[])),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      cmd('&Undo', { type: 'undo' }, 'CmdOrCtrl+Z'),
      cmd('&Redo', { type: 'redo' }, mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
      { type: 'separator' },
      { label: 'Cu&t', role: 'cut', accelerator: 'CmdOrCtrl+X' },
      { label: '&Copy', role: 'copy', accelerator: 'CmdOrCtrl+C' },
      { label: '&Paste', role: 'paste', accelerator: 'CmdOrCtrl+V' },
      cmd('&Delete', { type: 'delete' }, mac ? 'Backspace' : 'Delete', { registerAccelerator: false }),
      { type: 'separator' },
      cmd('Select &All', { type: 'select-all' }, 'CmdOrCtrl+A'),
      // C in the editor (not an accelerator: it would take the letter from every text field).
      cmd('C&onnect Selected To…', { type: 'connect' }, 'C', { registerAccelerator: false }),
    ],
  };

  const themes: ['system' | 'light' | 'dark', string][] = [['system', '&System'], ['light', '&Light'], ['dark', '&Dark']];
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      cmd('&Fit to Window', { type: 'fit-view' }, 'CmdOrCtrl+1'),
      cmd('Zoom &In', { type: 'zoom', direction: 'in' }, 'CmdOrCtrl+='),
      cmd('Zoom &Out', { type: 'zoom', direction: 'out' }, 'CmdOrCtrl+-'),
      cmd('&Actual Size', { type: 'zoom', direction: 'reset' }, 'CmdOrCtrl+0'),
      { type: 'separator' },
      cmd('Toggle &Minimap', { type: 'toggle-minimap' }, 'CmdOrCtrl+Shift+M', { type: 'checkbox', checked: state.minimap ?? true }),
      {
        label: '&Theme',
        submenu: themes.map(([theme, label]) => cmd(label, { type: 'theme', theme }, undefined, { type: 'radio', checked: state.theme === theme })),
      },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(state.devTools ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
    ],
  };

  const model: MenuItemConstructorOptions = {
    label: '&Model',
    submenu: [
      { label: '&Presets', submenu: state.presets.map((p) => cmd(p.title, { type: 'preset', name: p.name })) },
      { type: 'separator' },
      cmd('&Validate', { type: 'validate' }, 'F7'),
      cmd('&Run', { type: 'run' }, 'F5'),
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { label: '&Documentation', click: () => actions.openDocumentation() },
      ...(mac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, cmd('&About CNN Studio', { type: 'about' })]),
    ],
  };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: 'CNN Studio',
          submenu: [
            cmd('About CNN Studio', { type: 'about' }),
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  const windowMenu: MenuItemConstructorOptions[] = mac ? [{ role: 'windowMenu' }] : [];

  return [...appMenu, file, edit, view, model, ...windowMenu, help];
}
