/**
 * A learner's first hour (issue 21): nothing jumps, overlaps or vanishes, and the small things say
 * what they mean. Browser mode against the real engine (images run through the network).
 *  - Opening a module is viewing: no undo step, still saved; undo never leaves it over its neighbours.
 *  - A new edge into a single-input node says what it replaced (with Undo), the node left hanging is
 *    a problem, and the new edge runs around the cards instead of behind them.
 *  - Inserted nodes (Insert Flatten, paste, Enter on a palette item) land in free space; Enter with a
 *    node selected appends after it, connected.
 *  - Images drop on the whole Input card and on the canvas; an oversized one says it was shrunk.
 *  - Tooltips, inline code, labels in messages, class names, Save/Export notices, the Explain crop,
 *    the Maps histogram.
 * Screenshots go to e2e/artifacts/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, type Browser } from './support/browser';
import { snap } from './support/artifacts';
import { card, connect, focusCanvas, openEditor, selectNode } from './support/editor';
import { editorSession } from './support/editor-session';
import type { LiveServer } from './support/live-server';
import { dropImage, greyPng, openDocument, ringPng, waitForThumbnails } from './support/live-input';
import { getPreset } from '../engine/src/core/presets';

const noChromium = !chromiumPath();

/** A card as the canvas lays it out, in flow coordinates (independent of zoom and scroll). */
interface FlowBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the in-page functions below read of an element (the Node tsconfig has no DOM types). */
interface PageNodeElement {
  getAttribute(name: string): string | null;
  style: { transform: string };
  offsetWidth: number;
  offsetHeight: number;
}

/** Every top-level card (not the primitives inside opened modules), in flow coordinates. */
async function cardBoxes(page: Page): Promise<FlowBox[]> {
  return page.locator('.react-flow__node-layer, .react-flow__node-module').evaluateAll((els) =>
    els.map((el) => {
      const e = el as unknown as PageNodeElement;
      const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(e.style.transform);
      return { id: e.getAttribute('data-id')!, x: Number(m?.[1] ?? 0), y: Number(m?.[2] ?? 0), width: e.offsetWidth, height: e.offsetHeight };
    }),
  );
}

/** Pairs of cards that overlap (touching edges do not count). */
function overlaps(boxes: FlowBox[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1) out.push(`${a.id} × ${b.id}`);
    }
  return out;
}

