/**
 * Inspector fields apply what is typed only when it is committed (Enter, or leaving the field) and
 * Escape puts the old value back: deleting the "8" of 84 on the way to another number never runs a
 * 4-unit network. The engine is the recording fake, so every run the editor asks for is seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startServer, type RunningServer } from './support/server';
import { card, focusCanvas, selectNode } from './support/editor';
import { openDocument } from './support/live-input';
import { FakeEngine } from '../main/testing/fakes';
import type { RunRequest } from '../engine/src/core/api';

const noChromium = !chromiumPath();

const DOC = {
  format: 'cnn-studio.model',
  version: 1,
  name: 'dense',
  nodes: [
    { id: 'in', type: 'Input', params: { channels: 1, height: 8, width: 8 }, position: { x: 0, y: 0 } },
    { id: 'flat', type: 'Flatten', params: {}, position: { x: 260, y: 0 } },
    { id: 'dense', type: 'Dense', params: { units: 10 }, position: { x: 520, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'in', target: 'flat' },
    { id: 'e2', source: 'flat', target: 'dense' },
  ],
};

describe.skipIf(noChromium)('inspector fields commit on Enter or blur, Escape reverts (browser mode, Chromium) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  let engine: FakeEngine;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    engine = new FakeEngine();
    server = await startServer(engine);
    browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
    page = browser.page;
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The Dense units of every run the editor has asked the engine for, in order. */
  const unitsRun = () =>
    engine.calls.filter((c) => c.method === 'run').map((c) => (c.args[0] as RunRequest).document.nodes.find((n) => n.id === 'dense')?.params.units);
  /** Long enough for the live run's debounce (150 ms) and the socket round trip several times over. */
  const settle = () => page.waitForTimeout(800);

  it('type 84, delete the 8: no run of a 4-unit net until Enter; Escape puts the value back; leaving the field commits', async () => {
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
    await openDocument(page, 'dense.cnn.json', DOC);
    await card(page, 'dense').waitFor();
    await expect.poll(unitsRun).toContain(10); // the document ran as opened (with the default sample image)

    await selectNode(page, 'dense');
    const units = page.getByRole('textbox', { name: 'Units', exact: true });
    await units.click();
    await units.press('ControlOrMeta+a');
    await units.pressSequentially('84');
    await settle();
    expect(unitsRun()).not.toContain(8);
    expect(unitsRun()).not.toContain(84);
    await expect(units.getAttribute('data-pending')).resolves.toBe('true');
    await units.press('Enter');
    await expect.poll(unitsRun).toContain(84);
    await expect.poll(() => card(page, 'dense').getByTestId('node-shape').textContent()).toBe('84');

    // Delete the 8: the field reads 4, the model (and every run) still has 84.
    await units.press('Home');
    await units.press('Delete');
    await expect(units.inputValue()).resolves.toBe('4');
    await settle();
    expect(unitsRun()).not.toContain(4);
    await expect(card(page, 'dense').getByTestId('node-shape').textContent()).resolves.toBe('84');
    await units.press('Enter');
    await expect.poll(unitsRun).toContain(4);
    await expect.poll(() => card(page, 'dense').getByTestId('node-shape').textContent()).toBe('4');
    await expect(units.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).resolves.toBe(true); // Enter keeps the focus

    // Escape: the typed 47 goes, 4 comes back, nothing runs.
    await units.press('End');
    await units.press('7');
    await expect(units.inputValue()).resolves.toBe('47');
    await units.press('Escape');
    await expect(units.inputValue()).resolves.toBe('4');
    await expect(units.getAttribute('data-pending')).resolves.toBeNull();
    await settle();
    expect(unitsRun()).not.toContain(47);

    // Not a number: said at once, never applied, dropped when the field is left.
    await units.press('ControlOrMeta+a');
    await units.pressSequentially('3x');
    await expect(page.getByTestId('field-units').getByTestId('field-error').textContent()).resolves.toBe('Enter a whole number.');
    await units.press('Enter');
    await expect(units.inputValue()).resolves.toBe('3x');
    await focusCanvas(page);
    await expect(card(page, 'dense').getByTestId('node-shape').textContent()).resolves.toBe('4');
    await expect(page.getByTestId('field-units').getByTestId('field-error').count()).resolves.toBe(0);

    // Leaving the field commits what it holds: one undo step per commit.
    await selectNode(page, 'dense');
    await units.click();
    await units.press('ControlOrMeta+a');
    await units.pressSequentially('32');
    await focusCanvas(page);
    await expect.poll(unitsRun).toContain(32);
    await expect.poll(() => card(page, 'dense').getByTestId('node-shape').textContent()).toBe('32');
    await page.keyboard.press('ControlOrMeta+z');
    await expect.poll(() => card(page, 'dense').getByTestId('node-shape').textContent()).toBe('4');
    await page.keyboard.press('ControlOrMeta+z');
    await expect.poll(() => card(page, 'dense').getByTestId('node-shape').textContent()).toBe('84');
  });

  it('a name field too: Escape puts the name back, Enter applies it', async () => {
    await selectNode(page, 'dense');
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await name.click();
    await name.pressSequentially('classifier');
    await name.press('Escape');
    await expect(name.inputValue()).resolves.toBe('');
    await expect(card(page, 'dense').locator('.card-type').textContent()).resolves.toBe('Dense');
    await name.pressSequentially('classifier');
    await name.press('Enter');
    await expect.poll(() => card(page, 'dense').locator('.card-type').textContent()).toBe('classifier');
  });
});
