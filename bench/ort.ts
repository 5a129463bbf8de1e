/**
 * The onnxruntime fast path, side by side and interleaved in one run (medians; each ratio is the
 * median over rounds of that round's time over that round's raw run):
 *   raw      — a plain onnxruntime-node session on the exported model, final output only;
 *   backend  — OrtBackend, final output only;
 *   previews — OrtBackend with statistics and previews for every document node;
 *   host     — the same two through EngineHost (worker round trip included): the engine in its own
 *              process, as the app ships it, and in a worker thread (the issue's original design).
 * Every round feeds a new image (one value changed, made before the timer starts): EngineHost keeps
 * each node's last output and the backend the input's summary, so the same image again would time
 * their caches, not a run (until Dec 2026 the EngineHost rows with previews did: 3.6–5.1 ms).
 * Then session creation, edit-to-result (ResNet-50: one unit's filter count; LeNet-5 at 28×28: one
 * conv's filters) and peak RSS of a fresh process running ResNet-152 with previews.
 * `npm run bench -- ort`; `BENCH_ORT_MODELS=googlenet,resnet50` picks the steady-state presets, `BENCH_ORT_RUNS=N` sets the interleaved rounds (default 15),
 * `BENCH_ORT_TRIALS=T` repeats them with fresh sessions and engines T times (default 3), `BENCH_ORT_PAUSE_MS`
 * the pause before each timed run (default 100, see PAUSE_MS). Beside each wall
 * ratio, the ratio of CPU time (all threads): steadier when other processes share the cores; for
 * EngineHost, the transport (wall time − the engine's own RunResult.timeMs) and that engine time.
 * A steady-state round during which other processes used the CPU is re-run (bench/quiet.ts).
 */
import { spawnSync } from 'node:child_process';
import { peakRssBytes } from './memory';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { analyze } from '../engine/src/core/graph/analyze';
import type { ModelDocument } from '../engine/src/core/document/schema';
import { exportOnnx } from '../engine/src/core/onnx/export';
import { getPreset } from '../engine/src/core/presets';
import { OrtBackend } from '../engine/src/runtime/ort/ort-backend';
import { EngineHost } from '../engine/src/runtime/engine-host';
import type { RunRequest } from '../engine/src/core/api';
import { quietRound } from './quiet';

const RUNS = Number(process.env.BENCH_ORT_RUNS ?? 15);
/** Trials per preset, each with fresh sessions and engine hosts (see steadyState). */
const TRIALS = Number(process.env.BENCH_ORT_TRIALS ?? 3);
const THREADS = availableParallelism();
/**
 * Pause before each timed run (see trial). `BENCH_ORT_PAUSE_MS=0` interleaves back to back. 20 ms
 * was not enough: the raw session ran at 26.9 ms after 20 ms pauses and 21.3–22.8 ms after 50, 100
 * or 200 (GoogLeNet, 28 Nov 2026), which flattered every ratio.
 */
const PAUSE_MS = Number(process.env.BENCH_ORT_PAUSE_MS ?? 100);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

function inputOf(doc: ModelDocument): { id: string; shape: number[]; data: Float32Array } {
  const input = doc.nodes.find((n) => n.type === 'Input')!;
  const shape = [input.params.channels, input.params.height, input.params.width] as number[];
  const data = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => Math.sin(i * 0.01));
  return { id: input.id, shape, data };
}

/** CPU time (all threads of this process, ORT's included; not the engine process's) of the last `time` call, ms. */
let lastCpu = 0;
/** Timed rounds repeated because other processes used the CPU meanwhile (see quiet.ts). */
let dropped = 0;

