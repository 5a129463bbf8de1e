/**
 * Documents whose weights live in a binary sidecar, in browser mode with the real engine:
 * - Open with the JSON and its .weights.bin picked together: the graph shows and live inference
 *   runs with the stored weights — the same top-5 as the same model with its weights inline.
 * - Open with the JSON alone: the graph, shapes and costs still show; Problems names the missing
 *   weights file; the run says what is missing.
 * - Import ONNX of a model with tensors too large to inline (the threshold is lowered here, a
 *   small synthetic stand-in for VGG-16's fc6): it runs, and Save writes the JSON and its weights
 *   file, which open again.
 * - Export JSON of a sidecar document: one JSON with the weights inline, which opens alone.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { snap } from './support/artifacts';
import { statusValue } from './support/editor';
import { startLiveServer, type LiveServer } from './support/live-server';
import { dropImage, ringPng, waitForThumbnails } from './support/live-input';
import { lenetSidecarPair } from '../engine/src/runtime/testing/sidecar-docs';
import { serializeDocument } from '../engine/src/core/document/load';
import { analyze } from '../engine/src/core/graph/analyze';

const noChromium = !chromiumPath();
/** Tensors of 4,096+ values in the sidecar, as the import below (and `cnn-studio import --sidecar`) makes it. */
const pair = lenetSidecarPair('lenet.weights.bin', 4096);

type Picked = { name: string; mimeType: string; buffer: Buffer };
const json = (name: string, text: string): Picked => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
const bin = (name: string, bytes: Uint8Array): Picked => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

