/**
 * Live inference in browser mode with the real engine (EngineHost worker, real backend): an image
 * dropped on the Input node flows through LeNet-5 and every node shows its thumbnail; a stride edit
 * re-runs and changes shapes and thumbnails; a Sobel-x kernel set in the kernel editor makes the
 * next feature map light up exactly along a vertical edge; the pooling explanation shows the
 * lecture's three results; a killed engine worker leaves the editor working and the next run
 * succeeds. Screenshots go to e2e/artifacts/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath } from './support/browser';
import { snap } from './support/artifacts';
import { card, openEditor, selectNode, typeParam } from './support/editor';
import { editorSession } from './support/editor-session';
import type { LiveServer } from './support/live-server';
import { dropImage, openDocument, pasteImage, type PageCanvas, type PageDocument, ringPng, slowDocument, thumbnailRunIds, verticalEdgePng, waitForThumbnails } from './support/live-input';
import { lenet5 } from '../engine/src/core/presets/lenet';

const noChromium = !chromiumPath();
const LENET_IDS = lenet5().nodes.map((n) => n.id);

describe.skipIf(noChromium)('live inference (browser mode, Chromium, real engine) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  const session = editorSession({ viewport: { width: 1600, height: 1000 } });
  let server: LiveServer;
  let page: Page;
  beforeAll(() => {
    ({ server, page } = session);
  });

  /** A fresh page (leaving the edited model: the browser's leave-page prompt is accepted). */
  const fresh = () => openEditor(page, server.url);
  const loadPreset = async (name: string) => {
    await fresh();
    await page.getByTestId('preset-select').selectOption(name);
  };
  const openTab = (id: string) => page.getByTestId(`tab-${id}`).click();
  const pick = async (id: string) => {
    await openTab('inspector');
    await selectNode(page, id);
  };

  it('an image dropped on the Input node flows through LeNet-5: a thumbnail on every node, top-5 in the Run panel', async () => {
    await loadPreset('lenet5');
    const first = await waitForThumbnails(page); // the default sample runs first
    await dropImage(page, page.getByTestId('input-node-drop'), ringPng(), 'ring.png');
    const run = await waitForThumbnails(page, first);
    const ids = await thumbnailRunIds(page);
    expect(Object.keys(ids).sort()).toEqual([...LENET_IDS].sort());
    expect(Object.values(ids).every((id) => id === run)).toBe(true);
    await openTab('run');
    await expect.poll(() => page.getByTestId('input-name').textContent()).toBe('ring.png');
    await page.locator('[data-testid="run-status"][data-state="done"]').waitFor();
    await expect.poll(() => page.getByTestId('top-k-row').count()).toBe(5);
    // The preset has no trained weights: the top-5 says it is no prediction.
    await expect.poll(() => page.getByTestId('top-k-untrained').textContent()).toMatch(/^Untrained: every weight is random \(seed \d+\)/);
    // The preprocessed 32×32 input is shown next to the steps (grayscale, resize 28→32, scale).
    await expect.poll(() => page.getByTestId('preprocess-panel').textContent()).toContain('28×28 → 32×32');
    await snap(page, 'live-lenet-thumbnails');
    // The thumbnails can show the first channel instead of the mean.
    await page.getByTestId('thumbnail-mode').selectOption('first');
    await expect.poll(() => card(page, 'c3_conv_5_5').getByTestId('feature-thumbnail').getAttribute('data-mode')).toBe('first');
    await page.getByTestId('thumbnail-mode').selectOption('mean');
    // A Dense output shows as bars; the Softmax output also as the top-5 classes.
    await pick('f6_dense');
    await openTab('maps');
    await expect.poll(() => page.getByTestId('bar-chart').locator('figcaption').textContent()).toMatch(/^Outputs \(84 values\)/);
    await pick('softmax');
    await openTab('maps');
    await expect.poll(() => page.getByTestId('feature-map-panel').getByTestId('top-k-row').count()).toBe(5);
    await pick('c1_tanh');
    await openTab('maps');
    await expect.poll(() => page.getByTestId('feature-map-cell').count()).toBe(6);
  });

  it('changing a stride re-runs: the shape and the thumbnails update', async () => {
    const before = (await thumbnailRunIds(page)).c1_conv_5_5!;
    await expect.poll(() => card(page, 'c1_conv_5_5').getByTestId('node-shape').textContent()).toBe('6×28×28');
    const canvasWidth = () => card(page, 'c1_conv_5_5').locator('[data-testid="feature-thumbnail"] canvas').evaluate((c) => (c as unknown as PageCanvas).width);
    await expect.poll(() => canvasWidth()).toBe(28);
    await pick('c1_conv_5_5');
    await typeParam(page, 'param-stride-h', '2');
    await expect.poll(() => card(page, 'c1_conv_5_5').getByTestId('node-shape').textContent()).toBe('6×14×14');
    // C5's 5×5 kernel no longer fits after the smaller maps: that part of the graph is skipped, the rest updates.
    await page.waitForFunction((b) => Number((globalThis as unknown as { document: PageDocument }).document.querySelector('[data-node-id="c1_conv_5_5"] [data-testid="feature-thumbnail"]')?.getAttribute('data-run-id')) > b, before);
    await expect.poll(() => canvasWidth()).toBe(14);
    await snap(page, 'live-stride-2');
    await page.getByTestId('cmd-undo').click();
    await expect.poll(() => card(page, 'c1_conv_5_5').getByTestId('node-shape').textContent()).toBe('6×28×28');
    await waitForThumbnails(page, before);
  });

  it('a Sobel-x kernel makes the next feature map respond exactly along a vertical edge', async () => {
    await dropImage(page, page.getByTestId('input-node-drop'), verticalEdgePng(32), 'vertical-edge.png');
    let run = await waitForThumbnails(page, (await thumbnailRunIds(page)).input!);
    await pick('c1_conv_5_5');
    await openTab('explain');
    await page.getByTestId('kernel-filter').selectOption('0');
    await page.getByTestId('kernel-preset-sobel-x').click();
    // The kernel is written into the document, so the engine runs with it.
    await expect.poll(() => page.getByTestId('kernel-grid').locator('input').nth(12).inputValue()).toBe('0');
    await expect.poll(() => page.getByTestId('kernel-grid').locator('input').nth(13).inputValue()).toBe('12');
    run = await waitForThumbnails(page, run);
    // The step-through stays where the learner left it when a run that keeps the kernel comes back
    // (a new image; training updates): it restarts only when what it shows changes.
    await page.getByTestId('conv-play').click();
    await page.getByTestId('conv-next').click();
    await page.getByTestId('conv-next').click();
    const at = await page.getByTestId('conv-step').textContent();
    await dropImage(page, page.getByTestId('input-node-drop'), ringPng(), 'ring.png');
    run = await waitForThumbnails(page, run);
    expect(await page.getByTestId('conv-step').textContent()).toBe(at);
    await dropImage(page, page.getByTestId('input-node-drop'), verticalEdgePng(32), 'vertical-edge.png');
    run = await waitForThumbnails(page, run);

    await openTab('maps');
    await page.getByTestId('feature-map-cell').first().click();
    const enlarged = page.getByTestId('enlarged-canvas');
    await page.waitForFunction(() => (globalThis as unknown as { document: PageDocument }).document.querySelector('[data-testid="enlarged-channel"]')?.textContent?.includes('full resolution'));
    // Read the drawn channel back: which columns are not the colormap's low end (= not zero)?
    const columns = await enlarged.evaluate((el) => {
      const c = el as unknown as PageCanvas;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const low = [d[0], d[1], d[2]].join();
      const lit: number[] = [];
      for (let x = 0; x < c.width; x++) {
        const col = Array.from({ length: c.height }, (_, y) => [d[(y * c.width + x) * 4], d[(y * c.width + x) * 4 + 1], d[(y * c.width + x) * 4 + 2]].join());
        if (col.some((px) => px !== low)) lit.push(x);
        if (new Set(col).size !== 1) return { error: `column ${x} is not uniform down the image` };
      }
      return { width: c.width, lit };
    });
    // Edge between input columns 15 and 16; a 5-wide window touches it from output columns 12 to 15.
    expect(columns).toEqual({ width: 28, lit: [12, 13, 14, 15] });
    // Values under the pointer: 48 in the middle of the edge (Σ of the 5×5 Sobel's positive half), 0 far from it.
    const box = (await enlarged.boundingBox())!;
    const cell = box.width / 28;
    await page.mouse.move(box.x + 13.5 * cell, box.y + 10.5 * cell);
    await expect.poll(() => page.getByTestId('hover-value').textContent()).toBe('(13, 10) = 48');
    await page.mouse.move(box.x + 3.5 * cell, box.y + 10.5 * cell);
    await expect.poll(() => page.getByTestId('hover-value').textContent()).toBe('(3, 10) = 0');
    await snap(page, 'live-sobel-x');
  });

  it('a file that is not an image says so in the Run tab; the next image replaces the message, and so does another document (issue 21)', async () => {
    await loadPreset('lenet5');
    await waitForThumbnails(page);
    await openTab('run');
    await dropImage(page, page.getByTestId('image-drop-zone'), Buffer.from('not really a png'), 'fake-image.png');
    await expect.poll(() => page.getByTestId('run-input-error').textContent()).toContain('"fake-image.png" could not be decoded');
    await dropImage(page, page.getByTestId('input-node-drop'), ringPng(), 'ring.png');
    await expect.poll(() => page.getByTestId('run-input-error').count()).toBe(0);
    await dropImage(page, page.getByTestId('image-drop-zone'), Buffer.from('not really a png'), 'fake-image.png');
    await page.getByTestId('run-input-error').waitFor();
    await page.getByTestId('preset-select').selectOption('alexnet');
    await expect.poll(() => page.getByTestId('run-input-error').count()).toBe(0);
  });

  it('with auto-run off a pasted image waits for Run (Ctrl/Cmd+Enter), then runs', async () => {
    await loadPreset('lenet5');
    const before = await waitForThumbnails(page);
    await openTab('run');
    await page.getByTestId('auto-run').uncheck();
    await pasteImage(page, ringPng(), 'pasted.png');
    await expect.poll(() => page.getByTestId('input-name').textContent()).toBe('clipboard');
    // Nothing ran: the Run button asks for a run, the thumbnails are the old ones.
    await expect.poll(() => page.getByTestId('run-button').getAttribute('class')).toBe('live-primary');
    expect(Object.values(await thumbnailRunIds(page)).every((id) => id === before)).toBe(true);
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('ControlOrMeta+Enter');
    await waitForThumbnails(page, before);
    await page.getByTestId('auto-run').check();
  });

  it('preprocessing edited on the Input node changes what the network receives', async () => {
    await loadPreset('lenet5');
    const before = await waitForThumbnails(page);
    await pick('input');
    await openTab('maps');
    const max = async () => Number(await page.getByTestId('node-stats').locator('dd').nth(1).textContent());
    expect(await max()).toBeLessThanOrEqual(1);
    await openTab('inspector');
    await expect.poll(() => page.getByTestId('preprocess-panel').textContent()).toContain('28×28 → 32×32 (bilinear)');
    await page.getByTestId('preprocess-panel').getByLabel('Scale to [0, 1]').uncheck();
    await waitForThumbnails(page, before);
    await openTab('maps');
    expect(await max()).toBeGreaterThan(100);
  });

  it('an Inception node shows each branch’s MACs with and without its 1×1 reduction; a residual unit its two paths and both orderings', async () => {
    await fresh();
    await openDocument(page, 'modules.cnn.json', {
      format: 'cnn-studio.model',
      version: 1,
      name: 'modules',
      nodes: [
        { id: 'input', type: 'Input', params: { channels: 192, height: 28, width: 28 }, position: { x: 0, y: 0 } },
        { id: 'inception', type: 'Inception', params: { c1x1: 64, c3x3reduce: 96, c3x3: 128, c5x5reduce: 16, c5x5: 32, poolProj: 32 }, position: { x: 300, y: 0 } },
        { id: 'residual', type: 'ResidualUnit', params: { block: 'basic', filters: 128, stride: 2 }, position: { x: 600, y: 0 } },
      ],
      edges: [
        { id: 'e1', source: 'input', target: 'inception' },
        { id: 'e2', source: 'inception', target: 'residual' },
      ],
    });
    await pick('inception');
    await openTab('explain');
    const b5 = page.getByTestId('inception-branch-5-5');
    await expect.poll(() => b5.getByTestId('macs').textContent()).toBe('12,443,648');
    await expect.poll(() => b5.getByTestId('macs-without').textContent()).toBe('120,422,400');
    await snap(page, 'live-explain-inception');

    await pick('residual');
    await openTab('explain');
    const original = page.getByTestId('residual-original');
    await expect.poll(() => original.getByTestId('residual-lane-shortcut').textContent()).toContain('conv 1×1/2, 128');
    await expect.poll(() => original.getByTestId('residual-lane-residual').textContent()).toContain('conv 3×3/2, 128');
    await expect.poll(() => original.locator('figcaption').textContent()).toContain('this node');
    await expect.poll(() => page.getByTestId('residual-preact').locator('figcaption').textContent()).not.toContain('this node');
    await snap(page, 'live-explain-residual');
  });

  it('a separable conv shows its weights and MACs next to a standard 3×3 conv (the lecture’s 128→256 at 56×56); an inverted residual its depthwise and projection', async () => {
    await fresh();
    await openDocument(page, 'mobile.cnn.json', {
      format: 'cnn-studio.model',
      version: 1,
      name: 'mobile',
      nodes: [
        { id: 'input', type: 'Input', params: { channels: 128, height: 56, width: 56 }, position: { x: 0, y: 0 } },
        { id: 'separable', type: 'SeparableConv', params: { filters: 256, kernel: 3, bias: false }, position: { x: 300, y: 0 } },
        { id: 'block', type: 'InvertedResidual', params: { filters: 256, expandRatio: 6 }, position: { x: 600, y: 0 } },
      ],
      edges: [
        { id: 'e1', source: 'input', target: 'separable' },
        { id: 'e2', source: 'separable', target: 'block' },
      ],
    });
    await pick('separable');
    await openTab('explain');
    const row = (what: string) => page.getByTestId(`separable-${what}`);
    await expect.poll(() => row('params').getByTestId('standard').textContent()).toBe('294,912');
    await expect.poll(() => row('params').getByTestId('separable').textContent()).toBe('33,920');
    await expect.poll(() => row('macs').getByTestId('standard').textContent()).toBe('924,844,032');
    await expect.poll(() => row('macs').getByTestId('separable').textContent()).toBe('106,373,120');
    await expect.poll(() => row('macs').getByTestId('ratio').textContent()).toBe('8.7×');
    await snap(page, 'live-explain-separable');
    // The block's depthwise 3×3 and projection work on its 6 × 256 = 1,536 expanded channels.
    await pick('block');
    await openTab('explain');
    await expect.poll(() => page.getByTestId('explain-separable').locator('header').textContent()).toContain('input 1536×56×56 → 256 channels');
    await expect.poll(() => row('params').getByTestId('separable').textContent()).toBe((1536 * 9 + 1536 * 256).toLocaleString('en-US'));
  });

  it('the pooling explanation shows the lecture’s max, average and min results', async () => {
    await loadPreset('lenet5');
    await pick('s2_avg_pool');
    await openTab('explain');
    const cells = (mode: string) => page.getByTestId(`pool-result-${mode}`).getByTestId('pool-cell').allTextContents();
    await expect.poll(() => cells('max')).toEqual(['28', '65', '87', '56']);
    await expect.poll(() => cells('min')).toEqual(['3', '21', '5', '4']);
    await expect.poll(() => cells('avg')).toEqual(['13', '35', '47', '21']);
    await page.getByTestId('pool-result-max').getByTestId('pool-cell').nth(2).hover();
    await snap(page, 'live-explain-pooling');
    // The same comparison on a crop of the node's real input (fetched from the last run).
    await page.getByTestId('explain-real-input').check();
    await expect.poll(() => page.getByTestId('explain-pooling').locator('header').textContent()).toMatch(/crop \(rows \d+–\d+, columns \d+–\d+\) of channel 0 of the node’s real input/);
    await expect.poll(async () => (await cells('max')).length).toBe(9); // a 6×6 crop, 2×2 windows, stride 2
    await page.getByTestId('explain-real-input').uncheck();
  });
});

