/**
 * File ▸ Import ONNX of a model exported for images of any size (symbolic height and width), in
 * browser mode with the real engine: the editor asks for channels × height × width (3×224×224
 * offered), checks what is typed, and imports at the size given; cancelling keeps the open model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startLiveServer, type LiveServer } from './support/live-server';
import { snap } from './support/artifacts';
import { statusValue } from './support/editor';
import type { PageElement } from './support/live-input';
import { analyze } from '../engine/src/core/graph/analyze';
import { encodeModel } from '../engine/src/core/onnx/proto';
import { floatTensor, model, node, randomValues } from '../engine/src/core/onnx/importer/testing';

const noChromium = !chromiumPath();

/** x N×3×H×W (H and W symbolic) → Conv 3×3 (4 filters, pad 1) → Relu → GlobalAveragePool → Flatten → Gemm (5 units). */
function anySizeOnnx(): Uint8Array {
  const m = model({
    input: [3, 8, 8],
    nodes: [
      node('Conv', ['x', 'w', 'b'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'features/conv'),
      node('Relu', ['c'], ['r'], {}, 'features/relu'),
      node('GlobalAveragePool', ['r'], ['g'], {}, 'pool'),
      node('Flatten', ['g'], ['f'], { axis: 1 }, 'flatten'),
      node('Gemm', ['f', 'fc_w', 'fc_b'], ['y'], { transB: 1 }, 'fc'),
    ],
    initializers: [floatTensor('w', [4, 3, 3, 3], randomValues(108, 1)), floatTensor('b', [4], randomValues(4, 2)), floatTensor('fc_w', [5, 4], randomValues(20, 3)), floatTensor('fc_b', [5], randomValues(5, 4))],
    output: 'y',
  });
  m.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimParam: 'batch' }, { dimValue: 3 }, { dimParam: 'height' }, { dimParam: 'width' }];
  return encodeModel(m);
}

describe.skipIf(noChromium)('File ▸ Import ONNX of a model with a symbolic image size (browser mode, Chromium, real engine) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;
  const bytes = anySizeOnnx();

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

  async function importFile(name: string): Promise<void> {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('cmd-import-onnx').click()]);
    await chooser.setFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  }

  const field = (name: 'channels' | 'height' | 'width') => page.getByTestId(`input-shape-${name}`);

  it('asks for the size, offering 3×224×224 and saying why; Escape cancels and keeps the open model', async () => {
    const before = await page.locator('[data-testid="node-card"]').count();
    await importFile('any-size.onnx');
    const dialog = page.getByTestId('input-shape-dialog');
    await dialog.waitFor();
    await expect(dialog.getByRole('heading').textContent()).resolves.toBe('Image size for any-size.onnx');
    await expect(page.getByTestId('input-shape-detail').textContent()).resolves.toMatch(/^Graph input "x" leaves its height and width open \(batch×3×height×width\)/);
    expect(await Promise.all(['channels', 'height', 'width'].map((f) => field(f as 'channels').inputValue()))).toEqual(['3', '224', '224']);
    await expect(field('channels').evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(page.getByTestId('message').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="node-card"]').count()).resolves.toBe(before);
  });

  it('checks what is typed, then imports at 3×32×32: the layers and totals of the model at that size', async () => {
    await importFile('any-size.onnx');
    await page.getByTestId('input-shape-dialog').waitFor();
    await field('height').fill('0');
    await expect(page.getByTestId('input-shape-height-error').textContent()).resolves.toBe('Height: A whole number from 1 to 65,536.');
    await expect(page.getByTestId('input-shape-ok').isDisabled()).resolves.toBe(true);
    await expect(field('height').getAttribute('aria-invalid')).resolves.toBe('true');
    await field('height').fill('32');
    await field('width').fill('32');
    await expect(page.getByTestId('input-shape-height-error').count()).resolves.toBe(0);
    await snap(page, 'onnx-import-shape-dialog');
    await page.getByTestId('input-shape-ok').click();
    await page.getByTestId('toast').filter({ hasText: 'Imported any-size.onnx' }).waitFor();
    await expect(page.getByTestId('input-shape-dialog').count()).resolves.toBe(0);

    // The canvas shows what the engine makes of the file at 3×32×32, node for node.
    const direct = await server.engine.importOnnx(bytes, 'any-size', [3, 32, 32]);
    expect(direct.nodes[0].params).toMatchObject({ channels: 3, height: 32, width: 32 });
    await expect.poll(() => page.locator('[data-testid="node-card"]').count()).toBe(direct.nodes.length);
    const types = await page.locator('[data-testid="node-card"]').evaluateAll((els) => els.map((e) => (e as unknown as PageElement).getAttribute('data-type')).sort());
    expect(types).toEqual(direct.nodes.map((n) => n.type).sort());
    await expect(page.locator('[data-testid="node-card"][data-status="error"]').count()).resolves.toBe(0);
    const expected = analyze(direct).totals;
    expect(await statusValue(page, 'status-params')).toBe(expected.params);
    // MACs depend on the image size: 32×32, not the 224×224 offered first.
    expect(await statusValue(page, 'status-macs')).toBe(expected.macs);
    expect(expected.macs).toBe(4 * 3 * 9 * 32 * 32 + 20);
    await expect(page.getByTestId('doc-title').getAttribute('data-dirty')).resolves.toBe('true');
    await snap(page, 'onnx-import-shape-imported');
  });
});
