/**
 * A learner's first minutes, in browser mode: the first launch offers a start instead of an error,
 * the toolbar stays one row (folding into menus in a small window), panels resize and hide, the
 * minimap stays small, the view fits again when the window changes, and a large preset fits at a
 * readable zoom. Screenshots of first launch, a preset, the Run tab with an empty graph and the
 * 1024×700 layout go to e2e/artifacts/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath } from './support/browser';
import { editorSession } from './support/editor-session';
import type { LiveServer } from './support/live-server';
import { snap } from './support/artifacts';
import { card, dragFromPalette, node, openEditor } from './support/editor';
import { openDocument } from './support/live-input';
import { getPreset } from '../engine/src/core/presets';
import { READABLE_ZOOM } from '../renderer/src/canvas/fit-viewport';

const noChromium = !chromiumPath();

/** Three cards in a row: small enough to fit whole in any window. */
const SMALL = {
  format: 'cnn-studio.model',
  version: 1,
  name: 'small',
  nodes: [
    { id: 'in', type: 'Input', params: { channels: 1, height: 28, width: 28 }, position: { x: 0, y: 0 } },
    { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 3 }, position: { x: 260, y: 0 } },
    { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 }, position: { x: 520, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'in', target: 'conv' },
    { id: 'e2', source: 'conv', target: 'pool' },
  ],
};

/** The canvas viewport's zoom and translation, from React Flow's transform. */
async function viewport(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  const style = (await page.locator('.react-flow__viewport').getAttribute('style')) ?? '';
  const m = /translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([\d.]+)\)/.exec(style);
  if (!m) throw new Error(`no viewport transform in "${style}"`);
  return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
}

