/**
 * Browser mode's sessions, in Chromium with the real engine (issue 22, item 2): the page opens at the
 * address with the launch token, keeps the token for reloads and takes it out of the address bar;
 * without it the server refuses the socket; and two tabs editing their "doc-1" at once each get
 * their own thumbnails (they used to supersede each other's runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startLiveServer, type LiveServer } from './support/live-server';
import { openDocument, slowDocument, waitForThumbnails } from './support/live-input';

const noChromium = !chromiumPath();

describe.skipIf(noChromium)('browser-mode sessions (Chromium, real engine) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer({ backend: 'reference' });
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const openTab = async (): Promise<Page> => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('dialog', (d) => void d.accept());
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
    return page;
  };

  /** Whether this page can open a socket to its server with `query` (the page's own token, or none). */
  const socketOpens = (page: Page, withToken: boolean) =>
    page.evaluate(async (withToken) => {
      const g = globalThis as unknown as { location: { host: string }; sessionStorage: { getItem(k: string): string | null }; WebSocket: new (u: string) => { onopen: () => void; onclose: () => void; close(): void } };
      const token = withToken ? g.sessionStorage.getItem('cnn-studio.launch-token') : null;
      return new Promise<boolean>((resolve) => {
        const ws = new g.WebSocket(`ws://${g.location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`);
        ws.onopen = () => (ws.close(), resolve(true));
        ws.onclose = () => resolve(false);
      });
    }, withToken);

  it('takes the token out of the address bar, keeps it for reloads, and the server refuses a socket without it', async () => {
    const page = await openTab();
    expect(new URL(page.url()).search).toBe('');
    await openDocument(page, 'slow.json', slowDocument());
    await waitForThumbnails(page);
    await page.reload();
    await page.getByTestId('palette').waitFor();
    await openDocument(page, 'slow.json', slowDocument());
    await waitForThumbnails(page);
    expect(await socketOpens(page, true)).toBe(true);
    expect(await socketOpens(page, false)).toBe(false);
    await page.close();
  });

  it('two tabs running their "doc-1" at the same time each get every thumbnail', async () => {
    const [a, b] = await Promise.all([openTab(), openTab()]);
    // Seconds per run on the reference backend, so the two tabs' runs overlap.
    const slower = slowDocument();
    Object.assign(slower.nodes[0]!.params, { height: 320, width: 320 });
    await Promise.all([openDocument(a, 'slow.json', slower), openDocument(b, 'slow.json', slower)]);
    await Promise.all([waitForThumbnails(a, 0, 60_000), waitForThumbnails(b, 0, 60_000)]);
    await Promise.all([a.close(), b.close()]);
  });
});
