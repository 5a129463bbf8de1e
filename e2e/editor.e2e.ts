/**
 * The editor in browser mode, used as a new user would: build a small network from the palette,
 * read shapes, break and fix it, skip connections with the projection quick fix, presets and their
 * totals, undo/redo. Screenshots of key states go to e2e/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startServer, type RunningServer } from './support/server';
import { snap } from './support/artifacts';
import { card, connect, dragFromPalette, edgeLabel, focusCanvas, node, openEditor, selectNode, statusValue, typeParam } from './support/editor';
import { analyze } from '../engine/src/core/graph/analyze';
import { getPreset } from '../engine/src/core/presets';
import { buildSummary, summaryToCsv, summaryToJson, summaryToMarkdown } from '../engine/src/core/summary';

const noChromium = !chromiumPath();

describe.skipIf(noChromium)('editor (browser mode, Chromium) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const fresh = () => openEditor(page, server.url);

  it('builds Input → Conv2D → min pool → Dense from the palette and shows the shapes on the edges', async () => {
    await fresh();
    await dragFromPalette(page, 'Input', 110, 150);
    await dragFromPalette(page, 'Conv2D', 330, 150);
    await dragFromPalette(page, 'Pool2D-min', 550, 150);
    await dragFromPalette(page, 'Dense', 770, 150);
    for (const id of ['input', 'conv2d', 'pool2d', 'dense']) await expect(card(page, id).isVisible()).resolves.toBe(true);
    // Dropped where the mouse let go: the Input card is centred on the drop point.
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const inputBox = (await node(page, 'input').boundingBox())!;
    const transform = (await page.locator('.react-flow__viewport').getAttribute('style')) ?? '';
    const zoom = Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 1);
    expect(Math.abs(inputBox.x + inputBox.width / 2 - (pane.x + 110))).toBeLessThan(4 * zoom + 2);

    await connect(page, 'input', 'conv2d');
    await connect(page, 'conv2d', 'pool2d');
    await connect(page, 'pool2d', 'dense');
    await expect(edgeLabel(page, 'input->conv2d').textContent()).resolves.toBe('3×224×224');
    await expect(edgeLabel(page, 'conv2d->pool2d').textContent()).resolves.toBe('16×224×224');
    await expect(edgeLabel(page, 'pool2d->dense').textContent()).resolves.toBe('16×112×112');
    await expect(card(page, 'pool2d').getByTestId('node-summary').textContent()).resolves.toBe('min pool 2×2/2');

    // Dense on a feature map is an error, with the Flatten quick fix.
    await expect(card(page, 'dense').getAttribute('data-status')).resolves.toBe('error');
    await snap(page, 'build-dense-needs-flatten');
    await page.getByTestId('tab-problems').click();
    const problem = page.locator('[data-testid="problem"][data-code="dense-needs-flatten"]');
    await problem.getByTestId('problem-fix').click();
    await card(page, 'flatten').waitFor();
    await expect(card(page, 'dense').getAttribute('data-status')).resolves.toBe('ok');
    await expect(edgeLabel(page, 'flatten->dense').textContent()).resolves.toBe('200704');
    await expect(card(page, 'dense').getByTestId('node-shape').textContent()).resolves.toBe('10');
    await expect(page.getByTestId('problems-empty').isVisible()).resolves.toBe(true);
    await snap(page, 'build-fixed');
  });

  it('reports a kernel larger than its input on the node and in Problems, then clears it when fixed; undo and redo', async () => {
    await selectNode(page, 'conv2d');
    await page.getByTestId('param-padding-mode').selectOption('valid');
    await typeParam(page, 'param-kernel-h', '300');
    // Accepted as typed (not clamped), and reported.
    await expect(page.getByTestId('param-kernel-w').inputValue()).resolves.toBe('300');
    await expect(card(page, 'conv2d').getAttribute('data-status')).resolves.toBe('error');
    const title = await card(page, 'conv2d').getAttribute('title');
    expect(title).toContain('300×300 kernel is larger than its 224×224 input');
    await expect(page.getByTestId('field-kernel').getByTestId('field-error').first().textContent()).resolves.toContain('larger than its 224×224 input');
    await page.getByTestId('tab-problems').click();
    const problem = page.locator('[data-testid="problem"][data-code="kernel-too-large"]');
    await expect(problem.getAttribute('data-node-id')).resolves.toBe('conv2d');
    await snap(page, 'kernel-too-large');

    // Clicking the problem selects its node.
    await focusCanvas(page);
    await page.getByTestId('tab-problems').click();
    await problem.click();
    await expect(node(page, 'conv2d').getAttribute('class')).resolves.toContain('selected');
    await page.getByTestId('tab-inspector').click();
    await typeParam(page, 'param-kernel-h', '5');
    await expect(card(page, 'conv2d').getAttribute('data-status')).resolves.toBe('ok');
    await expect(edgeLabel(page, 'conv2d->pool2d').textContent()).resolves.toBe('16×220×220');

    // Undo goes back through the kernel edits (one step per field edit), redo comes forward again.
    await focusCanvas(page);
    await page.keyboard.press('ControlOrMeta+z');
    await expect(card(page, 'conv2d').getAttribute('data-status')).resolves.toBe('error');
    await page.keyboard.press('ControlOrMeta+z');
    await expect(edgeLabel(page, 'conv2d->pool2d').textContent()).resolves.toBe('16×222×222');
    await page.keyboard.press('ControlOrMeta+Shift+z');
    await page.keyboard.press('ControlOrMeta+Shift+z');
    await expect(edgeLabel(page, 'conv2d->pool2d').textContent()).resolves.toBe('16×220×220');
    await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('true');

    // A name typed key by key keeps its spaces (the stored label is trimmed, the field is not mid-typing).
    await selectNode(page, 'conv2d');
    await page.getByTestId('node-label').click();
    await page.getByTestId('node-label').pressSequentially('edge detector ');
    await expect(page.getByTestId('node-label').inputValue()).resolves.toBe('edge detector ');
    await focusCanvas(page);
    await expect(card(page, 'conv2d').locator('.card-type').textContent()).resolves.toBe('edge detector');
    await page.keyboard.press('ControlOrMeta+z');
    await expect(card(page, 'conv2d').locator('.card-type').textContent()).resolves.toBe('Conv 2D');

    // Explicit padding: top, left, bottom, right boxes, each feeding the shape rule.
    await selectNode(page, 'conv2d');
    await page.getByTestId('param-padding-mode').selectOption('explicit');
    for (const [side, v] of [['0', '0'], ['1', '1'], ['2', '2'], ['3', '3']] as const) await typeParam(page, `param-padding-${side}`, v);
    // 5×5 kernel on 224×224: H = 224 + 0 + 2 − 5 + 1, W = 224 + 1 + 3 − 5 + 1.
    await expect(edgeLabel(page, 'conv2d->pool2d').textContent()).resolves.toBe('16×222×224');
  });

  it('builds a skip connection over mismatched shapes and applies the 1×1 projection quick fix', async () => {
    await fresh();
    await dragFromPalette(page, 'Input', 120, 250);
    await dragFromPalette(page, 'Conv2D', 380, 120);
    await dragFromPalette(page, 'Add', 640, 250);
    await selectNode(page, 'input');
    await typeParam(page, 'param-height', '32');
    await typeParam(page, 'param-width', '32');
    await selectNode(page, 'conv2d');
    await typeParam(page, 'param-stride-h', '2');
    await connect(page, 'input', 'conv2d');
    await connect(page, 'conv2d', 'add', 0);
    // The Add now has a free second input.
    await connect(page, 'input', 'add', 1);
    await expect(edgeLabel(page, 'conv2d->add').textContent()).resolves.toBe('16×16×16');
    await expect(edgeLabel(page, 'input->add').textContent()).resolves.toBe('3×32×32');
    await expect(card(page, 'add').getAttribute('data-status')).resolves.toBe('error');
    await expect(page.locator('[data-testid="edge"][data-edge-id="input->add"]').getAttribute('data-error')).resolves.toBe('true');
    await snap(page, 'skip-mismatch');

    await page.getByTestId('tab-problems').click();
    await page.locator('[data-testid="problem"][data-code="add-shape-mismatch"]').getByTestId('problem-fix').click();
    await card(page, 'conv2d_2').waitFor();
    await expect(card(page, 'conv2d_2').getByTestId('node-summary').textContent()).resolves.toBe('conv 1×1/2, 16');
    await expect(card(page, 'add').getAttribute('data-status')).resolves.toBe('ok');
    await expect(card(page, 'add').getByTestId('node-shape').textContent()).resolves.toBe('16×16×16');
    await expect(page.getByTestId('problems-empty').isVisible()).resolves.toBe(true);
    await snap(page, 'skip-projected');
  });

  it('loads the ResNet-50 preset with the totals of `cnn-studio summary preset:resnet50 --json`, and opens a residual unit', async () => {
    await fresh();
    await page.getByTestId('preset-select').selectOption('resnet50');
    await card(page, 'input').waitFor();
    const doc = getPreset('resnet50');
    const totals = summaryToJson(buildSummary(doc, analyze(doc))).totals;
    await expect(statusValue(page, 'status-params')).resolves.toBe(totals.params);
    await expect(statusValue(page, 'status-macs')).resolves.toBe(totals.macs);
    await expect(statusValue(page, 'status-activations')).resolves.toBe(totals.activationBytes);
    await expect(statusValue(page, 'status-depth')).resolves.toBe(50);
    // torchvision's resnet50: 25,557,032 parameters.
    await expect(statusValue(page, 'status-params')).resolves.toBe(25_557_032);
    await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('false');
    await snap(page, 'resnet50');

    // Open the first unit of stage 3 (it downsamples: projection shortcut).
    const unit = doc.nodes.find((n) => n.type === 'ResidualUnit' && n.params.stride === 2)!.id;
    await page.getByTestId('cmd-fit').click();
    await card(page, unit).click();
    await page.getByTestId('inspector-open-toggle').click();
    const prims = node(page, unit).page().locator(`.react-flow__node-prim[data-id^="${unit}/"]`);
    // Opening may lay the model out again (async) and centres the unit: wait until every primitive is on screen.
    await expect.poll(() => prims.count()).toBe(analyze(doc).nodes[unit].primitives.length);
    await expect(page.locator(`[data-prim-id="${unit}/proj"]`).textContent()).resolves.toContain('shortcut: 1×1 projection');
    await expect(page.locator(`[data-prim-id="${unit}/proj"]`).textContent()).resolves.toContain('512×28×28');
    await snap(page, 'resnet50-unit-open');
    await expect(page.getByTestId('inspector-inside').getByTestId('inside-row').count()).resolves.toBe(analyze(doc).nodes[unit].primitives.length);
    await page.getByTestId('inspector-open-toggle').click();
    await expect(prims.count()).resolves.toBe(0);

    // The summary table has one row per node.
    await page.getByTestId('open-summary').click();
    await expect(page.getByTestId('summary-row').count()).resolves.toBe(doc.nodes.length);
    // conv1 of torchvision's resnet50: 64 × 3 × 7 × 7 = 9,408 weights, in the Params column.
    const headers = await page.getByTestId('summary-table').locator('th').allTextContents();
    const stem = doc.nodes.find((n) => n.type === 'Conv2D')!.id;
    const stemRow = page.getByTestId('summary-row').filter({ hasText: stem }).first();
    await expect(stemRow.locator('td').nth(headers.indexOf('Params')).textContent()).resolves.toBe('9,408');
    await expect(stemRow.locator('td').nth(headers.indexOf('Output shape')).textContent()).resolves.toBe('64×112×112');
    await page.getByTestId('summary-close').click();

    // Opened from its card, a unit's box covers no other card (the model is laid out again if it would).
    await card(page, 'conv2_1').getByTestId('node-open-toggle').click();
    await page.locator('.react-flow__node-prim[data-id^="conv2_1/"]').first().waitFor();
    await expect
      .poll(() =>
        page.locator('.react-flow__node:not(.react-flow__node-prim)').evaluateAll((els) => {
          const boxes = els.map((e) => ({ id: e.getAttribute('data-id'), r: e.getBoundingClientRect() }));
          const m = boxes.find((b) => b.id === 'conv2_1')!.r;
          return boxes.filter((b) => b.id !== 'conv2_1' && b.r.left < m.right - 1 && m.left < b.r.right - 1 && b.r.top < m.bottom - 1 && m.top < b.r.bottom - 1).map((b) => b.id);
        }),
      )
      .toEqual([]);
    await card(page, 'conv2_1').getByTestId('node-open-toggle').click();
    expect(browser.errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
  });

  it('inserts by double-click search, filters the palette, and copies, pastes, duplicates and deletes with the keyboard', async () => {
    await fresh();
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.dblclick(pane.x + 300, pane.y + 200);
    await page.getByTestId('quick-insert-input').fill('min po');
    await page.getByTestId('quick-insert-input').press('Enter');
    await card(page, 'pool2d').waitFor();
    await expect(card(page, 'pool2d').getByTestId('node-summary').textContent()).resolves.toBe('min pool 2×2/2');

    await page.getByTestId('palette-search').fill('residual unit');
    await expect(page.locator('[data-testid^="palette-item-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).resolves.toEqual([
      'palette-item-ResidualUnit-basic',
      'palette-item-ResidualUnit-bottleneck',
    ]);
    await page.getByTestId('palette-search').fill('');

    await dragFromPalette(page, 'Input', 100, 350);
    await connect(page, 'input', 'pool2d');
    await focusCanvas(page);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('ControlOrMeta+c');
    await page.keyboard.press('ControlOrMeta+v');
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(4);
    // The pasted copy keeps its inner edge, with the shape on it.
    await expect(edgeLabel(page, 'input_2->pool2d_2').textContent()).resolves.toBe('3×224×224');
    await page.keyboard.press('Delete');
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(2);
    await selectNode(page, 'pool2d');
    await focusCanvas(page);
    await card(page, 'pool2d').click();
    await page.keyboard.press('ControlOrMeta+d');
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(3);
    await page.keyboard.press('ControlOrMeta+z');
    await page.keyboard.press('ControlOrMeta+z');
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(4);

    // Shift-click adds to the selection; Delete removes both.
    // (Pasted copies sit 40 px down and right of the originals: click where they do not overlap.)
    await card(page, 'input').click({ position: { x: 12, y: 10 } });
    const box = (await card(page, 'input_2').boundingBox())!;
    await card(page, 'input_2').click({ modifiers: ['Shift'], position: { x: box.width - 8, y: box.height - 8 } });
    await expect(page.getByTestId('inspector-multi').textContent()).resolves.toContain('2 nodes selected');
    await page.keyboard.press('Delete');
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(2);
    // Auto-layout in both directions keeps every node and is one undo step.
    await page.getByTestId('layout-direction').selectOption('TB');
    await page.getByTestId('cmd-layout').click();
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(2);
  });

  it('the page\'s cut/copy/paste events (the desktop Edit menu\'s roles) act on selected nodes, and leave text fields alone', async () => {
    await fresh();
    await dragFromPalette(page, 'Input', 150, 200);
    await card(page, 'input').click();
    const cards = page.locator('[data-testid="node-card"]');
    // What Electron's copy/paste roles do: the editing command fires the event at the focused element.
    const fire = (type: 'copy' | 'cut' | 'paste') =>
      page.evaluate(`!(document.activeElement || document.body).dispatchEvent(new ClipboardEvent(${JSON.stringify(type)}, { bubbles: true, cancelable: true, clipboardData: new DataTransfer() }))`);
    await expect(fire('copy')).resolves.toBe(true); // handled: the editor took it
    await expect(fire('paste')).resolves.toBe(true);
    await expect(cards.count()).resolves.toBe(2);
    await expect(fire('cut')).resolves.toBe(true); // the pasted copy is selected: cut removes it
    await expect(cards.count()).resolves.toBe(1);

    // Focus in a text field: the field keeps its native cut/copy/paste, the model is untouched.
    await card(page, 'input').click();
    await page.getByTestId('palette-search').click();
    await expect(fire('copy')).resolves.toBe(false);
    await expect(fire('paste')).resolves.toBe(false);
    await expect(fire('cut')).resolves.toBe(false);
    await expect(cards.count()).resolves.toBe(1);

    // Chromium's own Copy / Paste editing commands — what an Electron menu role runs (webContents.copy()
    // executes the same frame command) — sent through the DevTools protocol with a key the editor ignores.
    await card(page, 'input').click();
    const cdp = await page.context().newCDPSession(page);
    const editCommand = async (command: 'copy' | 'paste') => {
      await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'F20', code: 'F20', windowsVirtualKeyCode: 131, commands: [command] });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'F20', code: 'F20', windowsVirtualKeyCode: 131 });
    };
    await editCommand('copy');
    await editCommand('paste');
    await expect.poll(() => cards.count()).toBe(2);
    await cdp.detach();
  });

  it('copies the Summary as Markdown and CSV through the host (shell.copyText)', async () => {
    await fresh();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    await page.getByTestId('preset-select').selectOption('lenet5');
    await card(page, getPreset('lenet5').nodes[0]!.id).waitFor();
    await page.getByTestId('open-summary').click();
    const doc = getPreset('lenet5');
    const summary = buildSummary(doc, analyze(doc));
    await page.getByTestId('summary-copy-md').click();
    await page.getByTestId('toast').filter({ hasText: 'Summary copied as Markdown' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(summaryToMarkdown(summary));
    await page.getByTestId('summary-copy-csv').click();
    await page.getByTestId('toast').filter({ hasText: 'Summary copied as CSV' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(summaryToCsv(summary));
    await page.getByTestId('summary-close').click();
  });

  it('asks before discarding unsaved changes', async () => {
    await fresh();
    await dragFromPalette(page, 'Input', 200, 200);
    await page.getByTestId('cmd-new').click();
    await page.getByTestId('confirm').waitFor();
    await page.getByTestId('confirm-cancel').click();
    await expect(card(page, 'input').isVisible()).resolves.toBe(true);
    await page.getByTestId('cmd-new').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('canvas-empty').waitFor();
  });
});
