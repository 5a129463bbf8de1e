/**
 * Accessibility of the main screens (WCAG 2.1 AA), checked by axe-core inside the page: the empty
 * editor, a preset after a real run, each right-hand tab, warnings and errors on the canvas, and each
 * dialog — in the light and the dark theme — with no serious or critical violation. Plus what axe
 * cannot judge alone: the inspector's number fields are named by their labels, sample images are
 * buttons, and an edge can be made with the keyboard only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startLiveServer, type LiveServer } from './support/live-server';
import { canvasContrastProblems, seriousViolations } from './support/axe';
import { card, edgeLabel, node, openEditor, selectNode } from './support/editor';
import { openDocument, waitForThumbnails } from './support/live-input';
import { fakeRun, lenet, withParams } from '../renderer/src/train/runs-fixtures';

const noChromium = !chromiumPath();

/** Input → conv, and a pool: nothing connected but the first edge (for connecting with the keyboard). */
const LOOSE = {
  format: 'cnn-studio.model',
  version: 1,
  name: 'loose',
  nodes: [
    { id: 'in', type: 'Input', params: { channels: 1, height: 28, width: 28 }, position: { x: 0, y: 0 } },
    { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 3 }, position: { x: 300, y: 0 } },
    { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 }, position: { x: 600, y: 0 } },
  ],
  edges: [{ id: 'e1', source: 'in', target: 'conv' }],
};

/** LeNet-5 with a lone Conv2D (a warning) and a Dense fed by nothing (an error), left of the input so a fit shows them. */
function withProblems() {
  const doc = lenet();
  return {
    ...doc,
    nodes: [
      ...doc.nodes,
      { id: 'loose_conv', type: 'Conv2D', params: { filters: 4, kernel: 3 }, position: { x: -700, y: 0 } },
      { id: 'loose_dense', type: 'Dense', params: { units: 10 }, position: { x: -700, y: 220 } },
      { id: 'loose_relu', type: 'Activation', params: { fn: 'relu' }, position: { x: -450, y: 220 } },
    ],
    edges: [...doc.edges, { id: 'loose', source: 'loose_dense', target: 'loose_relu' }],
  };
}

/** LeNet-5 with two training runs kept (for the Runs tab and its wide view). */
function lenetWithRuns() {
  const second = withParams(lenet(), 'c1_conv_5_5', { filters: 8 });
  return { ...lenet(), runs: [fakeRun(lenet()), fakeRun(second, { id: 'run-2', name: 'LeNet-5 #2', accuracy: [[0.92, 0.94], [0.97, 0.98]] })] };
}

