/**
 * Proof that the PyTorch export is right, checked by PyTorch itself (Debian's python3-torch): the
 * generated module, loaded with the exported state dict (`load_state_dict(torch.load(...,
 * weights_only=True))`, strict), gives the engine's outputs (reference backend), and
 * `sum(p.numel() for p in model.parameters())` equals our parameter count.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { getPreset, PRESET_NAMES } from '../presets';
import { mulberry32 } from '../weights/seeded';
import { ReferenceBackend } from '../../runtime/reference/backend';
import { findPython } from '../../runtime/python';
import { exportPyTorch } from './pytorch';
import { randomValidDocument } from './random-graphs';
import { moduleFormsDocument } from '../ops/module-forms.fixture';

const python = findPython(['torch', 'numpy']);
const HARNESS = resolve(__dirname, '../../../test-python/run_pytorch_models.py');
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Presets at a reduced input where 224² would make the plain-TypeScript reference run slow; GoogLeNet's 7×7 average pool needs 224. */
const PRESET_INPUT: Record<string, number> = { lenet5: 32, googlenet: 224 };

function withInputSize(doc: ModelDocument, size: number): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.type === 'Input' ? { ...n, params: { ...n.params, height: size, width: size } } : n)) };
}

/** Without the trailing softmax, so we compare logits (softmax hides differences). */
function withoutFinalSoftmax(doc: ModelDocument): ModelDocument {
  const sources = new Set(doc.edges.map((e) => e.source));
  const drop = new Set(doc.nodes.filter((n) => n.type === 'Softmax' && !sources.has(n.id)).map((n) => n.id));
  return { ...doc, nodes: doc.nodes.filter((n) => !drop.has(n.id)), edges: doc.edges.filter((e) => !drop.has(e.target)) };
}

interface Case {
  name: string;
  doc: ModelDocument;
}

interface Outcome {
  maxAbs: number;
  scale: number;
  params: number;
  torchParams: number;
  shape: number[];
  torchShape: number[];
}

/** Export every case, run them all in one python3 process, and compare with the reference backend. */
async function runCases(cases: Case[]): Promise<Outcome[]> {
  const jobs: { code: string; class: string; weights: string; inputs: string[]; shapes: unknown[]; output: string }[] = [];
  const expected: { data: Float32Array; shape: number[]; params: number }[] = [];
  for (const [k, c] of cases.entries()) {
    const analysis = analyze(c.doc);
    expect(analysis.diagnostics.filter((d) => d.severity === 'error'), c.name).toEqual([]);
    const exp = exportPyTorch(c.doc, analysis);
    const base = join(dir, `case${k}`);
    writeFileSync(`${base}.py`, exp.code);
    writeFileSync(`${base}.pt`, exp.weights!);
    const inputs: Record<string, Float32Array> = {};
    const rand = mulberry32(1000 + k);
    const inputNodes = c.doc.nodes.filter((n) => n.type === 'Input');
    for (const n of inputNodes) {
      const shape = analysis.nodes[n.id].outputShape!;
      const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1);
      inputs[n.id] = data;
      writeFileSync(`${base}.${n.id}.bin`, data);
    }
    // The exported model keeps the running statistics (batch norms are not calibrated on the input).
    const run = await new ReferenceBackend().run(c.doc, analysis, inputs, { previews: false, tensors: 'outputs', calibrateBatchNorm: false });
    const outId = Object.keys(run.tensors)[0];
    expected.push({ data: run.tensors[outId].data, shape: [1, ...run.tensors[outId].shape], params: analysis.totals.params });
    jobs.push({
      code: `${base}.py`,
      class: exp.className,
      weights: `${base}.pt`,
      inputs: inputNodes.map((n) => `${base}.${n.id}.bin`),
      shapes: inputNodes.map((n) => analysis.nodes[n.id].outputShape),
      output: `${base}.out.bin`,
    });
  }
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  const r = spawnSync(python!, [HARNESS, join(dir, 'jobs.json')], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  return cases.map((c, k) => {
    const got = lines[k];
    expect(got.error, `${c.name}: ${got.error}`).toBeUndefined();
    const bytes = readFileSync(jobs[k].output);
    const torchOut = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const want = expected[k].data;
    let maxAbs = 0;
    let scale = 0;
    for (let i = 0; i < want.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(want[i] - torchOut[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    return { maxAbs, scale, params: expected[k].params, torchParams: got.params, shape: expected[k].shape, torchShape: got.shape };
  });
}

describe.skipIf(!python)('PyTorch export, run in PyTorch (skipped: needs python3 with torch and numpy — apt python3-torch)', () => {
  it('every preset (logits; reduced input size) matches the engine within 1e-4 and has the same parameter count', async () => {
    const cases = PRESET_NAMES.map((name) => ({ name, doc: withoutFinalSoftmax(withInputSize(getPreset(name), PRESET_INPUT[name] ?? 64)) }));
    const outcomes = await runCases(cases);
    outcomes.forEach((o, k) => {
      const name = cases[k].name;
      expect(o.torchShape, name).toEqual(o.shape);
      expect(o.torchParams, name).toBe(o.params);
      // Deep He-initialised nets have large logits: 1e-4 of the output's scale (absolute when it is below 1).
      expect(o.maxAbs, `${name}: max |Δ| ${o.maxAbs} at scale ${o.scale}`).toBeLessThanOrEqual(1e-4 * Math.max(1, o.scale));
    });
  }, 600_000);

  it('the presets with their softmax give the same probabilities within 1e-4 absolute', async () => {
    const cases = ['lenet5', 'resnet18'].map((name) => ({ name, doc: withInputSize(getPreset(name), PRESET_INPUT[name] ?? 64) }));
    for (const [k, o] of (await runCases(cases)).entries()) expect(o.maxAbs, cases[k].name).toBeLessThanOrEqual(1e-4);
  }, 300_000);

  it('modules in the forms the presets do not use (padding, depth multiplier, hard gates, folded batch norm) match the engine', async () => {
    const [o] = await runCases([{ name: 'module forms', doc: moduleFormsDocument() }]);
    expect(o.torchShape).toEqual(o.shape);
    expect(o.torchParams).toBe(o.params);
    expect(o.maxAbs).toBeLessThanOrEqual(1e-4 * Math.max(1, o.scale));
  }, 120_000);

  it('40 seeded random valid graphs match the engine within 1e-4 and have the same parameter counts', async () => {
    const cases = Array.from({ length: 40 }, (_, s) => ({ name: `random ${s}`, doc: randomValidDocument(s + 1) }));
    const outcomes = await runCases(cases);
    outcomes.forEach((o, k) => {
      const name = `${cases[k].name}: ${JSON.stringify(cases[k].doc.nodes.map((n) => [n.type, n.params]))}`;
      expect(o.torchShape, name).toEqual(o.shape);
      expect(o.torchParams, name).toBe(o.params);
      expect(o.maxAbs, name).toBeLessThanOrEqual(1e-4 * Math.max(1, o.scale));
    });
  }, 300_000);
});
