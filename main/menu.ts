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
  /** The menu's language (the system's: the renderer has its own switch); English by default. */
  language?: 'en' | 'ko';
}

/** The menu's labels in Korean, by their English (access keys as Korean menus write them: "파일(&F)"). */
export const MENU_KO: Readonly<Record<string, string>> = {
  '&About CNN Studio': 'CNN Studio 정보(&A)',
  '&Actual Size': '실제 크기(&A)',
  '&Copy': '복사(&C)',
  '&Dark': '어둡게(&D)',
  '&Delete': '삭제(&D)',
  '&Documentation': '문서(&D)',
  '&Edit': '편집(&E)',
  '&Export': '내보내기(&E)',
  '&File': '파일(&F)',
  '&Fit to Window': '창에 맞추기(&F)',
  '&Help': '도움말(&H)',
  '&Import ONNX…': 'ONNX 가져오기(&I)…',
  '&Light': '밝게(&L)',
  '&Model': '모델(&M)',
  '&New': '새로 만들기(&N)',
  '&ONNX…': 'ONNX(&O)…',
  '&Open…': '열기(&O)…',
  '&Paste': '붙여넣기(&P)',
  '&Presets': '프리셋(&P)',
  '&PyTorch…': 'PyTorch(&P)…',
  '&Redo': '다시 실행(&R)',
  '&Run': '실행(&R)',
  '&Save': '저장(&S)',
  '&System': '시스템(&S)',
  '&Theme': '테마(&T)',
  '&Undo': '실행 취소(&U)',
  '&Validate': '검사(&V)',
  '&View': '보기(&V)',
  'About CNN Studio': 'CNN Studio 정보',
  'C&onnect Selected To…': '선택한 노드 연결(&O)…',
  'CNN Studio': 'CNN Studio',
  'Cu&t': '잘라내기(&T)',
  'E&xit': '끝내기(&X)',
  'Model &JSON…': '모델 JSON(&J)…',
  'No Recent Files': '최근 파일 없음',
  'Open &Recent': '최근 파일 열기(&R)',
  'Save &As…': '다른 이름으로 저장(&A)…',
  'Select &All': '모두 선택(&A)',
  'Toggle &Minimap': '미니맵 켜기/끄기(&M)',
  'Zoom &In': '확대(&I)',
  'Zoom &Out': '축소(&O)',
};

export interface MenuActions {
  send(command: AppCommand): void;
  /** Opens the documentation in the system browser. */
  openDocumentation(): void;
}

export const DOCUMENTATION_URL = 'https://github.com/cnn-studio/cnn-studio#readme';

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  /** A label in the menu's language. */
  const L = (label: string): string => (state.language === 'ko' ? (MENU_KO[label] ?? label) : label);
  const cmd = (label: string, command: AppCommand, accelerator?: string, extra: Partial<MenuItemConstructorOptions> = {}): MenuItemConstructorOptions => ({
    label: L(label),
    ...(accelerator ? { accelerator } : {}),
    click: () => actions.send(command),
    ...extra,
  });

  const recentItems: MenuItemConstructorOptions[] = state.recent.length
    ? state.recent.map((p) => cmd(path.basename(p), { type: 'open-recent', path: p }, undefined, { toolTip: p }))
    : [{ label: L('No Recent Files'), enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: L('&File'),
    submenu: [
      cmd('&New', { type: 'new' }, 'CmdOrCtrl+N'),
      cmd('&Open…', { type: 'open' }, 'CmdOrCtrl+O'),
      { label: L('Open &Recent'), submenu: recentItems },
      { type: 'separator' },
      cmd('&Save', { type: 'save' }, 'CmdOrCtrl+S'),
      cmd('Save &As…', { type: 'save-as' }, 'CmdOrCtrl+Shift+S'),
      {
        label: L('&Export'),
        submenu: [
          cmd('Model &JSON…', { type: 'export', format: 'json' }, 'CmdOrCtrl+E'),
          cmd('&ONNX…', { type: 'export', format: 'onnx' }, 'CmdOrCtrl+Shift+E'),
          cmd('&PyTorch…', { type: 'export', format: 'pytorch' }),
        ],
      },
      cmd('&Import ONNX…', { type: 'import-onnx' }, 'CmdOrCtrl+I'),
      ...(mac ? [] : ([{ type: 'separator' }, { label: L('E&xit'), role: 'quit', accelerator: 'Ctrl+Q' }] as MenuItemConstructorOptions[])),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: L('&Edit'),
    submenu: [
      cmd('&Undo', { type: 'undo' }, 'CmdOrCtrl+Z'),
      cmd('&Redo', { type: 'redo' }, mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
      { type: 'separator' },
      { label: L('Cu&t'), role: 'cut', accelerator: 'CmdOrCtrl+X' },
      { label: L('&Copy'), role: 'copy', accelerator: 'CmdOrCtrl+C' },
      { label: L('&Paste'), role: 'paste', accelerator: 'CmdOrCtrl+V' },
      cmd('&Delete', { type: 'delete' }, mac ? 'Backspace' : 'Delete', { registerAccelerator: false }),
      { type: 'separator' },
      cmd('Select &All', { type: 'select-all' }, 'CmdOrCtrl+A'),
      // C in the editor (not an accelerator: it would take the letter from every text field).
      cmd('C&onnect Selected To…', { type: 'connect' }, 'C', { registerAccelerator: false }),
    ],
  };

  const themes: ['system' | 'light' | 'dark', string][] = [['system', '&System'], ['light', '&Light'], ['dark', '&Dark']];
  const view: MenuItemConstructorOptions = {
    label: L('&View'),
    submenu: [
      cmd('&Fit to Window', { type: 'fit-view' }, 'CmdOrCtrl+1'),
      cmd('Zoom &In', { type: 'zoom', direction: 'in' }, 'CmdOrCtrl+='),
      cmd('Zoom &Out', { type: 'zoom', direction: 'out' }, 'CmdOrCtrl+-'),
      cmd('&Actual Size', { type: 'zoom', direction: 'reset' }, 'CmdOrCtrl+0'),
      { type: 'separator' },
      cmd('Toggle &Minimap', { type: 'toggle-minimap' }, 'CmdOrCtrl+Shift+M', { type: 'checkbox', checked: state.minimap ?? true }),
      {
        label: L('&Theme'),
        submenu: themes.map(([theme, label]) => cmd(label, { type: 'theme', theme }, undefined, { type: 'radio', checked: state.theme === theme })),
      },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(state.devTools ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
    ],
  };

  const model: MenuItemConstructorOptions = {
    label: L('&Model'),
    submenu: [
      { label: L('&Presets'), submenu: state.presets.map((p) => cmd(p.title, { type: 'preset', name: p.name })) },
      { type: 'separator' },
      cmd('&Validate', { type: 'validate' }, 'F7'),
      cmd('&Run', { type: 'run' }, 'F5'),
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: L('&Help'),
    role: 'help',
    submenu: [
      { label: L('&Documentation'), click: () => actions.openDocumentation() },
      ...(mac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, cmd('&About CNN Studio', { type: 'about' })]),
    ],
  };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: L('CNN Studio'),
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