describe.skipIf(noChromium)('accessibility (axe-core in Chromium, real engine) — skipped when chromium is not installed', { timeout: 240_000 }, () => {
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  describe.each(['light', 'dark'] as const)('%s theme', (theme) => {
    let browser: Browser;
    let page: Page;
    /** Every serious or critical violation seen, prefixed with the state it was seen in. */
    const found: string[] = [];

    beforeAll(async () => {
      browser = await launchBrowser({ colorScheme: theme, viewport: { width: 1440, height: 900 } });
      page = browser.page;
      page.setDefaultTimeout(30_000);
      page.on('dialog', (d) => void d.accept());
    });

    afterAll(async () => {
      await browser?.close();
    });

    const check = async (state: string) => {
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(theme);
      for (const line of await seriousViolations(page)) found.push(`${state}: ${line}`);
      for (const line of await canvasContrastProblems(page)) found.push(`${state}: canvas contrast: ${line}`);
    };
    const tab = async (id: string) => {
      await page.getByTestId(`tab-${id}`).click();
      await page.getByTestId(`tab-${id}`).and(page.locator('[aria-selected="true"]')).waitFor();
    };
    const fresh = () => openEditor(page, server.url);
    const TABS = ['inspector', 'problems', 'run', 'maps', 'explain', 'train', 'runs'];

    it('the empty editor with its welcome, and each right-hand tab', async () => {
      found.length = 0;
      await fresh();
      await page.getByTestId('welcome').waitFor();
      await check('empty editor');
      for (const id of TABS) {
        await tab(id);
        await check(`empty editor, ${id} tab`);
      }
      await tab('explain');
      await page.getByTestId('lecture-example-pooling').click();
      await page.getByTestId('explain-pooling').waitFor();
      await check('empty editor, explain tab, pooling table');
      expect(found).toEqual([]);
    });

    it('LeNet-5 after a run, with each right-hand tab (a node selected where the tab is about one)', async () => {
      found.length = 0;
      await fresh();
      await openDocument(page, 'lenet-runs.cnn.json', lenetWithRuns());
      await waitForThumbnails(page);
      await check('LeNet-5 on the canvas');
      await tab('run');
      await page.locator('[data-testid="run-status"][data-state="done"]').waitFor();
      await page.getByTestId('top-k-untrained').waitFor(); // the key warning of random weights
      await check('run tab, done, untrained top-5');
      await tab('inspector');
      await check('inspector, model');
      for (const id of ['c1_conv_5_5', 's2_avg_pool', 'f6_dense', 'input']) {
        await selectNode(page, id);
        await check(`inspector, ${id}`);
      }
      await selectNode(page, 'c1_conv_5_5');
      for (const id of ['maps', 'explain']) {
        await tab(id);
        await check(`${id} tab, c1_conv_5_5`);
      }
      await selectNode(page, 's2_avg_pool');
      await tab('explain');
      await page.getByTestId('explain-pooling').waitFor();
      await check('explain tab, s2_avg_pool');
      for (const id of ['problems', 'train', 'runs']) {
        await tab(id);
        await check(`${id} tab`);
      }
      expect(found).toEqual([]);
    });

    it('errors and warnings: the card flags, the Problems list and the status bar', async () => {
      found.length = 0;
      await fresh();
      await openDocument(page, 'broken.cnn.json', withProblems());
      await card(page, 'loose_conv').waitFor();
      await expect.poll(() => page.locator('[data-testid="node-problem"]').count()).toBeGreaterThanOrEqual(2);
      await expect(card(page, 'loose_conv').getAttribute('data-status')).resolves.toBe('unconnected');
      await expect(card(page, 'loose_dense').getAttribute('data-status')).resolves.toBe('error');
      await expect(card(page, 'loose_conv').getByTestId('node-problem').isVisible()).resolves.toBe(true); // the warning's "!" is on screen
      await expect.poll(() => page.getByTestId('status-problems').getAttribute('class')).toContain('error');
      await check('canvas with an error and a warning');
      await tab('problems');
      await check('problems tab with errors and warnings');
      expect(found).toEqual([]);
    });

    it('each dialog: confirm, message, summary, connect, quick insert, a folded toolbar menu and the runs wide view', async () => {
      found.length = 0;
      await fresh();
      await openDocument(page, 'lenet-runs.cnn.json', lenetWithRuns());
      await card(page, 'input').waitFor();

      await page.getByTestId('open-summary').click();
      await page.getByTestId('summary-view').waitFor();
      await check('summary dialog');
      await page.getByTestId('summary-close').click();

      await selectNode(page, 'c1_conv_5_5');
      await page.getByTestId('inspector-connect').click();
      await page.getByTestId('connect-dialog').waitFor();
      await check('connect dialog');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('connect-dialog').count()).toBe(0);

      await tab('runs');
      await page.getByTestId('runs-wide-open').click();
      await page.getByRole('dialog', { name: 'Runs' }).waitFor();
      await check('runs wide view');
      await page.getByTestId('runs-wide-close').first().click();

      const pane = (await page.locator('.react-flow__pane').boundingBox())!;
      await page.mouse.dblclick(pane.x + pane.width - 30, pane.y + 30);
      await page.getByTestId('quick-insert').waitFor();
      await check('quick insert');
      await page.keyboard.press('Escape');

      // An edit, then New: the unsaved-changes question.
      await selectNode(page, 'c1_conv_5_5');
      await page.keyboard.press('Delete');
      await page.getByTestId('cmd-new').click();
      await page.getByTestId('confirm').waitFor();
      await check('confirm dialog');
      await page.getByTestId('confirm-ok').click();

      // A file that is not a model: the error message.
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('cmd-open').click()]);
      await chooser.setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a model') });
      await page.getByTestId('message').waitFor();
      await check('message dialog');
      await page.getByTestId('message-close').click();

      // A narrow window folds toolbar groups into menus.
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.getByTestId('menu-view').click();
      await page.getByTestId('menu-view-popup').waitFor();
      await check('toolbar View menu (1024×700)');
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 1440, height: 900 });
      expect(found).toEqual([]);
    });
  });

  describe('named controls and the keyboard', () => {
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
      page = browser.page;
      page.setDefaultTimeout(30_000);
      page.on('dialog', (d) => void d.accept());
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('inspector number fields are named by their labels; sample images are buttons named by their titles', async () => {
      await page.goto(server.url);
      await page.getByTestId('preset-select').selectOption('lenet5');
      await selectNode(page, 'c1_conv_5_5');
      const inspector = page.getByTestId('inspector');
      for (const name of ['Filters', 'Kernel height', 'Kernel width', 'Stride height', 'Stride width']) {
        await expect(inspector.getByRole('textbox', { name, exact: true }).count(), name).resolves.toBe(1);
      }
      await expect(inspector.getByRole('textbox', { name: 'Filters', exact: true }).inputValue()).resolves.toBe('6');
      await page.getByTestId('tab-run').click();
      const samples = page.getByRole('group', { name: 'Sample images' });
      await expect(samples.getByRole('listitem').count()).resolves.toBe(0);
      await samples.getByRole('button', { name: 'Digit 0', exact: true }).click();
      await expect.poll(() => page.getByTestId('input-name').textContent()).toBe('Digit 0');
    });

    it('connects two nodes with the keyboard only: select a card with Enter, C opens "Connect … to…", type, Enter', async () => {
      await page.goto(server.url);
      await page.getByTestId('palette').waitFor();
      await openDocument(page, 'loose.cnn.json', LOOSE);
      await card(page, 'conv').waitFor();
      await node(page, 'conv').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => node(page, 'conv').getAttribute('class')).toContain('selected');
      await page.keyboard.press('c');
      const dialog = page.getByRole('dialog', { name: 'Connect Conv 2D “conv” to…' });
      await dialog.waitFor();
      // Only where the output can go: not the Input, not itself.
      await expect(dialog.getByRole('option').allTextContents()).resolves.toEqual(['Pool 2Dpool']);
      await page.keyboard.type('pool');
      await page.keyboard.press('Enter');
      await expect.poll(() => edgeLabel(page, 'conv->pool').textContent()).toBe('4×26×26');
      await expect.poll(() => dialog.count()).toBe(0);
      await expect.poll(() => page.getByTestId('toast').textContent()).toContain('Connected Conv 2D “conv” → Pool 2D “pool”');
      // One undoable edit.
      await page.getByTestId('cmd-undo').click();
      await expect.poll(() => edgeLabel(page, 'conv->pool').count()).toBe(0);
    });
  });
});
