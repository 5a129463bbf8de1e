/** Test fixtures for live inference: synthetic PNG images made here, and dropping a file onto an element. */
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';

/** The few DOM types the in-page functions below use (the Node tsconfig has no DOM lib). */
export interface PageElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  textContent: string | null;
}
export interface PageDocument {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
export interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}
type PageGlobals = {
  document: PageDocument;
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
};

/** A grey PNG whose pixel (x, y) has the value f(x, y) in 0–255. */
export function greyPng(width: number, height: number, f: (x: number, y: number) => number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.max(0, Math.min(255, Math.round(f(x, y))));
      png.data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

/** Black left half, white right half: one vertical edge at x = width / 2. */
export const verticalEdgePng = (size = 32) => greyPng(size, size, (x) => (x < size / 2 ? 0 : 255));

/** A bright ring on black, like a hand-drawn 0. */
export const ringPng = (size = 28) =>
  greyPng(size, size, (x, y) => {
    const r = Math.hypot(x - size / 2 + 0.5, (y - size / 2 + 0.5) * 0.8);
    return Math.abs(r - size * 0.3) < size * 0.07 ? 255 : 0;
  });

/** Drops an image file on the element as the browser's drag-and-drop would (a DataTransfer with a File). */
export async function dropImage(page: Page, target: Locator, png: Buffer, name: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ b64, fileName }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const g = globalThis as unknown as PageGlobals;
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([bytes], fileName, { type: 'image/png' }));
      return dt;
    },
    { b64: png.toString('base64'), fileName: name },
  );
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Pastes an image file as the clipboard would (a paste event carrying a File). */
export async function pasteImage(page: Page, png: Buffer, name: string): Promise<void> {
  await page.evaluate(
    ({ b64, fileName }) => {
      const g = globalThis as unknown as PageGlobals & { ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean }) => unknown; document: { body: { dispatchEvent(e: unknown): void } } };
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([bytes], fileName, { type: 'image/png' }));
      g.document.body.dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
    },
    { b64: png.toString('base64'), fileName: name },
  );
}

/** Run ids on every node card's thumbnail (undefined where a card has none). */
export async function thumbnailRunIds(page: Page): Promise<Record<string, number | undefined>> {
  return page.evaluate(() => {
    const out: Record<string, number | undefined> = {};
    const document = (globalThis as unknown as PageGlobals).document;
    for (const c of Array.from(document.querySelectorAll('[data-testid="node-card"]'))) {
      const id = c.getAttribute('data-node-id')!;
      const t = c.querySelector('[data-testid="feature-thumbnail"]');
      out[id] = t ? Number(t.getAttribute('data-run-id')) : undefined;
    }
    return out;
  });
}

/** Waits until every node card shows a thumbnail from one run newer than `after`; returns that run id. */
export async function waitForThumbnails(page: Page, after = 0, timeout = 60_000): Promise<number> {
  const handle = await page.waitForFunction(
    (after) => {
      const document = (globalThis as unknown as PageGlobals).document;
      const cards = Array.from(document.querySelectorAll('[data-testid="node-card"]'));
      if (!cards.length) return false;
      const ids = cards.map((c) => Number(c.querySelector('[data-testid="feature-thumbnail"]')?.getAttribute('data-run-id') ?? NaN));
      return ids.every((id) => id > after && id === ids[0]) ? ids[0] : false;
    },
    after,
    { timeout, polling: 50 },
  );
  return (await handle.jsonValue()) as number;
}

/** Opens a model document through the toolbar's Open (browser mode's file picker). */
export async function openDocument(page: Page, name: string, doc: unknown): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('cmd-open').click()]);
  await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
}

/** A small model that takes on the order of a second on the reference backend (≈ 90 M MACs). */
export function slowDocument() {
  const conv = (id: string, x: number) => ({ id, type: 'Conv2D', params: { filters: 32, kernel: 3, padding: 'same' }, position: { x, y: 0 } });
  return {
    format: 'cnn-studio.model',
    version: 1,
    name: 'slow',
    nodes: [
      { id: 'input', type: 'Input', params: { channels: 3, height: 96, width: 96 }, position: { x: 0, y: 0 } },
      conv('conv_a', 250),
      { id: 'relu', type: 'Activation', params: { fn: 'relu' }, position: { x: 500, y: 0 } },
      conv('conv_b', 750),
    ],
    edges: [
      { id: 'e1', source: 'input', target: 'conv_a' },
      { id: 'e2', source: 'conv_a', target: 'relu' },
      { id: 'e3', source: 'relu', target: 'conv_b' },
    ],
  };
}
