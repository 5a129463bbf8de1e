/** What a user does in the editor, as Playwright steps. Ids are the editor's: the first Conv2D dropped is "conv2d". */
import type { Locator, Page } from 'playwright-core';

export const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);
export const card = (page: Page, id: string): Locator => page.locator(`[data-testid="node-card"][data-node-id="${id}"]`);
export const edgeLabel = (page: Page, edgeId: string): Locator => page.locator(`[data-testid="edge-label"][data-edge-id="${edgeId}"]`);

/**
 * The editor loaded afresh at `url`, its palette ready. `size` sets the viewport first; with
 * `declineRecovery`, unsaved work an earlier test left is declined, so the page starts as a first launch.
 */
export async function openEditor(page: Page, url: string, options: { size?: { width: number; height: number }; declineRecovery?: boolean } = {}): Promise<void> {
  if (options.size) await page.setViewportSize(options.size);
  await page.goto(url);
  await page.getByTestId('palette').waitFor();
  if (!options.declineRecovery) return;
  const offer = page.getByTestId('recovery-discard');
  if (await offer.waitFor({ timeout: 1500 }).then(() => true, () => false)) await offer.click();
}

/** Drag a palette item onto the canvas, dropping it at (x, y) relative to the canvas' top-left corner. */
export async function dragFromPalette(page: Page, key: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-item-${key}`).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

async function center(l: Locator): Promise<{ x: number; y: number }> {
  const b = await l.boundingBox();
  if (!b) throw new Error('element not visible');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Drag from source's output handle to target's input handle number `port`. */
export async function connect(page: Page, source: string, target: string, port = 0): Promise<void> {
  const from = await center(node(page, source).locator('[data-handleid="out"]'));
  const to = await center(node(page, target).locator(`[data-handleid="in-${port}"]`));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
}

export async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId('tab-inspector').click();
  const shown = page.getByTestId('inspector').and(page.locator(`[data-node-id="${id}"]`));
  // A model just loaded may still be fitting the view: a click that landed while the card moved is
  // made again (on a loaded machine one was lost and the inspector never showed the node).
  for (let attempt = 0; attempt < 3; attempt++) {
    await card(page, id).locator('.card-type').click();
    if (await shown.waitFor({ timeout: 5000 }).then(() => true, () => false)) return;
  }
  await shown.waitFor();
}

/** Type into an inspector field (select-all first, so the typed text replaces the old value). */
export async function typeParam(page: Page, testId: string, text: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  await input.press('ControlOrMeta+a');
  await input.pressSequentially(text);
  await input.press('Enter');
}

export async function statusValue(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-value'));
}

/** Clicks the pane (not a node) so keyboard shortcuts go to the canvas. */
export async function focusCanvas(page: Page): Promise<void> {
  const pane = page.locator('.react-flow__pane');
  const b = (await pane.boundingBox())!;
  await page.mouse.click(b.x + 12, b.y + b.height - 12);
}
