/**
 * Editor benchmark (a script, not a test): `npm run bench -- editor` or `npx tsx bench/editor.ts`.
 * Browser mode in Debian's Chromium (headless, software rendering), the engine replaced by the host
 * tests' fake so only the editor is measured.
 *  1. Presets ResNet-152 and GoogLeNet: from choosing the preset to cards on screen and the main
 *     thread free again ("interactive").
 *  2. ResNet-152 with every composite opened (~600 canvas nodes): frame rate while panning and
 *     zooming, at a readable zoom and with the whole model in view.
 *  3. A parameter edit on a 500-node graph (a synthetic 500-node document, and ResNet-152 opened):
 *     from the input event to the new shapes in the DOM, and to the next painted frame.
 * Browser-side code is passed as strings: this file is type-checked without the DOM library.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../e2e/support/browser';
import { startServer } from '../e2e/support/server';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from '../engine/src/core/document/schema';
import { analyze } from '../engine/src/core/graph/analyze';
import { getPreset } from '../engine/src/core/presets';

/** Canvas nodes of a preset with every composite opened: its nodes plus their primitives. */
function openedNodeCount(name: string): number {
  const doc = getPreset(name);
  const a = analyze(doc);
  return doc.nodes.reduce((n, node) => n + 1 + (['Inception', 'ResidualUnit'].includes(node.type) ? a.nodes[node.id].primitives.length : 0), 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
/** "median (min)": on a shared machine the minimum is the best estimate of the uncontended cost. */
const stat = (xs: number[]) => `${fmt(median(xs))} (min ${fmt(Math.min(...xs))})`;

/** Choose a preset and time until its cards are on screen, then until a macrotask runs (main thread free). */
async function presetTime(page: Page, name: string): Promise<{ shown: number; idle: number }> {
  await page.getByTestId('cmd-new').click();
  const confirm = page.getByTestId('confirm-ok');
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  await page.getByTestId('canvas-empty').waitFor();
  return page.evaluate(`(async () => {
    const select = document.querySelector('[data-testid="preset-select"]');
    const t0 = performance.now();
    select.value = ${JSON.stringify(name)};
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await new Promise((resolve) => {
      const tick = () => {
        const cards = [...document.querySelectorAll('.react-flow__node')];
        if (cards.length > 5 && cards.every((c) => getComputedStyle(c).visibility !== 'hidden')) resolve();
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const shown = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { shown, idle: performance.now() - t0 };
  })()`);
}

/** Frames per second while `drive` moves the view; also the 95th-percentile frame time. */
export async function measureFps(page: Page, drive: () => Promise<void>): Promise<{ fps: number; p95: number; frames: number }> {
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__fpsOn = true;
    const tick = (t) => { window.__frames.push(t); if (window.__fpsOn) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await drive();
  const frames = (await page.evaluate(`(() => { window.__fpsOn = false; return window.__frames; })()`)) as number[];
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  const duration = frames[frames.length - 1] - frames[0];
  const sorted = [...gaps].sort((a, b) => a - b);
  return { fps: ((frames.length - 1) * 1000) / duration, p95: sorted[Math.floor(sorted.length * 0.95)] ?? NaN, frames: frames.length };
}

export async function panAndZoom(page: Page, seconds: number): Promise<void> {
  const box = (await page.locator('.react-flow__pane').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const end = Date.now() + seconds * 1000;
  let dir = 1;
  while (Date.now() < end) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) await page.mouse.move(cx - dir * i * 12, cy + dir * Math.sin(i / 5) * 40);
    await page.mouse.up();
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, dir * 120);
    dir = -dir;
  }
}

/** Edit a number field of the inspector; time until `watch` shows `expected`, and until the next frame. */
async function editLatency(page: Page, field: string, value: string, watch: string, expected: string): Promise<{ dom: number; frame: number }> {
  return page.evaluate(`(async () => {
    const input = document.querySelector('[data-testid="${field}"]');
    const target = document.querySelector(${JSON.stringify(watch)});
    if (!input || !target) throw new Error('bench: missing ' + (!input ? '${field}' : ${JSON.stringify(watch)}));
    input.focus();
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    let dom = 0;
    const seen = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (target.textContent.includes(${JSON.stringify(expected)})) { dom = performance.now() - t0; obs.disconnect(); resolve(); }
      });
      obs.observe(target, { subtree: true, childList: true, characterData: true });
    });
    const t0 = performance.now();
    setter.call(input, ${JSON.stringify(value)});
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await seen;
    await new Promise((r) => requestAnimationFrame(() => r()));
    const frame = performance.now() - t0;
    input.blur();
    return { dom, frame };
  })()`);
}

/** A 500-node document: Input, then 166 × (Conv2D 3×3 same → BatchNorm → ReLU), then global pool. */
function bigChain(): ModelDocument {
  const nodes: ModelDocument['nodes'] = [{ id: 'input', type: 'Input', params: { channels: 3, height: 64, width: 64 } }];
  for (let i = 0; nodes.length < 499; i++) {
    nodes.push({ id: `conv${i}`, type: 'Conv2D', params: { filters: 16, kernel: 3, padding: 'same' } });
    nodes.push({ id: `bn${i}`, type: 'BatchNorm', params: {} });
    nodes.push({ id: `relu${i}`, type: 'Activation', params: { fn: 'relu' } });
  }
  nodes.length = 499;
  nodes.push({ id: 'gap', type: 'GlobalPool', params: { mode: 'avg' } });
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name: 'chain of 500', nodes, edges };
}