/**
 * The engine is killed mid-run on the default backend (onnxruntime): EngineHost runs it in a child
 * process, so even a native abort inside onnxruntime ends only that process (in a worker thread it
 * would take the whole server down — microsoft/onnxruntime#13086). Here the engine process is
 * SIGKILLed, the way a crash or out-of-memory ends it. The document is made heavy enough
 * (3×384×384, 64 filters) that onnxruntime is still running when the kill comes.
 */
const slowOnnxruntimeDocument = () => {
  const doc = slowDocument();
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.type === 'Input' ? { ...n, params: { channels: 3, height: 384, width: 384 } } : n.type === 'Conv2D' ? { ...n, params: { ...n.params, filters: 64 } } : n)),
  };
};

describe.skipIf(noChromium)('live inference survives an engine crash (default backend, engine process killed) — skipped when chromium is not installed', { timeout: 120_000 }, () => {
  const session = editorSession({ viewport: { width: 1600, height: 1000 } });
  let server: LiveServer;
  let page: Page;
  beforeAll(() => {
    ({ server, page } = session);
  });

  it('a killed engine process leaves the editor intact and the next run succeeds', async () => {
    expect(server.engine.isolation).toBe('process');
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
    await openDocument(page, 'slow.cnn.json', slowOnnxruntimeDocument());
    const first = await waitForThumbnails(page);
    await page.getByTestId('tab-run').click();
    await page.getByTestId('reseed-button').click();
    await page.locator('[data-testid="run-status"][data-state="running"]').waitFor();
    await server.engine.terminateWorkerForTesting();
    await page.locator('[data-testid="run-status"][data-state="failed"]').waitFor();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toMatch(/try again/);
    await expect.poll(() => page.getByTestId('run-notice').textContent()).toMatch(/restarted/);
    // The editor is intact: the same nodes, the last thumbnails still shown.
    await expect.poll(() => page.getByTestId('node-card').count()).toBe(4);
    expect(Object.values(await thumbnailRunIds(page)).every((id) => id === first)).toBe(true);
    await snap(page, 'live-worker-crashed');
    await page.getByTestId('run-button').click();
    await waitForThumbnails(page, first);
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-state')).toBe('done');
    await snap(page, 'live-after-restart');
  });
});
