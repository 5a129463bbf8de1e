/**
 * The activations and ops of MobileNet, EfficientNet and ShuffleNet — ReLU6, SiLU, hard swish, hard
 * sigmoid, GELU, Mish, clip, Multiply, channel scale, channel shuffle, channel slice — run by both backends
 * (onnxruntime and the plain-TypeScript reference) on random inputs, against PyTorch float64
 * (torch.nn.functional, torchvision's own channel_shuffle). Inputs span ±8, so every kink (±3 of the
 * hard functions, 0 and 6 of ReLU6) and both tails are crossed. Skipped without python3-torch.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from '../core/document/schema';
import { analyze } from '../core/graph/analyze';
import { mulberry32 } from '../core/weights/seeded';
import type { Backend } from './backend';
import { OrtBackend } from './ort/ort-backend';
import { findPython } from './python';
import { ReferenceBackend } from './reference/backend';
import { relativeError } from './testing/compare';

const python = findPython(['torch', 'torchvision']);

const SCRIPT = String.raw`
import json, sys, torch
import torch.nn.functional as F
from torchvision.models.shufflenetv2 import channel_shuffle
torch.set_default_dtype(torch.float64)
out = []
for c in json.load(sys.stdin):
    xs = [torch.tensor(x).reshape([1] + s) for x, s in zip(c["inputs"], c["shapes"])]
    x = xs[0]
    op, p = c["op"], c["params"]
    if op == "Activation":
        fn = p["fn"]
        if fn == "clip": y = torch.clamp(x, min=p.get("min"), max=p.get("max"))
        else: y = {"relu6": F.relu6, "silu": F.silu, "hardswish": F.hardswish, "hardsigmoid": F.hardsigmoid, "gelu": F.gelu, "mish": F.mish}[fn](x)
    elif op in ("Multiply", "ChannelScale"): y = xs[0] * xs[1]
    elif op == "ChannelShuffle": y = channel_shuffle(x, p["groups"])
    elif op == "ChannelSlice": y = x[:, p["start"]:p["end"]]
    out.append(y.flatten().tolist())
json.dump(out, sys.stdout)
`;

interface Case {
  name: string;
  op: string;
  params: Record<string, unknown>;
  shapes: number[][];
}

const CASES: Case[] = [
  ...['relu6', 'silu', 'hardswish', 'hardsigmoid', 'gelu', 'mish'].map((fn) => ({ name: fn, op: 'Activation', params: { fn }, shapes: [[3, 7, 6]] })),
  { name: 'clip [−1.5, 2]', op: 'Activation', params: { fn: 'clip', min: -1.5, max: 2 }, shapes: [[3, 5, 5]] },
  { name: 'clip [0.5, ∞)', op: 'Activation', params: { fn: 'clip', min: 0.5 }, shapes: [[2, 4, 5]] },
  { name: 'Multiply', op: 'Multiply', params: {}, shapes: [[4, 5, 6], [4, 5, 6]] },
  { name: 'ChannelScale (C×1×1 gate)', op: 'ChannelScale', params: {}, shapes: [[6, 4, 5], [6, 1, 1]] },
  ...[2, 3, 6].map((groups) => ({ name: `ChannelShuffle ${groups} groups`, op: 'ChannelShuffle', params: { groups }, shapes: [[12, 3, 4]] })),
  { name: 'ChannelSlice 3:10', op: 'ChannelSlice', params: { start: 3, end: 10 }, shapes: [[12, 3, 4]] },
  { name: 'ChannelSlice 0:1', op: 'ChannelSlice', params: { start: 0, end: 1 }, shapes: [[5, 2, 3]] },
];

/** One node fed by one Input node per operand. */
function documentFor(c: Case): ModelDocument {
  const inputs = c.shapes.map(([channels, height, width], i) => ({ id: `in${i}`, type: 'Input', params: { channels, height, width } }));
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: c.name,
    nodes: [...inputs, { id: 'op', type: c.op, params: c.params }],
    edges: inputs.map((n, i) => ({ id: `e${i}`, source: n.id, target: 'op', ...(inputs.length > 1 ? { targetPort: i } : {}) })),
  };
}

const backends: [string, Backend][] = [
  ['reference', new ReferenceBackend()],
  ['onnxruntime', new OrtBackend({ maxSessions: 1, upgradeDelayMs: 600_000 })],
];
afterAll(async () => {
  for (const [, b] of backends) await b.dispose();
});

describe.skipIf(!python)('modern activations and ops on both backends equal PyTorch (float64) within 1e-6 of each output’s scale (skipped without python3-torch)', () => {
  it.each(backends.map(([name]) => [name]))('%s', async (backendName) => {
    const backend = backends.find(([n]) => n === backendName)![1];
    const rand = mulberry32(2024);
    const jobs: { op: string; params: unknown; inputs: number[][]; shapes: number[][] }[] = [];
    const ours: Float32Array[] = [];
    for (const c of CASES) {
      const doc = documentFor(c);
      const analysis = analyze(doc);
      expect(analysis.diagnostics.filter((d) => d.severity === 'error'), c.name).toEqual([]);
      const values = c.shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (rand() * 2 - 1) * 8));
      const run = await backend.run(doc, analysis, Object.fromEntries(values.map((v, i) => [`in${i}`, v])), { previews: false, tensors: 'outputs' });
      ours.push(run.tensors.op.data);
      jobs.push({ op: c.op, params: c.params, inputs: values.map((v) => Array.from(v)), shapes: c.shapes });
    }
    const r = spawnSync(python!, ['-c', SCRIPT], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const theirs: number[][] = JSON.parse(r.stdout);
    const errors = CASES.map((c, k) => [c.name, relativeError(ours[k], Float32Array.from(theirs[k]))] as const);
    const bad = errors.filter(([, e]) => !(e <= 1e-6));
    expect(bad, errors.map(([n, e]) => `${n}: ${e.toExponential(2)}`).join('\n')).toEqual([]);
  }, 120_000);
});
