/**
 * Where a run's time goes, per operator, with and without the in-graph taps (statistics and
 * previews, engine/src/runtime/ort/taps.ts), from onnxruntime's own profile: kernel time per run,
 * the network's operators apart from the taps'. `npm run bench -- taps`; `BENCH_TAPS_MODELS`
 * picks presets (default googlenet,resnet50). Profiled kernels run slower than unprofiled ones;
 * compare the lines with each other, not with bench/ort.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { analyze } from '../engine/src/core/graph/analyze';
import { compileOnnx, graphOutputs } from '../engine/src/core/onnx/export';
import { getPreset } from '../engine/src/core/presets';
import { addTaps } from '../engine/src/runtime/ort/taps';

const RUNS = 15;

async function profile(name: string, taps: boolean): Promise<Map<string, number>> {
  const doc = getPreset(name);
  const analysis = analyze(doc);
  const compiled = compileOnnx(doc, analysis, { batch: 1, outputs: graphOutputs(doc, analysis), name });
  if (taps) addTaps(compiled.builder, compiled.values, doc.nodes.map((n) => n.id).filter((id) => compiled.values[id]));
  const input = doc.nodes.find((n) => n.type === 'Input')!;
  const shape = [1, input.params.channels, input.params.height, input.params.width] as number[];
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.01));
  const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-bench-taps-'));
  try {
    const session = await ort.InferenceSession.create(compiled.builder.encode({}), { intraOpNumThreads: 2, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: join(dir, 'p') });
    const feeds = { [compiled.values[input.id].name]: new ort.Tensor('float32', data, shape) };
    await session.run(feeds); // warm-up, also profiled: subtracted below
    for (let i = 0; i < RUNS; i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const parsed = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
    const events = (Array.isArray(parsed) ? parsed : parsed.traceEvents) as { cat: string; name: string; dur: number; ts: number; args?: { op_name?: string } }[];
    const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time')).sort((a, b) => a.ts - b.ts);
    // Drop the warm-up run: the first 1/(RUNS+1) of the kernels.
    const perRun = kernels.length / (RUNS + 1);
    const byOp = new Map<string, number>();
    for (const e of kernels.slice(perRun)) {
      const key = `${e.name.startsWith('__taps/') ? 'tap' : 'net'} ${e.args?.op_name ?? '?'}`;
      byOp.set(key, (byOp.get(key) ?? 0) + e.dur / 1000 / RUNS);
    }
    return byOp;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sum = (m: Map<string, number>, prefix = '') => [...m].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);

export async function run(): Promise<void> {
  for (const name of (process.env.BENCH_TAPS_MODELS ?? 'googlenet,resnet50').split(',')) {
    const plain = await profile(name, false);
    const tapped = await profile(name, true);
    console.log(
      `${getPreset(name).name}: kernel time per run (onnxruntime profile, ${RUNS} runs): without taps ${sum(plain).toFixed(1)} ms; with taps ${sum(tapped).toFixed(1)} ms ` +
        `= network ${sum(tapped, 'net').toFixed(1)} ms + taps ${sum(tapped, 'tap').toFixed(1)} ms`,
    );
    const rows = [...tapped].sort((a, b) => b[1] - a[1]).slice(0, 14);
    console.log('  ' + rows.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' · '));
  }
}
