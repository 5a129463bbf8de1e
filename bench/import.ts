/**
 * ONNX import and model opening (a script, not a test): `npm run bench -- import`. Issue 19's targets:
 * torchvision ResNet-50 imports in ≤ 1.5× the time onnxruntime takes to create a session on the same
 * file, with peak memory ≤ 3× the file; AlexNet (233 MB) in ≤ 3 s; opening or summarising a 100 MB
 * model document in ≤ 1 s.
 *
 * Each measurement runs in a fresh Node process (so memory is that process's own: VmHWM minus the
 * same process's resident size before the work), back to back per round so that load on a shared
 * machine falls on all of them alike. The ONNX files are exported once by torch.onnx.export (Debian's
 * python3-torch + python3-torchvision, random weights); skipped without them.
 *   import: importOnnxWithSidecar with the editor's default (tensors of DEFAULT_SIDECAR_MIN_VALUES values
 *           and more go to the sidecar), what File ▸ Import ONNX does in the engine process
 *   ort:    onnxruntime-node InferenceSession.create on the file (optimisation "all", as the app runs models)
 *   open:   read + parse + validate an imported document with every weight inline (136 MB for
 *           ResNet-50), then analyse it (what opening it, or `cnn-studio summary`, costs)
 * IMPORT_BENCH_ROUNDS sets the rounds (default 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPython } from '../engine/src/runtime/python';

const SELF = fileURLToPath(import.meta.url);
const MODELS = ['resnet50', 'alexnet'] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MiB = 2 ** 20;

interface Measured {
  ms: number;
  /** Peak resident memory the work added, bytes. */
  extraBytes: number;
}

/** In the child: one measurement, printed as JSON. */
async function child(what: string, file: string): Promise<void> {
  const resident = () => process.memoryUsage().rss;
  const peak = () => Number(readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)![1]) * 1024;
  if (what === 'ort') {
    const ort = await import('onnxruntime-node');
    const before = resident();
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', intraOpNumThreads: 2 });
    const ms = performance.now() - t0;
    await session.release();
    console.log(JSON.stringify({ ms, extraBytes: peak() - before }));
    return;
  }
  if (what === 'import') {
    const { importOnnxWithSidecar, DEFAULT_SIDECAR_MIN_VALUES } = await import('../engine/src/core/onnx/import');
    const before = resident();
    const t0 = performance.now();
    const r = importOnnxWithSidecar(readFileSync(file), { weightsFile: 'model.weights.bin', sidecarMinValues: DEFAULT_SIDECAR_MIN_VALUES });
    const text = JSON.stringify(r.document);
    const ms = performance.now() - t0;
    console.log(JSON.stringify({ ms, extraBytes: peak() - before, documentBytes: text.length, sidecarBytes: r.sidecar?.byteLength ?? 0 }));
    return;
  }
  if (what === 'open') {
    const { loadDocument } = await import('../engine/src/core/document/load');
    const { analyze } = await import('../engine/src/core/graph/analyze');
    const before = resident();
    const t0 = performance.now();
    const loaded = loadDocument(JSON.parse(readFileSync(file, 'utf8')));
    if (!loaded.ok) throw new Error('the document did not load');
    analyze(loaded.document);
    console.log(JSON.stringify({ ms: performance.now() - t0, extraBytes: peak() - before }));
    return;
  }
  if (what === 'inline') {
    // Setup, not measured: the document with every weight inline, for "open".
    const { importOnnx } = await import('../engine/src/core/onnx/import');
    writeFileSync(process.argv[4], JSON.stringify(importOnnx(readFileSync(file))));
    console.log('{}');
  }
}

function measure(what: string, file: string, extra: string[] = []): Measured & Record<string, number> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, what, file, ...extra], {
    env: { ...process.env, IMPORT_BENCH_CHILD: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`${what} ${path.basename(file)} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export async function run(): Promise<void> {
  const python = findPython(['torch', 'torchvision']);
  if (!python) {
    console.log('import: skipped — needs python3 with torch and torchvision (Debian: apt install python3-torch python3-torchvision)');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-bench-import-'));
  try {
    const exported = spawnSync(
      python,
      [
        '-c',
        `import sys, torch, torchvision
for name in sys.argv[2:]:
    m = getattr(torchvision.models, name)(weights=None).eval()
    torch.onnx.export(m, torch.randn(1, 3, 224, 224), f"{sys.argv[1]}/{name}.onnx", opset_version=13)`,
        dir,
        ...MODELS,
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    if (exported.status !== 0) throw new Error(`torch.onnx.export failed: ${exported.stderr}`);
    const rounds = Number(process.env.IMPORT_BENCH_ROUNDS ?? 3);
    const resnetDoc = path.join(dir, 'resnet50.inline.json');
    measure('inline', path.join(dir, 'resnet50.onnx'), [resnetDoc]);
    const results = new Map<string, (Measured & Record<string, number>)[]>();
    const add = (key: string, m: Measured & Record<string, number>) => results.set(key, [...(results.get(key) ?? []), m]);
    for (let i = 0; i < rounds; i++) {
      for (const name of MODELS) {
        const file = path.join(dir, `${name}.onnx`);
        add(`${name} ort`, measure('ort', file));
        add(`${name} import`, measure('import', file));
      }
      add('resnet50 open', measure('open', resnetDoc));
    }
    const med = (key: string, field: string) => median(results.get(key)!.map((m) => m[field]));
    console.log(`ONNX import and opening, medians of ${rounds} rounds, each in a fresh process (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
    for (const name of MODELS) {
      const size = statSync(path.join(dir, `${name}.onnx`)).size;
      const ort = med(`${name} ort`, 'ms');
      const imp = med(`${name} import`, 'ms');
      const extra = med(`${name} import`, 'extraBytes');
      const line = [
        `  ${name.padEnd(9)} ${(size / MiB).toFixed(0).padStart(4)} MiB file: import ${imp.toFixed(0).padStart(5)} ms vs onnxruntime session ${ort.toFixed(0).padStart(5)} ms = ${(imp / ort).toFixed(2)}×`,
        `peak +${(extra / MiB).toFixed(0)} MiB = ${(extra / size).toFixed(2)}× the file (onnxruntime +${(med(`${name} ort`, 'extraBytes') / MiB).toFixed(0)} MiB)`,
        `document ${(med(`${name} import`, 'documentBytes') / MiB).toFixed(2)} MiB + sidecar ${(med(`${name} import`, 'sidecarBytes') / MiB).toFixed(0)} MiB`,
      ];
      console.log(line.join('; '));
    }
    console.log('  targets: ResNet-50 ≤ 1.5× the session and ≤ 3× the file; AlexNet ≤ 3000 ms');
    const docSize = statSync(resnetDoc).size;
    console.log(`  open ResNet-50 with every weight inline (${(docSize / MiB).toFixed(0)} MiB JSON): ${med('resnet50 open', 'ms').toFixed(0)} ms (parse, validate, analyse; target ≤ 1000 ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.IMPORT_BENCH_CHILD) await child(process.argv[2], process.argv[3]);