/** Wall time of fn, ms; `pids`: re-run it (up to 20 times) while processes other than these used the CPU. */
async function time(fn: () => Promise<unknown>, pids?: () => (number | undefined)[], prepare?: () => void): Promise<number> {
  const round = await quietRound(fn, { pids, tries: pids ? 20 : 1, ...(prepare ? { prepare } : {}) });
  dropped += round.dropped;
  lastCpu = round.cpuMs;
  return round.ms;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded pseudo-random sequence in [0, 1) (a 32-bit LCG: enough to shuffle a few variants). */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A copy of xs in random order (Fisher–Yates). */
function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const KINDS = ['raw', 'backend', 'previews', 'host', 'hostPreviews', 'thread', 'threadPreviews'] as const;
type Kind = (typeof KINDS)[number];
type Samples = Record<Kind, number[]>;
const samples = (): Samples => Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Samples;
const viaEngineHost = (k: Kind) => k.startsWith('host') || k.startsWith('thread');

interface Trial {
  wall: Samples;
  cpu: Samples;
  /** EngineHost kinds: wall − the engine's own RunResult.timeMs. */
  transport: Samples;
  rawCreate: number;
  fastCreate: number;
  previewCreate: number;
}

/** One trial: fresh sessions and engine hosts for every variant, then RUNS interleaved rounds. */
async function trial(name: string, seed: number): Promise<Trial> {
  const doc = getPreset(name);
  const analysis = analyze(doc);
  const x = inputOf(doc);
  const bytes = exportOnnx(doc, analysis);
  const tCreate = performance.now();
  const raw = await ort.InferenceSession.create(bytes, { intraOpNumThreads: THREADS });
  const rawCreate = performance.now() - tCreate;
  const finalOnly = new OrtBackend();
  const withPreviews = new OrtBackend();
  let inputs = { [x.id]: x.data };
  await finalOnly.run(doc, analysis, inputs, { previews: false, tensors: 'outputs' });
  const fastCreate = finalOnly.lastTimings.createMs;
  await withPreviews.run(doc, analysis, inputs, { previews: true, tensors: 'outputs' });
  const previewCreate = withPreviews.lastTimings.createMs;
  await Promise.all([finalOnly.settle(), withPreviews.settle()]);
  const host = new EngineHost();
  const threadHost = new EngineHost({ isolation: 'thread' });
  await Promise.all([host.start(), threadHost.start()]);
  let image = x.data;
  const request = (previews: boolean): RunRequest => ({ docId: `${name}-${previews}`, document: doc, inputs: { kind: 'tensor', shape: x.shape, data: image }, previews, tensors: 'outputs' });
  // The worker upgrades its sessions when idle: run, pause, until both are optimised.
  for (let i = 0; i < 3; i++) {
    await host.run(request(false));
    await host.run(request(true));
    await threadHost.run(request(false));
    await threadHost.run(request(true));
    // 2.5 s at least: seeded weights fed from the first run (partial-run.ts) are baked after 2 s idle.
    await sleep(Math.max(2500, 400 + 2 * rawCreate));
  }
  const wall = samples();
  const cpu = samples();
  const transport = samples();
  /** The engine's own time of the last EngineHost run (RunResult.timeMs): wall − this is the transport. */
  let engineMs = 0;
  const runOnHost = async (h: EngineHost, previews: boolean) => (engineMs = (await h.run(request(previews))).timeMs);
  let feeds = { [x.id]: new ort.Tensor('float32', image, [1, ...x.shape]) };
  const runs: Record<Kind, () => Promise<unknown>> = {
    raw: () => raw.run(feeds),
    backend: () => finalOnly.run(doc, analysis, inputs, { previews: false, tensors: 'outputs' }),
    previews: () => withPreviews.run(doc, analysis, inputs, { previews: true, tensors: 'outputs' }),
    host: () => runOnHost(host, false),
    hostPreviews: () => runOnHost(host, true),
    thread: () => runOnHost(threadHost, false),
    threadPreviews: () => runOnHost(threadHost, true),
  };
  const order = seeded(seed);
  let images = 0;
  for (let i = 0; i < RUNS + 2; i++) {
    // A fresh order each round (seeded, so runs repeat): a run leaves the caches and the other
    // sessions' threads in a state the next one inherits, so no variant may always follow the same
    // one (rotating one fixed order would keep every predecessor but the round's first).
    for (const k of shuffled(KINDS, order)) {
      // Each onnxruntime session has its own thread pool, whose threads spin for a while after a
      // run: without a long enough pause, whichever session runs next competes with them for the
      // 2 cores (see PAUSE_MS). The app runs one session at a time.
      await sleep(PAUSE_MS);
      const w = await time(runs[k], () => [host.workerPid], () => {
        image = x.data.slice();
        image[0] = ++images * 1e-3;
        inputs = { [x.id]: image };
        feeds = { [x.id]: new ort.Tensor('float32', image, [1, ...x.shape]) };
      });
      if (i < 2) continue; // warm-up
      wall[k].push(w);
      cpu[k].push(lastCpu);
      if (viaEngineHost(k)) transport[k].push(w - engineMs);
    }
  }
  await Promise.all([host.stop(), threadHost.stop()]);
  await raw.release();
  await finalOnly.dispose();
  await withPreviews.dispose();
  return { wall, cpu, transport, rawCreate, fastCreate, previewCreate };
}

/**
 * Steady state of one preset over TRIALS trials. Two sessions of the same graph can differ by
 * ~0.1× (where their memory lands: ResNet-50's tap graph measured 1.40× and 1.27× side by side),
 * so each trial builds every session and engine anew; the ratios pool the rounds of all trials.
 */
async function steadyState(name: string): Promise<void> {
  const trials: Trial[] = [];
  for (let t = 0; t < TRIALS; t++) trials.push(await trial(name, RUNS + t));
  const pool = (pick: (tr: Trial) => Samples) => Object.fromEntries(KINDS.map((k) => [k, trials.flatMap((tr) => pick(tr)[k])])) as Samples;
  const wall = pool((tr) => tr.wall);
  const cpu = pool((tr) => tr.cpu);
  const transport = pool((tr) => tr.transport);
  const [r, b, p, h, hp, th, thp] = KINDS.map((k) => median(wall[k]));
  const rc = median(cpu.raw);
  // Side by side: the median over rounds of each round's ratio to that round's raw run.
  const pairedOf = (w: Samples, k: Kind) => median(w[k].map((v, i) => v / w.raw[i]));
  const paired = (k: Kind) => pairedOf(wall, k);
  // With several trials, the spread of the per-trial ratios too.
  const spread = (k: Kind) => {
    if (trials.length < 2) return '';
    const each = trials.map((tr) => pairedOf(tr.wall, k));
    return ` [trials ${Math.min(...each).toFixed(2)}–${Math.max(...each).toFixed(2)}]`;
  };
  // In-process variants: CPU time beside the wall ratio. EngineHost: the transport (wall − the
  // engine's own time) instead — this process's CPU time says nothing of an engine process's.
  const ratio = (v: number, k: Kind) =>
    `${ms(v).padStart(9)} (${paired(k).toFixed(2)}×${spread(k)}; ${viaEngineHost(k) ? `transport ${ms(median(transport[k]))}, engine ${ms(median(wall[k].map((w, i) => w - transport[k][i])))}` : `CPU ${(median(cpu[k]) / rc).toFixed(2)}×`})`;
  const doc = getPreset(name);
  console.log(`${doc.name}: raw ORT session, final output only ${ms(r)} (CPU ${ms(rc)})${dropped ? `; ${dropped} rounds re-run because other processes used the CPU` : ''}`);
  dropped = 0;
  console.log(`  final output only (target ≤ 1.10×):          backend ${ratio(b, 'backend')} | EngineHost + process ${ratio(h, 'host')} | EngineHost + thread ${ratio(th, 'thread')}`);
  console.log(`  + stats & previews of ${String(doc.nodes.length).padStart(2)} nodes (target ≤ 1.5×): backend ${ratio(p, 'previews')} | EngineHost + process ${ratio(hp, 'hostPreviews')} | EngineHost + thread ${ratio(thp, 'threadPreviews')}`);
  const first = trials[0];
  console.log(`  session creation: raw ORT (optimisation "all") ${ms(first.rawCreate)} | backend's first session ${ms(first.fastCreate)}, with taps ${ms(first.previewCreate)}`);
}

/** Edit-to-result: a fresh graph (never seen before) each time, outputs and previews back. */
async function editToResult(name: string, edits: number, mutate: (doc: ModelDocument, k: number) => void, prepare?: (doc: ModelDocument) => void): Promise<void> {
  const base = getPreset(name);
  prepare?.(base);
  const x = inputOf(base);
  const backend = new OrtBackend();
  const inputs = { [x.id]: x.data };
  await backend.run(base, analyze(base), inputs, { previews: true, tensors: 'outputs' });
  await backend.settle();
  const steady = median(await Promise.all([0, 1, 2].map(() => time(() => backend.run(base, analyze(base), inputs, { previews: true, tensors: 'outputs' })))));
  const total: number[] = [];
  const parts: { compileMs: number; createMs: number; runMs: number }[] = [];
  for (let k = 1; k <= edits; k++) {
    const doc = structuredClone(base);
    mutate(doc, k);
    const t = await time(async () => {
      const analysis = analyze(doc);
      if (!analysis.valid) throw new Error(`edit ${k} made ${name} invalid: ${analysis.diagnostics[0]?.message}`);
      await backend.run(doc, analysis, inputs, { previews: true, tensors: 'outputs' });
    });
    total.push(t);
    parts.push(backend.lastTimings);
    await backend.settle(); // the background upgrade finishes before the next edit
  }
  const part = (k: 'compileMs' | 'createMs' | 'runMs') => ms(median(parts.map((p) => p[k])));
  console.log(
    `edit-to-result ${base.name} ${x.shape.join('×')}: median ${ms(median(total))} over ${edits} edits (analyse+compile ${part('compileMs')}, session ${part('createMs')}, run ${part('runMs')}); unchanged re-run ${ms(steady)}`,
  );
  await backend.dispose();
}

async function peakRss(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self], { env: { ...process.env, BENCH_ORT_RSS_CHILD: '1' }, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) {
    console.log(`peak RSS: child failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return;
  }
  console.log(r.stdout.trim());
}


async function rssChild(): Promise<void> {
  const doc = getPreset('resnet152');
  const x = inputOf(doc);
  const backend = new OrtBackend();
  for (let i = 0; i < 5; i++) {
    await backend.run(doc, analyze(doc), { [x.id]: x.data }, { previews: true, tensors: 'outputs' });
    await backend.settle();
  }
  const peak = peakRssBytes();
  console.log(`peak RSS, fresh process, ResNet-152 with previews (5 runs): ${(peak / 1024 ** 3).toFixed(2)} GiB (target ≤ 1.5 GB)`);
  await backend.dispose();
}

export async function run(): Promise<void> {
  console.log(`onnxruntime-node ${ort.env.versions.common}, ${THREADS} threads, batch 1, 224×224, medians of ${RUNS} interleaved rounds × ${TRIALS} trial${TRIALS > 1 ? 's' : ''}`);
  for (const name of (process.env.BENCH_ORT_MODELS ?? 'googlenet,resnet50,resnet152').split(',')) await steadyState(name);
  if (process.env.BENCH_ORT_STEADY_ONLY) return;
  // ResNet-50: change the bottleneck width of one stage-3 unit (256 → 250, 244, …).
  await editToResult('resnet50', 7, (doc, k) => {
    const units = doc.nodes.filter((n) => n.type === 'ResidualUnit');
    const unit = units[Math.floor(units.length / 2)];
    unit.params = { ...unit.params, filters: (unit.params.filters as number) - 6 * k };
  });
  // ResNet-50: change the stem conv's filters (64 → 60, 56, …): everything downstream of it changes.
  await editToResult('resnet50', 5, (doc, k) => {
    const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
    conv.params = { ...conv.params, filters: (conv.params.filters as number) - 4 * k };
  });
  await editToResult(
    'lenet5',
    9,
    (doc, k) => {
      const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
      conv.params = { ...conv.params, filters: (conv.params.filters as number) + k };
    },
    (doc) => {
      const input = doc.nodes.find((n) => n.type === 'Input')!;
      input.params = { ...input.params, height: 28, width: 28 };
      const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;
      if (!analyze(doc).valid) conv.params = { ...conv.params, padding: 'same' };
    },
  );
  await peakRss();
}

if (process.env.BENCH_ORT_RSS_CHILD) await rssChild();
