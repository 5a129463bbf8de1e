/**
 * Training in the editor, browser mode, real engine (EngineHost in its own process): LeNet-5 on the
 * built-in MNIST digits — the loss curve gets points and the accuracy rises above chance; pause holds
 * the step count and resume goes on; conv-1's filters change while it learns; a confusion matrix
 * after the epoch; stop keeps the finished epoch's weights; the trained network reads a digit, and
 * after save and reopen it reads it the same; a second run of a changed design stands beside the
 * first in Runs; a killed engine process ends a run and the editor keeps the weights it had.
 * Screenshots of the Train tab mid-run and of the Runs comparison go to e2e/artifacts/.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { snap } from './support/artifacts';
import { card, typeParam } from './support/editor';
import { startLiveServer, type LiveServer } from './support/live-server';
import { thumbnailRunIds, waitForThumbnails } from './support/live-input';
import { parseDocument } from '../engine/src/core/document/load';
import type { ModelDocument } from '../engine/src/core/document/schema';

const noChromium = !chromiumPath();

describe.skipIf(noChromium)('training in the editor (browser mode, Chromium, real engine) — skipped when chromium is not installed', { timeout: 240_000 }, () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startLiveServer({ isolation: 'process' });
    browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
    page = browser.page;
    page.setDefaultTimeout(60_000);
    page.on('dialog', (d) => void d.accept());
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
    await page.getByTestId('preset-select').selectOption('lenet5');
    await waitForThumbnails(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const openTab = (id: string) => page.getByTestId(`tab-${id}`).click();
  const attr = async (testId: string, name: string) => Number(await page.getByTestId(testId).first().getAttribute(name));
  const progress = () => page.getByTestId('train-progress');
  const status = () => progress().getAttribute('data-status');
  const step = () => attr('train-progress', 'data-step');
  /** Opens the Settings section (it folds away once a run has started) and types a value. */
  const setNumber = async (testId: string, value: string) => {
    const settings = page.locator('details:has([data-testid="train-settings"])');
    if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
    const field = page.getByTestId(testId);
    await field.fill(value);
    await expect.poll(() => field.inputValue()).toBe(value);
  };
  /** The top-1 class of the Run tab for the image on the Input node. */
  const top1 = async () => {
    await openTab('run');
    await page.locator('[data-testid="run-status"][data-state="done"]').waitFor();
    return (await page.getByTestId('top-k-row').first().locator('.live-topk-label').textContent())?.trim();
  };
  const saveText = async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cmd-save-as').click()]);
    return readFileSync(await download.path(), 'utf8');
  };
  const parsed = (text: string): ModelDocument => {
    const r = parseDocument(text);
    if (!r.ok) throw new Error(r.error.message);
    return r.document;
  };
  const filterPixels = () => page.getByTestId('train-filters').locator('canvas').first().evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());

  let trainedTop1: string | undefined;
  let savedText = '';

  it('trains LeNet-5 on MNIST: curves get points, accuracy rises above chance, pause holds, filters change, the confusion matrix appears, stop keeps the epoch', async () => {
    await openTab('train');
    await page.getByTestId('train-data-mnist').click();
    await expect.poll(() => page.getByTestId('train-data-preview').textContent()).toContain('10,000');
    await setNumber('train-epochs', '3');
    await setNumber('train-batch', '32');
    await setNumber('train-max-steps', '150');
    const before = (await thumbnailRunIds(page)).c1_conv_5_5;
    expect(before).toBeTypeOf('number');
    const clicked = Date.now();
    await page.getByTestId('train-start').click();
    await expect.poll(() => attr('train-loss-chart', 'data-points'), { timeout: 60_000 }).toBeGreaterThan(0);
    console.log(`click Train → first curve point: ${Date.now() - clicked} ms`);
    await page.getByTestId('train-filters').waitFor();
    const early = await filterPixels();
    // The node thumbnails follow the training (a run on the live weights every half second).
    await expect.poll(async () => (await thumbnailRunIds(page)).c1_conv_5_5, { timeout: 10_000 }).not.toBe(before);

    // Pause holds the step count; resume goes on.
    await page.getByTestId('train-pause').click();
    await expect.poll(status).toBe('paused');
    // The step in flight and the last progress (published every 200 ms) land first; then nothing moves.
    let held = await step();
    for (let i = 0; i < 10; i++) {
      await page.waitForTimeout(400);
      const now = await step();
      if (now === held) break;
      held = now;
    }
    await page.waitForTimeout(800);
    expect(await step()).toBe(held);
    await snap(page, 'train-tab-paused');
    await page.getByTestId('train-resume').click();
    await expect.poll(step).toBeGreaterThan(held);

    // The first epoch ends: a confusion matrix, test accuracy well above chance (10%).
    await page.getByTestId('train-confusion').waitFor({ timeout: 120_000 });
    await snap(page, 'train-tab-mid-run');
    const epochText = await page.getByTestId('train-epoch-table').textContent();
    const accuracies = [...(epochText ?? '').matchAll(/(\d+(?:\.\d+)?)%/g)].map((m) => Number(m[1]));
    expect(Math.max(...accuracies)).toBeGreaterThan(50);
    expect(await filterPixels()).not.toBe(early);
    await expect.poll(() => attr('train-misclassified', 'data-count')).toBeGreaterThan(0);

    // Stop: the finished epoch's weights are applied.
    await page.getByTestId('train-stop').click();
    await expect.poll(status, { timeout: 60_000 }).toBe('stopped');
    await page.getByTestId('train-result').waitFor();
  });

  it('the trained network reads a digit; save and reopen: the same top-1, and the document keeps weights, labels and how it was trained', async () => {
    await waitForThumbnails(page);
    trainedTop1 = await top1();
    expect(trainedTop1).toMatch(/^[0-9]$/);
    expect(await page.getByTestId('top-k-untrained').count()).toBe(0);

    savedText = await saveText();
    const doc = parsed(savedText);
    expect(doc.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(doc.training).toMatchObject({ dataset: 'mnist', batch: 32 });
    expect(doc.nodes.find((n) => n.type === 'Conv2D')!.weights?.kernel).toBeDefined();
    expect(doc.runs).toHaveLength(1);

    // A fresh page, then the saved file: the same prediction.
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('cmd-open').click()]);
    await chooser.setFiles({ name: 'lenet-trained.cnn.json', mimeType: 'application/json', buffer: Buffer.from(savedText) });
    await waitForThumbnails(page);
    expect(await top1()).toBe(trainedTop1);
  });

  it('a second run of a changed design stands beside the first in Runs', async () => {
    // C3 with 8 filters instead of 16.
    await openTab('inspector');
    await card(page, 'c3_conv_5_5').locator('.card-type').click();
    await typeParam(page, 'param-filters', '8');
    await openTab('train');
    await setNumber('train-epochs', '1');
    await setNumber('train-batch', '32');
    await setNumber('train-max-steps', '120');
    await page.getByTestId('train-start').click();
    await expect.poll(async () => { const st = await status(); return st === 'failed' ? `failed: ${await page.getByTestId('train-error').textContent()}` : st; }, { timeout: 120_000 }).toBe('done');
    await openTab('runs');
    await expect.poll(() => page.getByTestId('runs-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('runs-diff').textContent()).toContain('filters 16 → 8');
    await page.getByTestId('runs-chart').waitFor();
    await snap(page, 'runs-comparison');
  });

  it('a killed engine process ends the run; the editor keeps the weights it had and keeps working', async () => {
    const before = await saveText();
    const kernelBefore = parsed(before).nodes.find((n) => n.id === 'c1_conv_5_5')!.weights!.kernel;
    await openTab('train');
    await setNumber('train-epochs', '5');
    await setNumber('train-max-steps', '');
    await page.getByTestId('train-start').click();
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(3);
    await server.engine.terminateWorkerForTesting();
    await expect.poll(status, { timeout: 60_000 }).toBe('failed');
    await expect.poll(() => page.getByTestId('train-error').textContent()).toMatch(/engine process ended/);
    // The document's weights are the ones from before the run.
    const after = parsed(await saveText());
    expect(after.nodes.find((n) => n.id === 'c1_conv_5_5')!.weights!.kernel).toEqual(kernelBefore);
    // Live inference comes back on the restarted engine.
    await waitForThumbnails(page);
    expect(await top1()).toMatch(/^[0-9]$/);
  });
});
