import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, MENU_KO, type MenuState } from './menu';

const labels = (items: MenuItemConstructorOptions[]): string[] =>
  items.flatMap((i) => [...(i.label ? [i.label] : []), ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);

const state = (platform: NodeJS.Platform, language?: 'en' | 'ko'): MenuState => ({
  platform,
  recent: [],
  presets: [{ name: 'lenet5', title: 'LeNet-5' }],
  theme: 'system',
  ...(language ? { language } : {}),
});
const actions = { send: () => undefined, openDocumentation: () => undefined };

describe('the native menu in Korean', () => {
  for (const platform of ['linux', 'darwin'] as const) {
    it(`has a Korean label for every English one (${platform})`, () => {
      const english = labels(buildMenuTemplate(state(platform), actions));
      const korean = labels(buildMenuTemplate(state(platform, 'ko'), actions));
      expect(korean).toHaveLength(english.length);
      // Names stay as they are: the app's and the presets'.
      const missing = english.filter((l) => l !== 'CNN Studio' && l !== 'LeNet-5' && !(l in MENU_KO));
      expect(missing).toEqual([]);
      // Korean words everywhere else, but format names stay as they are (ONNX, PyTorch).
      for (const l of korean) if (l !== 'CNN Studio' && l !== 'LeNet-5' && !/^(ONNX|PyTorch)\(&.\)…$/.test(l)) expect(l, l).toMatch(/[가-힣]/);
      // Access keys survive: every "&X" in English has one in Korean.
      english.forEach((l, i) => expect(korean[i].includes('&')).toBe(l.includes('&')));
    });
  }

  it('stays English without a language (the default)', () => {
    expect(labels(buildMenuTemplate(state('linux'), actions))).toContain('&File');
    expect(labels(buildMenuTemplate(state('linux', 'ko'), actions))).toContain('파일(&F)');
  });
});
