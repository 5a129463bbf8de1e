/**
 * Engine isolation overhead (a script, not a test): `npx tsx bench/isolation.ts [runs]` or
 * `npm run bench -- isolation`. ResNet-50 at 224×224 with previews (what the editor asks for),
 * through EngineHost with the engine in a worker thread and in a child process (onnxruntime
 * backend). Per run: host wall time of run() minus the worker's own time (RunResult.timeMs) — the
 * transport: posting the request, and the result back (transferred from a thread; serialised and
 * copied from a process). Also: the result's size and the cost of one V8 serialise + deserialise
 * of it in this process (the extra copy a process adds, each way ≈ half).
 */
import { performance } from 'node:perf_hooks';
import { deserialize, serialize } from 'node:v8';
import type { RunRequest, RunResult } from '../engine/src/core/api';
import { getPreset } from '../engine/src/core/presets';
import type { Isolation } from '../engine/src/runtime/channel';
import { EngineHost } from '../engine/src/runtime/engine-host';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (v: number) => v.toFixed(2);

function request(i: number): RunRequest {
  const rgba = Uint8Array.from({ length: 224 * 224 * 4 }, (_, k) => (k * 31 + i) % 256);
  return { docId: 'resnet50', document: getPreset('resnet50'), inputs: { kind: 'image', width: 224, height: 224, rgba }, previews: true };
}

async function measure(isolation: Isolation, runs: number) {
  const host = new EngineHost({ isolation });
  await host.start();
  for (let i = 0; i < 3; i++) await host.run(request(i)); // sessions built, optimised session swapped in
  await new Promise((r) => setTimeout(r, 3000)); // let the background re-optimisation finish
  await host.run(request(0));
  const overhead: number[] = [];
  const wall: number[] = [];
  let last: RunResult | undefined;
  for (let i = 0; i < runs; i++) {
    const req = request(i);
    const t0 = performance.now();
    last = await host.run(req);
    const t = performance.now() - t0;
    wall.push(t);
    overhead.push(t - last.timeMs);
  }
  await host.stop();
  return { wall: median(wall), overhead: median(overhead), last: last! };
}

export async function run(): Promise<void> {
  const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 20);
  const results: Partial<Record<Isolation, Awaited<ReturnType<typeof measure>>>> = {};
  for (const isolation of ['thread', 'process'] as const) {
    results[isolation] = await measure(isolation, runs);
    const r = results[isolation]!;
    console.log(`${isolation.padEnd(7)}  run() wall median ${f(r.wall)} ms, transport (wall − worker timeMs) median ${f(r.overhead)} ms  (${runs} runs)`);
  }
  const result = results.process!.last;
  const bytes = serialize(result).length;
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    deserialize(serialize(result));
    times.push(performance.now() - t0);
  }
  const previews = Object.values(result.nodes).filter((n) => n.preview).length;
  console.log(`result: ${(bytes / 1024).toFixed(0)} KiB serialised (${previews} node previews); V8 serialise+deserialise median ${f(median(times))} ms`);
  console.log(`process − thread transport: ${f(results.process!.overhead - results.thread!.overhead)} ms per run`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