export async function run(): Promise<void> {
  const server = await startServer();
  const browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  const page = browser.page;
  page.setDefaultTimeout(60_000);
  try {
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();

    console.log('1. Preset → interactive (median of 5; first run includes warm-up)');
    for (const name of ['resnet152', 'googlenet']) {
      const runs: { shown: number; idle: number }[] = [];
      for (let i = 0; i < 5; i++) runs.push(await presetTime(page, name));
      console.log(`   ${name.padEnd(10)} cards on screen ${stat(runs.map((r) => r.shown))}, interactive ${stat(runs.map((r) => r.idle))}, first (cold) ${fmt(runs[0].idle)}`);
    }

    console.log('2. ResNet-152, every composite opened: pan and zoom');
    await presetTime(page, 'resnet152');
    await page.getByTestId('cmd-modules').click();
    await page.waitForFunction(`document.querySelectorAll('.react-flow__node-module').length > 0`);
    await page.waitForTimeout(500);
    const counts = (await page.evaluate(`(() => ({ doc: document.querySelector('[data-testid="status-nodes"]').textContent }))()`)) as { doc: string };
    const canvasNodes = (await page.evaluate(`document.querySelectorAll('.react-flow__node').length`)) as number;
    const readable = await measureFps(page, () => panAndZoom(page, 4));
    const total = openedNodeCount('resnet152');
    console.log(`   ${total} canvas nodes in all (model: ${counts.doc}); React Flow renders only those in view`);
    console.log(`   readable zoom: ${readable.fps.toFixed(1)} fps (p95 frame ${fmt(readable.p95)}), ${canvasNodes} nodes rendered`);
    await page.getByTestId('cmd-fit').click();
    await page.waitForTimeout(400);
    const all = (await page.evaluate(`document.querySelectorAll('.react-flow__node').length`)) as number;
    const whole = await measureFps(page, () => panAndZoom(page, 4));
    console.log(`   whole model in view: ${whole.fps.toFixed(1)} fps (p95 frame ${fmt(whole.p95)}), ${all} nodes rendered`);

    console.log('3. Parameter edit → shapes on screen (median of 11): the stem convolution\'s stride, which changes every shape after it');
    const stem = getPreset('resnet152').nodes.find((n) => n.type === 'Conv2D')!.id;
    await page.getByTestId('cmd-layout').click(); // and the view goes back to the start of the model
    await page.locator(`[data-testid="node-card"][data-node-id="${stem}"] .card-type`).click();
    const open: { dom: number; frame: number }[] = [];
    for (const s of ['1', '2', '1', '2', '1', '2', '1', '2', '1', '2', '1']) {
      open.push(await editLatency(page, 'param-stride-h', s, `[data-testid="node-card"][data-node-id="${stem}"] [data-testid="node-shape"]`, s === '1' ? '64×224×224' : '64×112×112'));
    }
    console.log(`   ResNet-152, all opened (${total} canvas nodes): DOM ${stat(open.map((r) => r.dom))}, next frame ${stat(open.map((r) => r.frame))}`);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'cnn-bench-'));
    const file = path.join(dir, 'chain500.cnn.json');
    writeFileSync(file, JSON.stringify(bigChain()));
    await page.getByTestId('cmd-new').click();
    const confirm = page.getByTestId('confirm-ok');
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('cmd-open').click()]);
    await chooser.setFiles(file);
    await page.locator('[data-testid="node-card"][data-node-id="conv0"]').waitFor();
    await page.locator('[data-testid="node-card"][data-node-id="conv0"] .card-type').click();
    const chain: { dom: number; frame: number }[] = [];
    for (const s of ['2', '1', '2', '1', '2', '1', '2', '1', '2', '1', '2']) {
      chain.push(await editLatency(page, 'param-stride-h', s, '[data-testid="node-card"][data-node-id="relu0"] [data-testid="node-shape"]', s === '1' ? '16×64×64' : '16×32×32'));
    }
    console.log(`   500-node document: DOM ${stat(chain.map((r) => r.dom))}, next frame ${stat(chain.map((r) => r.frame))}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  run().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
