/**
 * CLI start time (a script, not a test): `npm run bench -- cli`. Each round runs, back to back so
 * that load on a shared machine falls on all of them alike: a bare `node -e 0`, then the built CLI
 * (dist/cli/cnn-studio.mjs, what `npx cnn-studio` runs) with --help, presets, summary, validate and infer,
 * and — for comparison — `presets` from the TypeScript sources through tsx (how the CLI ran before it
 * shipped built). Prints each one's median wall time and its ratio to `node -e 0`'s median (issue 19
 * target: every command within 4×). CLI_BENCH_ROUNDS sets the rounds (default 21).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { serializeDocument } from '../engine/src/core/document/load';
import { getPreset } from '../engine/src/core/presets';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_RATIO = 4;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Case {
  name: string;
  args: string[];
}

function timeOnce(c: Case): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, c.args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function run(): Promise<void> {
  const { ensureCliBuilt } = (await import('../scripts/build.mjs' as string)) as { ensureCliBuilt(): Promise<string> };
  const bin = await ensureCliBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-bench-cli-'));
  const model = path.join(dir, 'lenet5.cnn.json');
  writeFileSync(model, serializeDocument(getPreset('lenet5')));
  const rounds = Number(process.env.CLI_BENCH_ROUNDS ?? 21);
  const baseline: Case = { name: 'node -e 0', args: ['-e', '0'] };
  const cases: Case[] = [
    { name: 'cnn-studio --help', args: [bin, '--help'] },
    { name: 'cnn-studio presets', args: [bin, 'presets'] },
    { name: 'cnn-studio summary preset:lenet5', args: [bin, 'summary', 'preset:lenet5'] },
    { name: 'cnn-studio validate lenet5.cnn.json', args: [bin, 'validate', model] },
    // Loads onnxruntime (its native init alone is ~30 ms) and runs the image: start plus real work.
    { name: 'cnn-studio infer preset:lenet5 (one image)', args: [bin, 'infer', 'preset:lenet5', '--input', path.join(ROOT, 'assets/samples/digit-3.png')] },
  ];
  const fromSources: Case = { name: 'presets from sources (tsx, before)', args: ['--import', 'tsx', path.join(ROOT, 'engine/src/cli/main.ts'), 'presets'] };
  const all = [baseline, ...cases, fromSources];
  try {
    for (const c of all) timeOnce(c); // warm the file cache
    const times = new Map<Case, number[]>(all.map((c) => [c, []]));
    for (let i = 0; i < rounds; i++) for (const c of all) times.get(c)!.push(timeOnce(c));
    const base = median(times.get(baseline)!);
    console.log(`CLI start, median wall time of ${rounds} interleaved rounds (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores); target ≤ ${TARGET_RATIO}× node -e 0`);
    console.log(`  ${baseline.name.padEnd(44)} ${base.toFixed(0).padStart(5)} ms`);
    for (const c of [...cases, fromSources]) {
      const m = median(times.get(c)!);
      const ratio = m / base;
      const verdict = c === fromSources ? '' : ratio <= TARGET_RATIO ? ' ✓' : ' ✗';
      console.log(`  ${c.name.padEnd(44)} ${m.toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}× node -e 0${verdict}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