describe.skipIf(noChromium)('weights sidecars (browser mode, Chromium, real engine) — skipped when chromium is not installed', { timeout: 180_000 }, () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Tensors of 4,096+ values go to the sidecar on import (as `cnn-studio import --sidecar` does).
    server = await startLiveServer({ importSidecarMinValues: 4096 });
    browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
    page = browser.page;
    page.setDefaultTimeout(30_000);
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const fresh = async () => {
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
  };

  async function open(...files: Picked[]): Promise<void> {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('cmd-open').click()]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(files);
  }

  /** Runs the ring image through the open model; returns the Run panel's top-5 rows as text. */
  async function topFiveFor(): Promise<string[]> {
    const before = await waitForThumbnails(page).catch(() => 0); // a default sample may have run first
    await dropImage(page, page.getByTestId('input-node-drop'), ringPng(), 'ring.png');
    await waitForThumbnails(page, before);
    await page.getByTestId('tab-run').click();
    await page.locator('[data-testid="run-status"][data-state="done"]').waitFor();
    await expect.poll(() => page.getByTestId('top-k-row').count()).toBe(5);
    // Every kernel comes from the file: no "untrained" warning.
    expect(await page.getByTestId('top-k-untrained').count()).toBe(0);
    return page.getByTestId('top-k-row').allTextContents();
  }

  let inlineTop: string[] = [];

  it('a sidecar document opened with its weights file runs with the stored weights: the same top-5 as the inline document', async () => {
    await fresh();
    await open(json('lenet-inline.cnn.json', serializeDocument(pair.inline)));
    inlineTop = await topFiveFor();

    await fresh();
    await open(json('lenet.cnn.json', serializeDocument(pair.withSidecar)), bin('lenet.weights.bin', pair.sidecar));
    await expect.poll(() => page.locator('[data-testid="node-card"]').count()).toBe(pair.withSidecar.nodes.length);
    expect(await topFiveFor()).toEqual(inlineTop);
    await expect(page.getByTestId('status-problems').getAttribute('data-errors')).resolves.toBe('0');
    await snap(page, 'sidecar-opened');
  });

  it('Export JSON of a sidecar document downloads one self-contained JSON (weights inline, no weightsFile) that reopens alone with the same top-5', async () => {
    await fresh();
    await open(json('lenet.cnn.json', serializeDocument(pair.withSidecar)), bin('lenet.weights.bin', pair.sidecar));
    await expect.poll(() => page.locator('[data-testid="node-card"]').count()).toBe(pair.withSidecar.nodes.length);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cmd-export-json').click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const text = readFileSync((await download.path())!).toString('utf8');
    const exported = JSON.parse(text);
    expect(exported.weightsFile).toBeUndefined();
    expect(text).not.toContain('"sidecar"');
    expect(exported.nodes.map((n: { weights?: object }) => n.weights)).toEqual(pair.inline.nodes.map((n) => n.weights));

    await fresh();
    await open(json('lenet-exported.json', text));
    await expect.poll(() => page.locator('[data-testid="node-card"]').count()).toBe(pair.inline.nodes.length);
    expect(await topFiveFor()).toEqual(inlineTop);
    await expect(page.getByTestId('status-problems').getAttribute('data-errors')).resolves.toBe('0');
  });

  it('the JSON opened without its weights file: the graph and costs show, Problems and the Run panel say what is missing', async () => {
    await fresh();
    await open(json('lenet.cnn.json', serializeDocument(pair.withSidecar)));
    await expect.poll(() => page.locator('[data-testid="node-card"]').count()).toBe(pair.withSidecar.nodes.length);
    expect(await statusValue(page, 'status-params')).toBe(analyze(pair.withSidecar).totals.params);
    const problem = page.locator('[data-testid="problem"][data-code="weights-file"]');
    await problem.waitFor(); // the Problems tab is brought forward
    await expect(problem.textContent()).resolves.toMatch(/lenet\.weights\.bin was not opened with lenet\.cnn\.json.*select lenet\.cnn\.json and lenet\.weights\.bin together/);
    await expect(page.getByTestId('status-problems').getAttribute('data-errors')).resolves.toBe('1');
    await expect(page.getByTestId('problems-count').textContent()).resolves.toBe('1');
    await snap(page, 'sidecar-missing');
    await dropImage(page, page.getByTestId('input-node-drop'), ringPng(), 'ring.png');
    await page.getByTestId('tab-run').click();
    const failed = page.locator('[data-testid="run-status"][data-state="failed"]');
    await failed.waitFor();
    await expect(failed.textContent()).resolves.toContain('lenet.weights.bin, which is not loaded');
  });

  it('Import ONNX with tensors too large to inline keeps them in the host; Save writes the JSON and its weights file, which open again', async () => {
    await fresh();
    const chosen = page.waitForEvent('filechooser');
    await page.getByTestId('cmd-import-onnx').click();
    await (await chosen).setFiles(bin('lenet.onnx', pair.onnx));
    await page.getByTestId('toast').filter({ hasText: 'Imported lenet.onnx' }).waitFor();
    await expect(page.getByTestId('toast').textContent()).resolves.toContain('lenet.weights.bin');
    expect(await topFiveFor()).toEqual(inlineTop);

    const downloads: Download[] = [];
    const both = new Promise<void>((resolve) => {
      page.on('download', (d) => {
        downloads.push(d);
        if (downloads.length === 2) resolve();
      });
    });
    await page.getByTestId('cmd-save').click();
    await both;
    const byName = Object.fromEntries(await Promise.all(downloads.map(async (d) => [d.suggestedFilename(), readFileSync((await d.path())!)] as const)));
    expect(Object.keys(byName).sort()).toEqual(['lenet.cnn.json', 'lenet.weights.bin']);
    const saved = JSON.parse(byName['lenet.cnn.json']!.toString('utf8'));
    expect(saved.weightsFile).toBe('lenet.weights.bin');
    expect(byName['lenet.weights.bin']!.equals(Buffer.from(pair.sidecar))).toBe(true);

    await fresh();
    await open(json('lenet.cnn.json', byName['lenet.cnn.json']!.toString('utf8')), bin('lenet.weights.bin', byName['lenet.weights.bin']!));
    expect(await topFiveFor()).toEqual(inlineTop);
  });
});
