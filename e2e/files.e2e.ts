/**
 * Files in browser mode: save (a download), reopen (the file picker) and get the identical document;
 * a broken file or one that is not a model gives a clear message and leaves the open model alone.
 * Also: the theme follows the system.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startServer, type RunningServer } from './support/server';
import { snap } from './support/artifacts';
import { card, focusCanvas, selectNode, typeParam } from './support/editor';
import { parseDocument } from '../engine/src/core/document/load';

const noChromium = !chromiumPath();

async function saveVia(page: Page, testId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync(await download.path(), 'utf8');
}

async function openWith(page: Page, name: string, text: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('cmd-open').click()]);
  await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

describe.skipIf(noChromium)('files (browser mode, Chromium) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ colorScheme: 'dark' });
    page = browser.page;
    page.setDefaultTimeout(20_000);
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('follows the system theme (dark here) and toggles it', async () => {
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    await page.getByTestId('cmd-theme').click(); // system → light
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('light');
    await page.getByTestId('cmd-theme').click(); // light → dark
    await page.getByTestId('cmd-theme').click(); // dark → system
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
  });

  let saved = '';

  it('saves an edited preset and reopens it as the identical document', async () => {
    await page.getByTestId('preset-select').selectOption('lenet5');
    const first = (await page.locator('[data-testid="node-card"]').first().getAttribute('data-node-id'))!;
    await selectNode(page, first);
    await page.getByTestId('node-label').fill('digits in');
    await focusCanvas(page);
    await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('true');
    saved = await saveVia(page, 'cmd-save');
    await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('false');
    const parsed = parseDocument(saved);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.document.nodes.find((n) => n.id === first)?.label).toBe('digits in');
    expect(parsed.document.nodes.every((n) => n.position)).toBe(true);

    // Start over, then open the saved file: the same document, and saving it again writes the same bytes.
    await page.getByTestId('cmd-new').click();
    await page.getByTestId('canvas-empty').waitFor();
    await openWith(page, 'lenet.cnn.json', saved);
    await card(page, first).waitFor();
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(parsed.document.nodes.length);
    await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('false');
    const again = await saveVia(page, 'cmd-save-as');
    expect(again).toBe(saved);
    await snap(page, 'reopened');
  });

  it('refuses a broken file and one that is not a model, keeping the current document', async () => {
    const nodesBefore = await page.locator('[data-testid="node-card"]').count();
    const titleBefore = await page.getByTestId('doc-title').textContent();
    await openWith(page, 'broken.cnn.json', saved.slice(0, saved.length / 2));
    await page.getByTestId('message').waitFor();
    await expect(page.getByTestId('message-text').textContent()).resolves.toMatch(/not valid JSON|Not valid JSON/i);
    await snap(page, 'broken-file');
    await page.getByTestId('message-close').click();
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(nodesBefore);
    await expect(page.getByTestId('doc-title').textContent()).resolves.toBe(titleBefore);

    await openWith(page, 'package.json', JSON.stringify({ name: 'something', version: '1.0.0' }));
    await page.getByTestId('message').waitFor();
    await expect(page.getByTestId('message-text').textContent()).resolves.toContain('Not a CNN Studio model');
    await page.getByTestId('message-close').click();
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(nodesBefore);

    // A model whose nodes are wrong still opens: the problems are diagnostics, not a refusal.
    const doc = JSON.parse(saved);
    doc.nodes[1].params = { ...doc.nodes[1].params, kernel: 0 };
    await openWith(page, 'bad-kernel.cnn.json', JSON.stringify(doc));
    await card(page, doc.nodes[1].id).waitFor();
    await expect(card(page, doc.nodes[1].id).getAttribute('data-status')).resolves.toBe('error');
    await expect(page.locator('[data-testid="problem"]').count()).resolves.toBe(0); // Problems tab not open yet
    await page.getByTestId('tab-problems').click();
    await expect(page.locator('[data-testid="problem"][data-code="invalid-param"]').count()).resolves.toBeGreaterThan(0);
  });

  it('edits a parameter with typing, which is one undo step', async () => {
    const conv = (await page.locator('[data-testid="node-card"][data-type="Conv2D"]').last().getAttribute('data-node-id'))!;
    const before = await card(page, conv).getByTestId('node-summary').textContent();
    await selectNode(page, conv);
    await typeParam(page, 'param-filters', '123');
    await expect(card(page, conv).getByTestId('node-summary').textContent()).resolves.toContain(', 123');
    await focusCanvas(page);
    await page.keyboard.press('ControlOrMeta+z');
    await expect(card(page, conv).getByTestId('node-summary').textContent()).resolves.toBe(before);
  });
});
