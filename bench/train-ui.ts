/**
 * Training from the editor (a script, not a test): `npm run bench -- train-ui`.
 * Browser mode in Debian's Chromium with the real engine in its own process, LeNet-5 on MNIST:
 *  1. time from clicking Train to the first point on the loss curve;
 *  2. one full epoch (batch 64) from the Train tab beside the same epoch from `cnn-studio train`
 *     (the built CLI, a process of its own), and from the same engine process started through its API with no page: epoch wall time (training + evaluation, as the engine reports it) and the
 *     trainer's samples/s — the UI must not slow the trainer (target: within 10%);
 *  3. frame rate while panning and zooming the canvas during training, beside the same without.
 * Runs alternate (UI, CLI, UI, CLI…), each trial starting one variant further on, so load on the
 * shared machine falls on all alike.
 * BENCH_TRAIN_UI_CPU=1: the CPU time each process spent during each epoch (bench/cpu-by-process.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../engine/src/core/api';
import { launchBrowser } from '../e2e/support/browser';
import { startLiveServer } from '../e2e/support/live-server';
import { measureFps, panAndZoom } from './editor';
import { cpuSnapshot, cpuSpent } from './cpu-by-process';

const TRIALS = Number(process.env.BENCH_TRAIN_UI_TRIALS ?? 2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function setNumber(page: Page, testId: string, value: string): Promise<void> {
  const settings = page.locator('details:has([data-testid="train-settings"])');
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
  await page.getByTestId(testId).fill(value);
}

/**
 * One epoch of `cnn-studio train` as a user runs it: the built CLI in a process of its own (in this
 * process it would share a heap and a thread with the web server and Playwright). The epoch's wall
 * time and the trainer's samples/s come from its --json lines, so starting Node is not counted.
 */