describe.skipIf(noChromium)('a learner’s first hour (browser mode, Chromium, real engine) — skipped when chromium is not installed', { timeout: 180_000 }, () => {
  const session = editorSession({ viewport: { width: 1600, height: 1000 } });
  let server: LiveServer;
  let page: Page;
  beforeAll(() => {
    ({ server, page } = session);
  });

  const fresh = () => openEditor(page, server.url);
  const loadPreset = async (name: string) => {
    await fresh();
    await page.getByTestId('preset-select').selectOption(name);
    await card(page, getPreset(name).nodes[0].id).waitFor();
  };
  const openTab = (id: string) => page.getByTestId(`tab-${id}`).click();
  /** Zooms out until every card of the model is drawn (the canvas draws only what is in view). */
  const showAll = async (count: number) => {
    const cards = page.locator('.react-flow__node-layer, .react-flow__node-module');
    for (let k = 0; k < 12 && (await cards.count()) < count; k++) {
      await page.locator('.react-flow__pane').hover({ position: { x: 5, y: 5 } });
      await page.keyboard.press('-');
      await page.waitForTimeout(150);
    }
    expect(await cards.count()).toBe(count);
  };
  const dirty = () => page.getByTestId('doc-title').getAttribute('data-dirty');
  const toast = () => page.getByTestId('toast');
  const focusPane = () => focusCanvas(page);

  it('opening a module is viewing: the model stays saved, undo has nothing to take back, and the box never covers its neighbours (GoogLeNet, ResNet-18)', async () => {
    for (const [preset, modules] of [
      ['googlenet', ['inception_3a']],
      ['resnet18', ['conv2_1', 'conv3_1']],
    ] as const) {
      await loadPreset(preset);
      const count = getPreset(preset).nodes.length;
      await showAll(count);
      const before = await cardBoxes(page);
      expect(overlaps(before)).toEqual([]);
      for (const id of modules) {
        await showAll(count); // an opened module is brought into view: the next one may be out of it
        await card(page, id).getByTestId('node-open-toggle').click();
        await page.locator(`.react-flow__node-prim[data-id^="${id}/"]`).first().waitFor();
      }
      await expect(dirty()).resolves.toBe('false');
      await expect(page.getByTestId('cmd-undo').isDisabled()).resolves.toBe(true);
      await showAll(count);
      expect(overlaps(await cardBoxes(page))).toEqual([]);
      if (preset === 'googlenet') await snap(page, 'first-hour-module-open');

      // Ctrl+Z right after opening: nothing to undo; the module stays open, clear of its neighbours.
      await focusPane();
      await page.keyboard.press('ControlOrMeta+z');
      await toast().filter({ hasText: 'Nothing to undo' }).waitFor();
      for (const id of modules) await expect(card(page, id).getByTestId('node-open-toggle').textContent()).resolves.toContain('close');
      expect(overlaps(await cardBoxes(page))).toEqual([]);

      // An edit and its undo while the module is open: the picture stays consistent.
      const victim = getPreset(preset).nodes.at(-2)!.id;
      await card(page, victim).locator('.card-type').click();
      await page.keyboard.press('Delete');
      await expect(card(page, victim).count()).resolves.toBe(0);
      await page.keyboard.press('ControlOrMeta+z');
      await card(page, victim).waitFor();
      await showAll(count);
      expect(overlaps(await cardBoxes(page))).toEqual([]);

      // Closing puts every card back where the document has it.
      for (const id of modules) {
        await selectNode(page, id);
        await page.getByTestId('inspector-open-toggle').click();
      }
      await showAll(count);
      const after = await cardBoxes(page);
      const at = (boxes: FlowBox[]) => Object.fromEntries(boxes.map((b) => [b.id, [b.x, b.y]]));
      expect(at(after)).toEqual(at(before));
    }
  });

  it('a new edge into C1 tanh says what it replaced (with Undo), the hanging C1 conv is a problem, and the edge runs around the card between', async () => {
    await loadPreset('lenet5');
    await page.getByTestId('cmd-fit').click();
    await connect(page, 'input', 'c1_tanh');
    const notice = toast().filter({ hasText: 'takes one input' });
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('“C1 tanh” takes one input: “input” replaced “C1 conv 5×5”. “C1 conv 5×5” now leads nowhere (see Problems).');
    await snap(page, 'first-hour-edge-replaced');

    // The edge is routed around C1 conv (which sits between the two): no point of it is over another card.
    const edge = page.locator('[data-testid="edge"][data-edge-id="input->c1_tanh"]');
    await expect(edge.getAttribute('data-routed')).resolves.toBe('true');
    const hits = await page.evaluate(() => {
      interface Pt {
        x: number;
        y: number;
      }
      interface Path {
        getTotalLength(): number;
        getPointAtLength(l: number): Pt;
        getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number };
      }
      interface El {
        getAttribute(n: string): string | null;
        getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
        querySelector(s: string): unknown;
      }
      const doc = (globalThis as unknown as { document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> } }).document;
      const path = doc.querySelector('[data-edge-id="input->c1_tanh"]')!.querySelector('path.react-flow__edge-path') as Path;
      const m = path.getScreenCTM();
      const cards = Array.from(doc.querySelectorAll('.react-flow__node'))
        .filter((c) => !['input', 'c1_tanh'].includes(c.getAttribute('data-id')!))
        .map((c) => ({ id: c.getAttribute('data-id'), r: c.getBoundingClientRect() }));
      const out: string[] = [];
      const n = 80;
      for (let i = 0; i <= n; i++) {
        const p = path.getPointAtLength((path.getTotalLength() * i) / n);
        const x = m.a * p.x + m.c * p.y + m.e;
        const y = m.b * p.x + m.d * p.y + m.f;
        for (const c of cards) if (x > c.r.left + 1 && x < c.r.right - 1 && y > c.r.top + 1 && y < c.r.bottom - 1) out.push(String(c.id));
      }
      return [...new Set(out)];
    });
    expect(hits).toEqual([]);

    // The node left hanging raises a problem, flagged on its card.
    await openTab('problems');
    const problem = page.locator('[data-testid="problem"][data-code="dead-end"]');
    await expect(problem.getAttribute('data-node-id')).resolves.toBe('c1_conv_5_5');
    await expect(problem.textContent()).resolves.toContain('leads nowhere');
    await expect(card(page, 'c1_conv_5_5').getByTestId('node-problem').getAttribute('class')).resolves.toContain('warning');

    // Undo from the notice brings the old edge back, and the problem goes.
    await notice.getByTestId('toast-action').click();
    await page.locator('[data-testid="edge"][data-edge-id="c1_conv_5_5->c1_tanh"]').waitFor({ state: 'attached' });
    await expect(page.locator('[data-testid="edge"][data-edge-id="input->c1_tanh"]').count()).resolves.toBe(0);
    await expect.poll(() => problem.count()).toBe(0);

    // An edge that would close a loop is refused, naming the nodes as their cards do.
    await connect(page, 'softmax', 'c1_conv_5_5');
    await expect(toast().filter({ hasText: 'loop' }).textContent()).resolves.toBe('“C1 conv 5×5” already feeds “softmax”, so this edge would make a loop — data must flow one way.');
  });

  it('inserted nodes land in free space: Insert Flatten, paste, and Enter on a palette item (appended after the selected node, connected)', async () => {
    await fresh();
    const at = (x: number) => ({ x, y: 0 });
    await openDocument(page, 'row.cnn.json', {
      format: 'cnn-studio.model',
      version: 1,
      name: 'row',
      nodes: [
        { id: 'input', type: 'Input', params: { channels: 1, height: 28, width: 28 }, position: at(0) },
        { id: 'conv2d', type: 'Conv2D', params: { filters: 4, kernel: 3 }, position: at(260) },
        { id: 'dense', type: 'Dense', params: { units: 10 }, position: at(520) },
      ],
      edges: [
        { id: 'input->conv2d', source: 'input', target: 'conv2d' },
        { id: 'conv2d->dense', source: 'conv2d', target: 'dense' },
      ],
    });
    await card(page, 'dense').waitFor();
    await openTab('problems');
    await page.locator('[data-testid="problem"][data-code="dense-needs-flatten"]').getByTestId('problem-fix').click();
    await card(page, 'flatten').waitFor();
    expect(overlaps(await cardBoxes(page))).toEqual([]);

    // Paste a copy of the convolution: next to it, not on it.
    await card(page, 'conv2d').locator('.card-type').click();
    await page.keyboard.press('ControlOrMeta+c');
    await page.keyboard.press('ControlOrMeta+v');
    await card(page, 'conv2d_2').waitFor();
    await page.keyboard.press('ControlOrMeta+v');
    await card(page, 'conv2d_3').waitFor();
    expect(overlaps(await cardBoxes(page))).toEqual([]);

    // Enter on a palette item with Dense selected: a Softmax after it, connected, in free space.
    await card(page, 'dense').locator('.card-type').click();
    await page.getByTestId('palette-item-Softmax').focus();
    await page.keyboard.press('Enter');
    await card(page, 'softmax').waitFor();
    await page.locator('[data-testid="edge"][data-edge-id="dense->softmax"]').waitFor({ state: 'attached' });
    const boxes = await cardBoxes(page);
    expect(overlaps(boxes)).toEqual([]);
    const byId = Object.fromEntries(boxes.map((b) => [b.id, b]));
    expect(byId.softmax.x).toBeGreaterThan(byId.dense.x + byId.dense.width);
    // With nothing selected, Enter puts the layer in free space in the middle of the view.
    await focusPane();
    await page.keyboard.press('Escape');
    await page.getByTestId('palette-item-Dropout').focus();
    await page.keyboard.press('Enter');
    await card(page, 'dropout').waitFor();
    expect(overlaps(await cardBoxes(page))).toEqual([]);
    await snap(page, 'first-hour-inserted');
  });

  it('an image dropped on the whole Input card or on the canvas runs; an oversized one says it was shrunk', async () => {
    await loadPreset('lenet5');
    const first = await waitForThumbnails(page);
    await openTab('run');
    // On the card's title, not the thumbnail.
    await dropImage(page, card(page, 'input').locator('.card-head'), ringPng(), 'ring-on-card.png');
    await expect.poll(() => page.getByTestId('input-name').textContent()).toBe('ring-on-card.png');
    const second = await waitForThumbnails(page, first);
    // On the empty canvas.
    await dropImage(page, page.locator('.react-flow__pane'), ringPng(40), 'ring-on-canvas.png');
    await expect.poll(() => page.getByTestId('input-name').textContent()).toBe('ring-on-canvas.png');
    await waitForThumbnails(page, second);
    // A 3000×2400 image is read at 2048×1638, and the preprocessing steps say so first.
    await dropImage(page, page.locator('.react-flow__pane'), greyPng(3000, 2400, (x, y) => (x + y) % 256), 'huge.png');
    await expect.poll(() => page.getByTestId('input-size').textContent()).toBe('3000×2400, read at 2048×1638');
    const steps = page.getByTestId('run-panel').getByTestId('preprocess-steps').locator('li');
    await expect.poll(() => steps.first().textContent()).toBe('Shrunk on reading 3000×2400 → 2048×1638 (images larger than 2048 px on a side are scaled down when read)');
    await expect(steps.nth(2).textContent()).resolves.toContain('2048×1638 → 32×32');
    await snap(page, 'first-hour-shrunk-image');
  });

  it('LeNet-5 names its classes 0–9, editable in the inspector; the top-5 uses the names', async () => {
    await loadPreset('lenet5');
    await waitForThumbnails(page);
    await selectNode(page, 'softmax');
    const names = page.getByTestId('class-names-text');
    await expect(names.inputValue()).resolves.toBe('0\n1\n2\n3\n4\n5\n6\n7\n8\n9');
    await names.fill('zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine');
    await expect(dirty()).resolves.toBe('false'); // not applied while typing
    await page.getByTestId('inspector').locator('h3').click(); // leaving the field applies it
    await expect.poll(() => dirty()).toBe('true');
    await openTab('run');
    await expect.poll(() => page.getByTestId('top-k-row').count()).toBe(5);
    const labels = await page.getByTestId('top-k-row').locator('.live-topk-label').allTextContents();
    expect(labels.every((l) => ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'].includes(l.trim()))).toBe(true);
    // One undo step puts the digits back.
    await focusPane();
    await page.keyboard.press('ControlOrMeta+z');
    await expect.poll(async () => (await page.getByTestId('top-k-row').locator('.live-topk-label').allTextContents()).every((l) => /^\d$/.test(l.trim()))).toBe(true);
  });

  it('tooltips describe each activation; descriptions show code as code', async () => {
    await fresh();
    await expect(page.getByTestId('palette-item-Activation-sigmoid').getAttribute('title')).resolves.toMatch(/^Sigmoid squashes every value into \(0, 1\)/);
    await expect(page.getByTestId('palette-item-Activation-tanh').getAttribute('title')).resolves.toMatch(/^Tanh squashes every value into \(−1, 1\)/);
    await expect(page.getByTestId('palette-item-Activation-leaky_relu').getAttribute('title')).resolves.toMatch(/^Leaky ReLU keeps positive values/);
    await expect(page.getByTestId('palette-item-Conv2D').getAttribute('title')).resolves.not.toContain('`');
    await loadPreset('lenet5');
    await selectNode(page, 'c1_conv_5_5');
    const doc = page.getByTestId('op-doc');
    await expect(doc.textContent()).resolves.not.toContain('`');
    await expect(doc.locator('code').first().textContent()).resolves.toBe('filters');
    await selectNode(page, 'c1_tanh');
    await expect(doc.textContent()).resolves.toMatch(/^Tanh squashes/);
  });

  it('Save and Export JSON say what each did in browser mode', async () => {
    await loadPreset('lenet5');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cmd-save').click()]);
    expect(saved.suggestedFilename()).toBe('LeNet-5.cnn.json');
    await expect(toast().textContent()).resolves.toBe('Saved LeNet-5.cnn.json to your downloads: your model, to open again later with Open. The browser cannot write to the same file again, so each Save downloads a new copy.');
    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cmd-export-json').click()]);
    expect(exported.suggestedFilename()).toBe('LeNet-5.json');
    await expect(toast().filter({ hasText: 'Exported' }).textContent()).resolves.toBe('Exported LeNet-5.json to your downloads: one standalone JSON file of the model, for other tools. It does not save your work — Save does.');
  });

  it('Explain on a real input crop pads only at the map’s border; the Maps histogram spans the min and max shown above it', async () => {
    await loadPreset('lenet5');
    await waitForThumbnails(page);
    // C3 (5×5, no padding) reads S2's 14×14 maps: an interior 8×8 crop. Make it pad 2 ("same").
    await selectNode(page, 'c3_conv_5_5');
    await page.getByTestId('param-padding-mode').selectOption('same');
    await waitForThumbnails(page);
    await openTab('explain');
    await page.getByTestId('explain-real-input').check();
    const conv = page.getByTestId('explain-convolution');
    await expect.poll(() => conv.locator('figcaption').first().textContent()).toBe('Input (no padding)');
    await expect(conv.locator('.explain-header').textContent()).resolves.toContain('no zero padding here — the node pads only at the border');
    await expect(page.getByTestId('conv-input-grid').locator('[data-padded]').count()).resolves.toBe(0);

    await openTab('maps');
    for (const id of ['c1_tanh', 'c3_conv_5_5', 'c5_conv_5_5', 'f6_dense']) {
      await selectNode(page, id);
      await openTab('maps');
      await page.getByTestId('histogram').waitFor();
      await expect.poll(() => page.getByTestId('histogram-min').textContent()).toBe(await page.getByTestId('stat-min').textContent());
      await expect.poll(() => page.getByTestId('histogram-max').textContent()).toBe(await page.getByTestId('stat-max').textContent());
    }
  });
});
