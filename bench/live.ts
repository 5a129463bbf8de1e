/**
 * Live-inference benchmark (a script, not a test): `npx tsx bench/live.ts [lenet5 googlenet resnet50]`
 * or `npm run bench -- live`. Browser mode in Debian's Chromium with the real engine (EngineHost
 * worker, default backend). For each model:
 *   - first run: from choosing the preset to thumbnails on every rendered node (cold: session creation);
 *   - structural edit: the first Conv2D's filter count raised by one each time (a graph never run
 *     before, so a new session) → time from the input event to every rendered thumbnail showing the new run, painted;
 *   - weights edit: the seed changed in the Run panel (same structure, new weights);
 * next to the engine's own figures for the same runs (worker time in RunResult.timeMs, and the
 * host-side wall time of run()). Times include the editor's 150 ms edit debounce.
 * Browser-side code is passed as strings: this file is type-checked without the DOM library.
 */
import type { Page } from 'playwright-core';
import type { EngineClient, RunResult } from '../engine/src/core/api';
import { getPreset } from '../engine/src/core/presets';
import { launchBrowser } from '../e2e/support/browser';
import { selectNode } from '../e2e/support/editor';
import { startLiveServer } from '../e2e/support/live-server';
import { waitForThumbnails } from '../e2e/support/live-input';

const DEBOUNCE_MS = 150;
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const ms = (v: number) => `${Math.round(v)} ms`;

interface EngineRecord {
  workerMs: number;
  hostMs: number;
}

/** Sets an input's value as typing would (React sees an input event), then resolves with the time from that event to all rendered thumbnails of a newer run painted. */
function editAndWait(page: Page, selector: string, value: string, afterRunId: number): Promise<{ totalMs: number; runId: number }> {
  return page.evaluate(`(async () => {
    const input = document.querySelector(${JSON.stringify(selector)});
    if (!input) throw new Error('no element ' + ${JSON.stringify(selector)});
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const t0 = performance.now();
    setter.call(input, ${JSON.stringify(value)});
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const runId = await new Promise((resolve, reject) => {
      const deadline = t0 + 120000;
      const tick = () => {
        const cards = [...document.querySelectorAll('[data-testid="node-card"]')];
        const ids = cards.map((c) => Number(c.querySelector('[data-testid="feature-thumbnail"]')?.getAttribute('data-run-id') ?? NaN));
        if (ids.length && ids.every((id) => id > ${afterRunId} && id === ids[0])) resolve(ids[0]);
        else if (performance.now() > deadline) reject(new Error('thumbnails did not update'));
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await new Promise((r) => requestAnimationFrame(() => r()));
    return { totalMs: performance.now() - t0, runId };
  })()`);
}

async function benchModel(page: Page, url: string, preset: string, records: Map<number, EngineRecord>, repeats: number) {
  const doc = getPreset(preset);
  const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
  const filters = Number((conv.params as { filters: number }).filters);
  await page.goto(url);
  await page.getByTestId('palette').waitFor();
  const t0 = Date.now();
  await page.getByTestId('preset-select').selectOption(preset);
  let runId = await waitForThumbnails(page, 0, 180_000);
  const first = Date.now() - t0;
  const rendered = await page.getByTestId('node-card').count();

  await page.getByTestId('tab-inspector').click();
  await selectNode(page, conv.id);
  const structural: { total: number; rec?: EngineRecord }[] = [];
  for (let i = 1; i <= repeats; i++) {
    const r = await editAndWait(page, '[data-testid="param-filters"]', String(filters + i), runId);
    runId = r.runId;
    structural.push({ total: r.totalMs, rec: records.get(runId) });
  }
  await page.getByTestId('tab-run').click();
  await page.getByTestId('seed-input').waitFor();
  const weights: { total: number; rec?: EngineRecord }[] = [];
  for (let i = 1; i <= repeats; i++) {
    const r = await editAndWait(page, '[data-testid="seed-input"]', String(1000 + i), runId);
    runId = r.runId;
    weights.push({ total: r.totalMs, rec: records.get(runId) });
  }
  const row = (name: string, xs: { total: number; rec?: EngineRecord }[]) =>
    `  ${name.padEnd(34)} edit→thumbnails ${ms(median(xs.map((x) => x.total))).padStart(8)}   engine worker ${ms(median(xs.map((x) => x.rec?.workerMs ?? NaN))).padStart(8)}   host run() ${ms(median(xs.map((x) => x.rec?.hostMs ?? NaN))).padStart(8)}   (n=${xs.length}, all: ${xs.map((x) => Math.round(x.total)).join(', ')})`;
  console.log(`${doc.name} — ${doc.nodes.length} nodes, ${rendered} rendered on screen`);
  console.log(`  first run (choose preset → thumbnails) ${ms(first)}`);
  console.log(row(`structural edit (${conv.id}.filters)`, structural));
  console.log(row('weights edit (seed)', weights));
}

export async function run(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => ['lenet5', 'googlenet', 'resnet50', 'resnet18', 'alexnet', 'vgg16', 'resnet152'].includes(a));
  const presets = names.length ? names : ['lenet5', 'googlenet', 'resnet50'];
  const records = new Map<number, EngineRecord>();
  const server = await startLiveServer({}, (engine) => {
    const wrapped: EngineClient = Object.create(engine);
    wrapped.run = async (req) => {
      const t = performance.now();
      const r: RunResult = await engine.run(req);
      records.set(r.runId, { workerMs: r.timeMs, hostMs: performance.now() - t });
      return r;
    };
    for (const k of ['cancel', 'fetchTensor', 'exportOnnx', 'exportPyTorch', 'importOnnx', 'onEvent'] as const) (wrapped as unknown as Record<string, unknown>)[k] = (engine[k] as (...a: unknown[]) => unknown).bind(engine);
    return wrapped;
  });
  const browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  browser.page.setDefaultTimeout(180_000);
  try {
    console.log(`live inference, edit → thumbnails on screen (includes the ${DEBOUNCE_MS} ms edit debounce); medians`);
    for (const p of presets) await benchModel(browser.page, server.url, p, records, p === 'lenet5' ? 7 : 5);
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] && /bench[\\/]live\.ts$/.test(process.argv[1])) {
  run().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