async function cliEpoch(bin: string, dir: string): Promise<{ epochMs: number; samplesPerSec: number }> {
  const r = spawnSync(process.execPath, [bin, 'train', 'preset:lenet5', '--data', 'mnist', '-o', path.join(dir, 'cli.json'), '--epochs', '1', '--json'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`cnn-studio train exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const progress = lines.filter((l) => l.progress).at(-1).progress;
  return { epochMs: lines.find((l) => l.epoch === 1).timeMs, samplesPerSec: progress.samplesPerSec };
}

export async function run(): Promise<void> {
  const { ensureCliBuilt } = (await import('../scripts/build.mjs' as string)) as { ensureCliBuilt(): Promise<string> };
  const bin = await ensureCliBuilt();
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
    const quiet: { epochMs: number; samplesPerSec: number }[] = [];
    const cli: { epochMs: number; samplesPerSec: number }[] = [];
    const headless: { epochMs: number; samplesPerSec: number }[] = [];
    /** The same epoch in the same engine process, started through its API with no page watching: the page's share. */
    const engineEpoch = async (): Promise<{ epochMs: number; samplesPerSec: number }> => {
      events.length = 0;
      const { getPreset } = await import('../engine/src/core/presets');
      await server.engine.startTraining({ docId: 'bench-headless', document: getPreset('lenet5'), data: { kind: 'mnist' }, config: { epochs: 1, batch: 64 } });
      while (!events.some((e) => e.type === 'train-done' || e.type === 'train-failed')) await new Promise((r) => setTimeout(r, 25));
      const epoch = events.find((e) => e.type === 'train-epoch');
      const progress = events.filter((e) => e.type === 'train-progress').at(-1);
      if (epoch?.type !== 'train-epoch' || progress?.type !== 'train-progress') throw new Error('bench: no epoch report from the engine');
      return { epochMs: epoch.report.timeMs, samplesPerSec: progress.progress.samplesPerSec };
    };
    /** One epoch from the Train tab; the click-to-first-point time is watched from inside the page. */
    const uiEpoch = async (): Promise<{ epochMs: number; samplesPerSec: number; firstMs: number }> => {
      events.length = 0;
      if (process.env.BENCH_TRAIN_UI_LONGTASKS) await page.evaluate(`(() => { window.__long = { n: 0, ms: 0 }; new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__long.n++; window.__long.ms += e.duration; } }).observe({ entryTypes: ['longtask'] }); })()`);
      const firstMs = (await page.evaluate(`(async () => {
        const button = document.querySelector('[data-testid="train-start"]');
        const t0 = performance.now();
        button.click();
        await new Promise((resolve) => {
          const tick = () => {
            const chart = document.querySelector('[data-testid="train-loss-chart"]');
            if (chart && Number(chart.getAttribute('data-points')) > 0 && Number(chart.getAttribute('data-points')) < 200) resolve();
            else requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        return performance.now() - t0;
      })()`)) as number;
      // Wait on the engine's events here, not on the page: Playwright's in-page waiting polls every
      // animation frame, and those frames would be counted against the Train tab.
      while (!events.some((e) => e.type === 'train-done' || e.type === 'train-failed')) await new Promise((r) => setTimeout(r, 25));
      await page.locator('[data-testid="train-progress"][data-status="done"]').waitFor();
      if (process.env.BENCH_TRAIN_UI_LONGTASKS) console.log('   page long tasks during the epoch:', await page.evaluate(`JSON.stringify(window.__long)`));
      const epoch = events.find((e) => e.type === 'train-epoch');
      const progress = events.filter((e) => e.type === 'train-progress').at(-1);
      if (epoch?.type !== 'train-epoch' || progress?.type !== 'train-progress') throw new Error('bench: no epoch report from the engine');
      return { epochMs: epoch.report.timeMs, samplesPerSec: progress.progress.samplesPerSec, firstMs };
    };
    /** The checkbox shows once a run has started; before that the thumbnails follow (the default). */
    const follow = async (on: boolean) => {
      const box = page.getByTestId('train-follow-maps');
      if ((await box.count()) > 0) await box.setChecked(on);
      else if (!on) throw new Error('bench: no follow checkbox before the first run');
    };
    /** With BENCH_TRAIN_UI_CPU: the CPU each process group spent during `work`. */
    const cpu = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
      if (!process.env.BENCH_TRAIN_UI_CPU) return work();
      const before = cpuSnapshot();
      const result = await work();
      const spent = Object.entries(cpuSpent(before, cpuSnapshot())).filter(([, ms]) => ms >= 20).sort((a, b) => b[1] - a[1]);
      console.log(`   CPU during ${label}: ${spent.map(([g, ms]) => `${g} ${ms} ms`).join(', ')}`);
      return result;
    };
    // Each trial starts one variant further on, so no variant always follows the same one (the
    // CLI's epoch runs in this process and leaves its garbage to whatever comes next).
    const variants: (() => Promise<void>)[] = [
      async () => {
        await follow(true);
        const live = await cpu('Train tab epoch, following', uiEpoch);
        firstPoint.push(live.firstMs);
        ui.push(live);
      },
      async () => {
        await follow(false);
        quiet.push(await cpu('Train tab epoch, not following', uiEpoch));
      },
      async () => void cli.push(await cpu('cnn-studio train epoch', () => cliEpoch(bin, dir))),
      async () => void headless.push(await cpu('engine process epoch, no page', engineEpoch)),
    ];
    for (let t = 0; t < TRIALS; t++) for (let v = 0; v < variants.length; v++) await variants[(t + v) % variants.length]();
    const med = (xs: { epochMs: number }[]) => median(xs.map((x) => x.epochMs));
    const ratio = med(ui) / med(cli);
    const quietRatio = med(quiet) / med(cli);
    const headlessRatio = med(headless) / med(cli);
    console.log(`LeNet-5 on MNIST, 1 epoch (125 steps of 64), ${TRIALS} trials, alternating:`);
    console.log(`  click Train → first curve point: median ${median(firstPoint).toFixed(0)} ms (${firstPoint.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  epoch wall time: cnn-studio train ${med(cli).toFixed(0)} ms | Train tab, thumbnails following (2×/s) ${med(ui).toFixed(0)} ms = ${ratio.toFixed(2)}× ${ratio <= 1.1 ? '✓' : '✗'} | not following ${med(quiet).toFixed(0)} ms = ${quietRatio.toFixed(2)}× ${quietRatio <= 1.1 ? '✓' : '✗'} — target ≤ 1.10×`);
    console.log(`  the same engine process with no page watching: ${med(headless).toFixed(0)} ms = ${headlessRatio.toFixed(2)}× the CLI (what the page itself costs: ${(med(quiet) / med(headless)).toFixed(2)}× not following)`);
    console.log(`  trainer samples/s: cnn-studio train ${median(cli.map((c) => c.samplesPerSec)).toFixed(0)} | Train tab ${median(ui.map((u) => u.samplesPerSec)).toFixed(0)} following, ${median(quiet.map((u) => u.samplesPerSec)).toFixed(0)} not`);

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
