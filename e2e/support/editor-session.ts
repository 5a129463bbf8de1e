import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type Browser } from './browser';
import { startLiveServer, type LiveServer } from './live-server';

export interface EditorSession {
  server: LiveServer;
  browser: Browser;
  page: Page;
}

/**
 * One browser-mode server and one Chromium page for the describe block it is called in: started
 * before its tests, closed after them. The page waits up to 30 s for what a test asks and accepts the
 * browser's leave-page prompts (a test that opens another model leaves an edited one). Read the
 * fields in the tests (or in a later beforeAll): they are set once the block starts.
 */
export function editorSession(launch: Parameters<typeof launchBrowser>[0] = {}): EditorSession {
  const session = {} as EditorSession;
  beforeAll(async () => {
    session.server = await startLiveServer();
    session.browser = await launchBrowser(launch);
    session.page = session.browser.page;
    session.page.setDefaultTimeout(30_000);
    session.page.on('dialog', (d) => void d.accept());
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
