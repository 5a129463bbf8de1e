import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './server';

export const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');

/** Keeps a screenshot of a key state as a test artifact (e2e/artifacts/, gitignored). */
export async function snap(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