/** Bounding boxes of every node card relative to the canvas, and the canvas size. */
async function cardsInCanvas(page: Page) {
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const boxes = await page.locator('.react-flow__node').evaluateAll((els) =>
    els.map((e) => {
      const r = (e as unknown as { getBoundingClientRect(): { x: number; y: number; width: number; height: number } }).getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  const inside = boxes.filter((b) => b.x >= canvas.x - 1 && b.y >= canvas.y - 1 && b.x + b.width <= canvas.x + canvas.width + 1 && b.y + b.height <= canvas.y + canvas.height + 1);
  return { canvas, total: boxes.length, inside: inside.length };
}

describe.skipIf(noChromium)('first launch and small windows (browser mode, Chromium) — skipped when chromium is not installed', { timeout: 180_000 }, () => {
  const session = editorSession({ viewport: { width: 1440, height: 900 } });
  let server: LiveServer;
  let page: Page;
  beforeAll(() => {
    ({ server, page } = session);
  });

  // An earlier test's unsaved work is offered back at startup: declined, so each test starts as a first launch.
  const fresh = (size = { width: 1440, height: 900 }) => openEditor(page, server.url, { size, declineRecovery: true });

  it('first launch: a welcome with starts and the lecture examples, a next step, and no error for the empty model', async () => {
    await fresh();
    const welcome = page.getByTestId('welcome');
    await welcome.waitFor();
    await expect(welcome.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Welcome to CNN Studio');
    await expect(welcome.getByRole('button').allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringMatching(/^LeNet-5/), expect.stringMatching(/^GoogLeNet/), expect.stringMatching(/^ResNet-18/), expect.stringMatching(/^An empty canvas/), expect.stringMatching(/^Convolution/), expect.stringMatching(/^Pooling table/)]),
    );
    await expect(page.getByTestId('canvas-empty').textContent()).resolves.toMatch(/^Next: drag an Input from the Layers panel onto the canvas/);
    // An empty model is not an error: nothing red, nothing counted, and Problems says so.
    await expect(page.getByTestId('status-problems').getAttribute('data-errors')).resolves.toBe('0');
    await expect(page.getByTestId('status-problems').getAttribute('class')).resolves.toContain('ok');
    await expect(page.getByTestId('status-problems').textContent()).resolves.toBe('no errors');
    await expect(page.getByTestId('problems-count').textContent()).resolves.toBe('0');
    await page.getByTestId('tab-problems').click();
    await expect(page.getByTestId('problems-empty').textContent()).resolves.toBe('No problems. The model is empty — start with an Input node (it sets the image size the network reads), then add layers after it.');
    // The toolbar is one row at 1440 px, every group inline.
    const bar = (await page.getByTestId('toolbar').boundingBox())!;
    expect(bar.height).toBeLessThan(44);
    await expect(page.getByTestId('toolbar').getAttribute('data-folded')).resolves.toBeNull();
    await page.getByTestId('tab-inspector').click();
    await snap(page, 'first-launch');
    // Still every group inline at 1400 px (the other end-to-end tests click toolbar buttons there).
    await page.setViewportSize({ width: 1400, height: 900 });
    await expect.poll(() => page.getByTestId('toolbar').getAttribute('data-folded')).toBeNull();
    await expect(page.getByTestId('cmd-fit').isVisible()).resolves.toBe(true);
  });

  it('the Run tab of an empty graph says what to do, in a sentence', async () => {
    await fresh();
    await page.getByTestId('tab-run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Add an Input node to run the network.');
    await expect(page.getByTestId('run-status').getAttribute('data-state')).resolves.toBe('idle');
    await snap(page, 'run-tab-empty-graph');
  });

  it('the lecture examples open in Explain: the pooling table of the lecture and the convolution', async () => {
    await fresh();
    await page.getByTestId('welcome-example-pooling').click();
    const pooling = page.getByTestId('explain-pooling');
    await pooling.waitFor();
    await expect(page.getByTestId('tab-explain').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(pooling.locator('header').textContent()).resolves.toContain('the lecture’s 4×4 example');
    // The lecture's table: 2×2 windows, stride 2.
    const cells = (mode: string) => pooling.getByTestId(`pool-result-${mode}`).getByTestId('pool-cell').allTextContents();
    await expect(cells('max')).resolves.toEqual(['28', '65', '87', '56']);
    await expect(cells('avg')).resolves.toEqual(['13', '35', '47', '21']);
    await expect(cells('min')).resolves.toEqual(['3', '21', '5', '4']);
    await page.getByTestId('lecture-example-convolution').click();
    await page.getByTestId('explain-convolution').waitFor();
    await expect(page.getByTestId('lecture-example-convolution').getAttribute('aria-pressed')).resolves.toBe('true');
    // The welcome stays over the empty canvas until closed; closing leaves the one-line hint.
    await page.getByTestId('welcome-close').click();
    await expect(page.getByTestId('welcome').count()).resolves.toBe(0);
    await page.getByTestId('canvas-empty').waitFor();
  });

  it('"Start from LeNet-5" loads it; the welcome is gone once a graph exists, and New brings it back', async () => {
    await fresh();
    await page.getByTestId('welcome-start-lenet5').click();
    await card(page, 'input').waitFor();
    await expect(page.getByTestId('welcome').count()).resolves.toBe(0);
    await expect(page.getByTestId('canvas-empty').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(getPreset('lenet5').nodes.length);
    await snap(page, 'preset-lenet5');
    await page.getByTestId('cmd-new').click();
    await page.getByTestId('welcome').waitFor();
    // "An empty canvas" puts the welcome away; a layer dropped on the canvas starts the model.
    await page.getByTestId('welcome-start-empty').click();
    await expect(page.getByTestId('welcome').count()).resolves.toBe(0);
    await dragFromPalette(page, 'Input', 200, 200);
    await card(page, 'input').waitFor();
    await expect(page.getByTestId('canvas-empty').count()).resolves.toBe(0);
  });

  it('at 1024×700: one toolbar row with groups folded into menus, a small minimap, panels that resize and hide', async () => {
    await fresh({ width: 1024, height: 700 });
    await page.getByTestId('welcome-start-lenet5').click();
    await card(page, 'input').waitFor();
    const bar = (await page.getByTestId('toolbar').boundingBox())!;
    expect(bar.height).toBeLessThan(44);
    await expect(page.getByTestId('toolbar').getAttribute('data-folded')).resolves.toMatch(/View/);
    // The last toolbar control ends inside the window.
    const last = (await page.getByTestId('toolbar').locator(':scope > *').last().boundingBox())!;
    expect(last.x + last.width).toBeLessThanOrEqual(1024);

    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    expect(canvas.width).toBeGreaterThan(520);
    const minimap = (await page.locator('.react-flow__minimap').boundingBox())!;
    expect(minimap.width).toBeLessThanOrEqual(canvas.width / 5);
    // Fitted at a readable zoom, from the model's start.
    await expect.poll(() => viewport(page).then((v) => v.zoom)).toBeGreaterThanOrEqual(READABLE_ZOOM);
    const input = (await node(page, 'input').boundingBox())!;
    expect(input.x).toBeGreaterThanOrEqual(canvas.x);
    expect(input.y).toBeGreaterThanOrEqual(canvas.y);
    await snap(page, 'layout-1024x700');

    // The View menu, by keyboard: ↓ opens it on its first item, Escape closes it and returns focus.
    await page.getByTestId('menu-view').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('menu-view-popup').waitFor();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-testid'))).toBe('cmd-layout');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('menu-view-popup').count()).resolves.toBe(0);
    await expect(page.getByTestId('menu-view').evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).resolves.toBe(true);
    // A menu item runs its command: the theme goes system → light → dark.
    for (const _ of [1, 2]) {
      await page.getByTestId('menu-view').click();
      await page.getByTestId('cmd-theme').click();
      await expect(page.getByTestId('menu-view-popup').count()).resolves.toBe(0);
    }
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.getByTestId('menu-view').click();
    await page.getByTestId('cmd-theme').click(); // back to the system's (light)

    // The side panel: dragging its splitter widens it, the keyboard narrows it, and it hides.
    const right = () => page.getByTestId('right-panel').boundingBox().then((b) => b!.width);
    const before = await right();
    const handle = (await page.getByTestId('splitter-right').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x - 60, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(right).toBeGreaterThanOrEqual(before + 55);
    await page.getByTestId('splitter-right').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(right).toBeLessThan(before + 55);
    await page.getByTestId('toggle-right-panel').click();
    await expect(page.getByTestId('right-panel').count()).resolves.toBe(0);
    await expect(page.getByTestId('toggle-right-panel').getAttribute('aria-pressed')).resolves.toBe('false');
    await expect.poll(() => page.getByTestId('canvas').boundingBox().then((b) => b!.width)).toBeGreaterThan(canvas.width + 250);
    // Asking for a tab (the status bar's problem count) shows the panel again.
    await page.getByTestId('status-problems').click();
    await page.getByTestId('right-panel').waitFor();
    await page.getByTestId('toggle-palette').click();
    await expect(page.getByTestId('palette').count()).resolves.toBe(0);
    await page.getByTestId('toggle-palette').click();
    await page.getByTestId('palette').waitFor();
  });

  it('a fitted view fits again when the window changes size', async () => {
    await fresh({ width: 1440, height: 900 });
    await openDocument(page, 'small.cnn.json', SMALL);
    await card(page, 'pool').waitFor();
    await expect.poll(() => viewport(page).then((v) => v.zoom)).toBeGreaterThan(1);
    await expect.poll(() => cardsInCanvas(page).then((c) => c.inside === c.total)).toBe(true);
    const wide = await viewport(page);
    await page.setViewportSize({ width: 1024, height: 700 });
    await expect.poll(() => viewport(page).then((v) => v.zoom)).toBeLessThan(wide.zoom);
    await expect.poll(() => cardsInCanvas(page).then((c) => c.inside === c.total)).toBe(true);
    const fitted = await viewport(page);
    // Once the user moves the view, a resize leaves it where they put it.
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 2, pane.y + 20);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width / 2 + 100, pane.y + 60, { steps: 5 });
    await page.mouse.up();
    const moved = await viewport(page);
    expect(moved.x).not.toBeCloseTo(fitted.x, 0);
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.waitForTimeout(300);
    await expect(viewport(page)).resolves.toEqual(moved);
  });

  it('ResNet-152 at Fit: a readable zoom from its start, the rest by scrolling', async () => {
    await fresh({ width: 1440, height: 900 });
    await page.getByTestId('preset-select').selectOption('resnet152');
    await card(page, 'input').waitFor();
    await expect.poll(() => viewport(page).then((v) => v.zoom)).toBe(READABLE_ZOOM);
    await expect(node(page, 'input').isVisible()).resolves.toBe(true);
    const input = (await node(page, 'input').boundingBox())!;
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    expect(input.x - canvas.x).toBeLessThan(canvas.width * 0.1); // the start is at the top-left
    expect(input.y - canvas.y).toBeLessThan(canvas.height * 0.1);
    // Card text is at least 13 px × 0.6 ≈ 8 px tall on screen.
    const fontPx = await card(page, 'input').locator('.card-type').evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize));
    expect(fontPx * READABLE_ZOOM).toBeGreaterThanOrEqual(7.8);
    // The wheel scrolls the view down the model (Ctrl+wheel zooms).
    const fitted = await viewport(page);
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await page.mouse.wheel(0, 400);
    await expect.poll(() => viewport(page).then((v) => v.y)).toBeLessThan(fitted.y - 100);
    const scrolled = await viewport(page);
    expect(scrolled.zoom).toBe(READABLE_ZOOM);
    // Fit (F) comes back to the start at the same zoom.
    await page.getByTestId('cmd-fit').click();
    await expect.poll(() => viewport(page).then((v) => v.y)).toBeGreaterThan(scrolled.y);
    await snap(page, 'resnet152-fit');
  });
});
