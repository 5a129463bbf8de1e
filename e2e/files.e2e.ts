/**
 * Files in browser mode: save (a download), reopen (the file picker) and get the identical document;
 * a broken file or one that is not a model gives a clear message and leaves the open model alone.
 * Also: the theme follows the system.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialog, Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startServer, type RunningServer } from './support/server';
import { snap } from './support/artifacts';
import { card, focusCanvas, selectNode, statusValue, typeParam } from './support/editor';
import { startLiveServer, type LiveServer } from './support/live-server';
import type { PageElement } from './support/live-input';
import { parseDocument } from '../engine/src/core/document/load';
import { getPreset } from '../engine/src/core/presets';
import { analyze } from '../engine/src/core/graph/analyze';

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
    await expect.poll(() => card(page, doc.nodes[1].id).getAttribute('data-status')).toBe('error');
    await expect(page.locator('[data-testid="problem"]').count()).resolves.toBe(0); // Problems tab not open yet
    await page.getByTestId('tab-problems').click();
    await expect(page.locator('[data-testid="problem"][data-code="invalid-param"]').count()).resolves.toBeGreaterThan(0);

    // An edge to a node the file does not have: one click deletes it, the rest of the model is untouched.
    const dangling = JSON.parse(saved);
    dangling.edges.push({ id: 'to_nowhere', source: dangling.nodes[1].id, target: 'deleted_node' });
    await openWith(page, 'dangling.cnn.json', JSON.stringify(dangling));
    await page.getByTestId('tab-problems').click();
    const problem = page.locator('[data-testid="problem"][data-code="dangling-edge"]');
    await expect(problem.getByTestId('problem-fix').textContent()).resolves.toBe('Delete this edge');
    await problem.getByTestId('problem-fix').click();
    await page.getByTestId('problems-empty').waitFor();
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(dangling.nodes.length);
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

  it('offers unsaved work after a reload; Restore brings the edit back, Discard removes it', async () => {
    const accept = (d: Dialog) => void d.accept(); // the browser's leave-page prompt (the model is unsaved)
    page.on('dialog', accept);
    try {
      await freshPage(page, server.url);
      await page.getByTestId('preset-select').selectOption('lenet5');
      const first = (await page.locator('[data-testid="node-card"]').first().getAttribute('data-node-id'))!;
      await selectNode(page, first);
      await page.getByTestId('node-label').fill('recover me');
      await focusCanvas(page);
      await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('true');

      await page.reload(); // without saving: leaving the page writes the pending snapshot
      const offer = page.getByTestId('recovery-offer');
      await offer.waitFor();
      await expect(offer.textContent()).resolves.toMatch(/^Restore unsaved work from .+\?RestoreDiscard$/);
      await expect(page.getByTestId('canvas-empty').count()).resolves.toBe(1); // nothing restored until asked
      await snap(page, 'recovery-offer');
      await page.getByTestId('recovery-restore').click();
      await card(page, first).waitFor();
      await expect(offer.count()).resolves.toBe(0);
      await selectNode(page, first);
      await expect(page.getByTestId('node-label').inputValue()).resolves.toBe('recover me');
      await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('true');
      await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(getPreset('lenet5').nodes.length);

      await page.reload();
      await offer.waitFor();
      await page.getByTestId('recovery-discard').click();
      await expect(offer.count()).resolves.toBe(0);
      await expect(page.evaluate('localStorage.getItem("cnn-studio:recovery")')).resolves.toBeNull();
    } finally {
      page.off('dialog', accept);
    }
  });
});

/** Reload the app, declining any recovery offer left by earlier steps. */
async function freshPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('palette').waitFor();
  await page.evaluate('localStorage.removeItem("cnn-studio:recovery")');
  await page.goto(url);
  await page.getByTestId('palette').waitFor();
}

describe.skipIf(noChromium)('File ▸ Import ONNX (browser mode, Chromium, real engine) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startLiveServer();
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(30_000);
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** File ▸ Import ONNX; `replacesUnsaved`: the open model is unsaved, so the editor asks first. */
  async function importWith(name: string, bytes: Uint8Array, replacesUnsaved = false): Promise<void> {
    const chosen = page.waitForEvent('filechooser');
    await page.getByTestId('cmd-import-onnx').click();
    if (replacesUnsaved) {
      await page.getByTestId('confirm').waitFor();
      await page.getByTestId('confirm-ok').click();
    }
    const chooser = await chosen;
    expect(await chooser.element().getAttribute('accept')).toBe('.onnx');
    await chooser.setFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  }

  it('imports an ONNX model made by our own exporter: laid out, unsaved, with the preset layers and totals', async () => {
    const preset = getPreset('lenet5');
    const expected = analyze(preset);
    const onnx = await server.engine.exportOnnx(preset);
    await importWith('lenet5.onnx', onnx);
    await page.getByTestId('toast').filter({ hasText: 'Imported lenet5.onnx' }).waitFor();
    // The canvas shows what the engine's importer makes of the file, node for node.
    const direct = await server.engine.importOnnx(onnx, 'lenet5');
    // The layout and fit after an import are async, and only cards in view are rendered: wait for all of them.
    await expect.poll(() => page.locator('[data-testid="node-card"]').count()).toBe(direct.nodes.length);
    const types = await page.locator('[data-testid="node-card"]').evaluateAll((els) => els.map((e) => (e as unknown as PageElement).getAttribute('data-type')).sort());
    expect(types).toEqual(direct.nodes.map((n) => n.type).sort());
    await expect(page.locator('[data-testid="node-card"][data-status="error"]').count()).resolves.toBe(0);
    expect(await statusValue(page, 'status-params')).toBe(expected.totals.params);
    expect(await statusValue(page, 'status-macs')).toBe(expected.totals.macs);
    await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('true');
    await expect(page.getByTestId('doc-title').textContent()).resolves.toContain(direct.name);
    const boxes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => (e as unknown as { style: { transform: string } }).style.transform));
    expect(new Set(boxes).size).toBe(direct.nodes.length); // auto-layout: no two cards on the same spot
    await snap(page, 'onnx-imported');
  });

  it('keeps the current model when the file is not a valid ONNX model, and says why', async () => {
    const before = await page.locator('[data-testid="node-card"]').count();
    const params = await statusValue(page, 'status-params');
    await importWith('broken.onnx', Uint8Array.of(0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01), true);
    await page.getByTestId('message').waitFor();
    await expect(page.getByTestId('message-title').textContent()).resolves.toBe('Could not import broken.onnx');
    await expect(page.getByTestId('message-text').textContent()).resolves.toMatch(/\S.*\n\nThe current model is unchanged\.$/s);
    await snap(page, 'onnx-import-broken');
    await page.getByTestId('message-close').click();
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(before);
    expect(await statusValue(page, 'status-params')).toBe(params);
  });
});
