/**
 * Training from the editor (a script, not a test): `npm run bench -- train-ui`.
 * Browser mode in Debian's Chromium with the real engine in its own process, LeNet-5 on MNIST:
 *  1. time from clicking Train to the first point on the loss curve;
 *  2. one full epoch (batch 64) from the Train tab beside the same epoch from `cnn-studio train`
 *     in this process: epoch wall time (training + evaluation, as the engine reports it) and the
 *     trainer's samples/s — the UI must not slow the trainer (target: within 10%);
 *  3. frame rate while panning and zooming the canvas during training, beside the same without.
 * Runs alternate (UI, CLI, UI, CLI…) so load on the shared machine falls on both alike.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../engine/src/core/api';
import { launchBrowser } from '../e2e/support/browser';
import { startLiveServer } from '../e2e/support/live-server';
import { runCli } from '../engine/src/cli/index';
import { measureFps, panAndZoom } from './editor';

const TRIALS = Number(process.env.BENCH_TRAIN_UI_TRIALS ?? 2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function setNumber(page: Page, testId: string, value: string): Promise<void> {
  const settings = page.locator('details:has([data-testid="train-settings"])');
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
  await page.getByTestId(testId).fill(value);
}

/** One epoch of the CLI in this process: the epoch's wall time and the trainer's samples/s. */
async function cliEpoch(dir: string): Promise<{ epochMs: number; samplesPerSec: number }> {
  let out = '';
  const code = await runCli(['train', 'preset:lenet5', '--data', 'mnist', '-o', path.join(dir, 'cli.json'), '--epochs', '1', '--json'], { stdout: (t) => void (out += t), stderr: () => undefined, readFile: (p) => import('node:fs/promises').then((f) => f.readFile(p)) });
  if (code !== 0) throw new Error(`cnn-studio train exited ${code}`);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  const progress = lines.filter((l) => l.progress).at(-1).progress;
  return { epochMs: lines.find((l) => l.epoch === 1).timeMs, samplesPerSec: progress.samplesPerSec };
}

export async function run(): Promise<void> {
  const server = await startLiveServer({ isolation: 'process' });
  const events: EngineEvent[] = [];
  server.engine.onEvent((e) => void events.push(e));
  const browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  const page = browser.page;
  page.setDefaultTimeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-bench-train-ui-'));
  try {
    await page.goto(server.url);
    await page.getByTestId('palette').waitFor();
    await page.getByTestId('preset-select').selectOption('lenet5');
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-data-preview').waitFor();
    await setNumber(page, 'train-epochs', '1');
    await setNumber(page, 'train-batch', '64');

    const firstPoint: number[] = [];
    const ui: { epochMs: number; samplesPerSec: number }[] = [];
    const cli: { epochMs: number; samplesPerSec: number }[] = [];
    for (let t = 0; t < TRIALS; t++) {
      events.length = 0;
      // Click and watch the chart's point count from inside the page (no round trips in the timing).
      firstPoint.push(
        (await page.evaluate(`(async () => {
          const button = document.querySelector('[data-testid="train-start"]');
          const t0 = performance.now();
          button.click();
          await new Promise((resolve) => {
            const tick = () => {
              const chart = document.querySelector('[data-testid="train-loss-chart"]');
              if (chart && Number(chart.getAttribute('data-points')) > 0) resolve();
              else requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
          });
          return performance.now() - t0;
        })()`)) as number,
      );
      await page.locator('[data-testid="train-progress"][data-status="done"]').waitFor();
      const epoch = events.find((e) => e.type === 'train-epoch');
      const progress = events.filter((e) => e.type === 'train-progress').at(-1);
      if (epoch?.type !== 'train-epoch' || progress?.type !== 'train-progress') throw new Error('bench: no epoch report from the engine');
      ui.push({ epochMs: epoch.report.timeMs, samplesPerSec: progress.progress.samplesPerSec });
      cli.push(await cliEpoch(dir));
    }
    const ratio = median(ui.map((u) => u.epochMs)) / median(cli.map((c) => c.epochMs));
    const spsRatio = median(cli.map((c) => c.samplesPerSec)) / median(ui.map((u) => u.samplesPerSec));
    console.log(`LeNet-5 on MNIST, 1 epoch (125 steps of 64), ${TRIALS} trials, alternating:`);
    console.log(`  click Train → first curve point: median ${median(firstPoint).toFixed(0)} ms (${firstPoint.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  epoch wall time: Train tab ${median(ui.map((u) => u.epochMs)).toFixed(0)} ms | cnn-studio train ${median(cli.map((c) => c.epochMs)).toFixed(0)} ms | UI/CLI ${ratio.toFixed(2)}× ${ratio <= 1.1 ? '✓' : '✗'} target ≤ 1.10×`);
    console.log(`  trainer samples/s: Train tab ${median(ui.map((u) => u.samplesPerSec)).toFixed(0)} | cnn-studio train ${median(cli.map((c) => c.samplesPerSec)).toFixed(0)} | CLI/UI ${spsRatio.toFixed(2)}×`);

    // Frame rate while panning, without and with training.
    const idle = await measureFps(page, () => panAndZoom(page, 4));
    await setNumber(page, 'train-epochs', '20');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="train-progress"][data-status="running"]').waitFor();
    const busy = await measureFps(page, () => panAndZoom(page, 4));
    await page.getByTestId('train-stop').click();
    console.log(`  panning and zooming LeNet-5: ${idle.fps.toFixed(1)} fps idle (p95 frame ${idle.p95.toFixed(1)} ms) | ${busy.fps.toFixed(1)} fps while training (p95 ${busy.p95.toFixed(1)} ms) — target ≥ 50 fps`);
  } finally {
    await browser.close();
    await server.close();
  }
}
