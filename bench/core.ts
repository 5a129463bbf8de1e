/**
 * Engine core speed: full validation + shapes + costs (analyze) of expanded ResNet-152 and of a
 * synthetic 5,000-node graph. Prints medians and the time per 1,000 primitive nodes
 * (target: under 2 ms per 1,000 nodes, so the editor can revalidate on every keystroke).
 */
import { analyze } from '../engine/src/core/graph/analyze';
import { loadDocument } from '../engine/src/core/document/load';
import { getPreset } from '../engine/src/core/presets';
import type { ModelDocument } from '../engine/src/core/document/schema';
import { expandComposites, syntheticGraph } from './graphs';
import { availableParallelism, loadavg } from 'node:os';

const TARGET_MS_PER_1000 = 2;
const RUNS = 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Timing {
  /** Median wall time, ms. */
  median: number;
  /** Fastest run, ms (least disturbed by other processes on a shared machine). */
  min: number;
  /** Median CPU time of this process (all its threads, GC helpers included), ms. */
  cpu: number;
}

function measure(fn: () => void, runs: number, warmup = 5): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { median: median(wall), min: Math.min(...wall), cpu: median(cpu) };
}

interface Case {
  name: string;
  doc: ModelDocument;
}

export async function run(): Promise<void> {
  const cases: Case[] = [
    { name: 'resnet152 preset (52 composites)', doc: getPreset('resnet152') },
    { name: 'resnet152 expanded', doc: expandComposites(getPreset('resnet152')) },
    { name: 'synthetic 5,000 nodes', doc: syntheticGraph(5000) },
  ];
  console.log(`analyze(): validation + shapes + costs; ${RUNS} runs after 5 warm-up runs (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
  let worst = 0;
  for (const c of cases) {
    const primitives = analyze(c.doc).primitives.nodes.length;
    const t = measure(() => analyze(c.doc), RUNS);
    const per1000 = (ms: number) => (ms / primitives) * 1000;
    worst = Math.max(worst, per1000(t.median));
    const text = JSON.stringify(c.doc);
    const load = measure(() => loadDocument(JSON.parse(text)), 10, 2);
    console.log(
      `  ${c.name.padEnd(34)} ${String(primitives).padStart(5)} primitives  median ${t.median.toFixed(2).padStart(6)} ms = ${per1000(t.median).toFixed(2)} ms / 1,000 nodes` +
        `  (min ${per1000(t.min).toFixed(2)}, cpu ${per1000(t.cpu).toFixed(2)} ms / 1,000; JSON.parse + load ${load.median.toFixed(2)} ms)`,
    );
  }
  console.log(`worst median: ${worst.toFixed(2)} ms / 1,000 nodes — target < ${TARGET_MS_PER_1000} ms: ${worst < TARGET_MS_PER_1000 ? 'met' : 'NOT met'}`);
}
