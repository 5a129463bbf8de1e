/**
 * Desktop smoke test: the real Electron app (dist/main/main.cjs) driven by playwright-core's
 * _electron. Skipped where the Electron binary is not installed (our build machines cannot
 * download it); on a machine with internet, `npm ci && npm run build` and this runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElectronApplication, Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable the `electron` package downloaded, without require('electron'). */
function electronBinary(): string | null {
  const pathFile = path.join(ROOT, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(ROOT, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();
const built = existsSync(path.join(ROOT, 'dist/main/main.cjs')) && existsSync(path.join(ROOT, 'dist/renderer/index.html'));
const linuxNoDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

describe.skipIf(!binary || !built || linuxNoDisplay)(
  `desktop app smoke test${!binary ? ' (skipped: Electron binary not installed — node_modules/electron/dist missing)' : !built ? ' (skipped: run `npm run build` first)' : linuxNoDisplay ? ' (skipped: no display; run under xvfb-run)' : ''}`,
  () => {
    let app: ElectronApplication;
    let page: Page;

    beforeAll(async () => {
      const { _electron } = await import('playwright-core');
      app = await _electron.launch({ executablePath: binary!, args: [ROOT], env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } });
      page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('opens one window on app://, titled CNN Studio', async () => {
      expect(page.url()).toBe('app://cnn-studio/index.html');
      await expect.poll(() => page.title()).toMatch(/CNN Studio/);
      expect(app.windows()).toHaveLength(1);
    });

    it('gives the page the bridge and nothing of Node or Electron', async () => {
      const probe = await page.evaluate(() => {
        const w = globalThis as unknown as Record<string, unknown>;
        const bridge = w.cnnStudio as Record<string, unknown>;
        return {
          require: typeof w.require,
          process: typeof w.process,
          ipc: 'ipcRenderer' in bridge || 'send' in bridge || 'invoke' in bridge,
          methods: Object.keys(bridge).sort(),
        };
      });
      expect(probe.require).toBe('undefined');
      expect(probe.process).toBe('undefined');
      expect(probe.ipc).toBe(false);
      expect(probe.methods).toContain('engineRun');
      expect(probe.methods).toContain('filesSave');
    });

    it('runs the engine through the preload bridge', async () => {
      const reply = await page.evaluate(async () => {
        const doc = {
          format: 'cnn-studio.model', version: 1, name: 'smoke',
          nodes: [{ id: 'in', type: 'Input', params: { channels: 1, height: 2, width: 2 } }, { id: 'f', type: 'Flatten', params: {} }],
          edges: [{ id: 'e0', source: 'in', target: 'f' }],
        };
        const bridge = (globalThis as unknown as { cnnStudio: { engineRun(r: unknown): Promise<{ ok: boolean; value?: { tensors: Record<string, { data: Float32Array }> } }> } }).cnnStudio;
        const r = await bridge.engineRun({ docId: 'smoke', document: doc, inputs: { kind: 'tensor', shape: [1, 2, 2], data: new Float32Array([1, 2, 3, 4]) }, tensors: 'all' });
        return r.ok ? Array.from(r.value!.tensors.f!.data) : r;
      });
      expect(reply).toEqual([1, 2, 3, 4]);
    });

    it('refuses to open windows and to navigate away', async () => {
      // A denied window.open returns null synchronously (setWindowOpenHandler answered 'deny').
      expect(await page.evaluate(() => (globalThis as unknown as { open(u: string): unknown }).open('https://example.com') === null)).toBe(true);
      // A blocked navigation never commits: no framenavigated event, the URL stays on app://.
      const navigated = page.waitForEvent('framenavigated', { timeout: 2000 }).then(() => true, () => false);
      await page.evaluate(() => {
        (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com';
      });
      expect(await navigated).toBe(false);
      expect(page.url()).toBe('app://cnn-studio/index.html');
      expect(app.windows()).toHaveLength(1);
    });
  },
);
