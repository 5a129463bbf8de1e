/**
 * The reference kernels and the image resize against PyTorch (torch.nn.functional) — an outside
 * truth, on random configurations. Needs Debian's python3-torch; skipped when it is missing.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePads } from '../../core/ops/common';
import { resizeBilinear } from '../../core/preprocess';
import { findPython } from '../python';
import { relativeError } from '../testing/compare';
import { batchNorm, batchStatistics } from './ops/batchnorm';
import { conv2d } from './ops/conv2d';
import { lrn } from './ops/lrn';
import { pool2d } from './ops/pool2d';
import { softmax } from './ops/softmax';
import type { Tensor } from './tensor';

const python = findPython(['torch']);

const SCRIPT = String.raw`
import json, sys, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
def T(a, shape): return torch.tensor(a, dtype=torch.float64).reshape(shape)
out = []
for c in json.load(sys.stdin):
    x = T(c["x"], [1] + c["xshape"])
    op = c["op"]
    if op == "conv":
        t, l, b, r = c["pads"]
        y = F.conv2d(F.pad(x, (l, r, t, b)), T(c["w"], c["wshape"]), T(c["b"], [len(c["b"])]) if c["b"] else None, stride=c["stride"], dilation=c["dilation"], groups=c["groups"])
    elif op == "pool":
        k, s, p, ceil = c["kernel"], c["stride"], c["padding"], c["ceil"]
        if c["mode"] == "max": y = F.max_pool2d(x, k, s, p, ceil_mode=ceil)
        elif c["mode"] == "min": y = -F.max_pool2d(-x, k, s, p, ceil_mode=ceil)
        else: y = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=c["countIncludePad"])
    elif op == "lrn":
        y = F.local_response_norm(x, c["size"], alpha=c["alpha"], beta=c["beta"], k=c["bias"])
    elif op == "bn":
        n = c["xshape"][0]
        y = F.batch_norm(x, T(c["mean"], [n]), T(c["var"], [n]), T(c["scale"], [n]), T(c["bias"], [n]), training=False, eps=c["eps"])
    elif op == "bn_train":
        n = c["xshape"][0]
        y = F.batch_norm(x, None, None, T(c["scale"], [n]), T(c["bias"], [n]), training=True, eps=c["eps"])
    elif op == "softmax":
        y = F.softmax(x, dim=1)
    elif op == "resize":
        y = F.interpolate(x, size=tuple(c["size"]), mode="bilinear", align_corners=False)
    out.append({"shape": list(y.shape[1:]), "data": y.flatten().tolist()})
json.dump(out, sys.stdout)
`;

type Case = Record<string, unknown> & { op: string; x: number[]; xshape: number[] };

function torchRun(cases: Case[]): { shape: number[]; data: number[] }[] {
  const r = spawnSync(python!, ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const values = (n: number, rand: () => number) => Array.from({ length: n }, () => Math.round((rand() * 2 - 1) * 1000) / 1000);
const mulberry = (seed: number) => () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const tensorOf = (shape: number[], data: number[]): Tensor => ({ shape, data: Float32Array.from(data) });

/** Runs every (ours, torch) pair and reports those further apart than 1e-5 relative. */
function check(pairs: { name: string; ours: Tensor; torchCase: Case }[]) {
  const theirs = torchRun(pairs.map((p) => p.torchCase));
  const bad: string[] = [];
  pairs.forEach((p, i) => {
    const t = theirs[i];
    if (t.shape.join() !== p.ours.shape.join()) bad.push(`${p.name}: shape ${p.ours.shape} vs torch ${t.shape}`);
    else {
      const err = relativeError(p.ours.data, Float32Array.from(t.data));
      if (!(err < 1e-5)) bad.push(`${p.name}: relative error ${err}`);
    }
  });
  expect(bad).toEqual([]);
}

describe.skipIf(!python)('reference kernels agree with PyTorch (skipped without python3-torch)', () => {
  it('Conv2D: stride, padding (incl. asymmetric "same"), dilation, groups', () => {
    const configs = fc.sample(
      fc.record({
        c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }), perGroup: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 1, max: 3 }),
        kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), stride: fc.integer({ min: 1, max: 2 }), dilation: fc.integer({ min: 1, max: 2 }),
        padding: fc.oneof(fc.constant('valid' as const), fc.constant('same' as const), fc.integer({ min: 0, max: 2 }), fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))),
        bias: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }),
      }),
      { numRuns: 80, seed: 7 },
    );
    const pairs = configs.flatMap((k) => {
      const C = k.c * k.groups;
      const dilation = k.stride > 1 ? 1 : k.dilation;
      const filters = k.perGroup * k.groups;
      const pads = resolvePads(k.padding, k.h, k.w, k.kernel, k.stride, dilation);
      if (k.h + pads[0] + pads[2] < dilation * (k.kernel[0] - 1) + 1 || k.w + pads[1] + pads[3] < dilation * (k.kernel[1] - 1) + 1) return [];
      const rand = mulberry(k.seed);
      const x = values(C * k.h * k.w, rand);
      const wshape = [filters, k.c, k.kernel[0], k.kernel[1]];
      const w = values(wshape.reduce((a, b) => a * b, 1), rand);
      const b = k.bias ? values(filters, rand) : [];
      const ours = conv2d(tensorOf([C, k.h, k.w], x), { filters, kernel: k.kernel, stride: k.stride, padding: k.padding, dilation, groups: k.groups, bias: k.bias }, { kernel: Float32Array.from(w), bias: k.bias ? Float32Array.from(b) : undefined });
      return [{ name: JSON.stringify(k), ours, torchCase: { op: 'conv', x, xshape: [C, k.h, k.w], w, wshape, b, pads, stride: k.stride, dilation, groups: k.groups } }];
    });
    expect(pairs.length).toBeGreaterThan(40);
    check(pairs);
  });

  it('Pool2D: max, min and average, ceil mode, counting the padding or not', () => {
    const configs = fc.sample(
      fc.record({
        c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 2, max: 9 }), w: fc.integer({ min: 2, max: 9 }), mode: fc.constantFrom('max' as const, 'min' as const, 'avg' as const),
        kernel: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 3 }), padding: fc.integer({ min: 0, max: 2 }), ceil: fc.boolean(), countIncludePad: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }),
      }),
      { numRuns: 120, seed: 11 },
    );
    const pairs = configs.flatMap((k) => {
      const padding = Math.min(k.padding, Math.floor(k.kernel / 2)); // PyTorch's limit
      if (k.h + 2 * padding < k.kernel || k.w + 2 * padding < k.kernel) return [];
      const x = values(k.c * k.h * k.w, mulberry(k.seed));
      const ours = pool2d(tensorOf([k.c, k.h, k.w], x), { mode: k.mode, kernel: k.kernel, stride: k.stride, padding, ceil: k.ceil, countIncludePad: k.countIncludePad });
      return [{ name: JSON.stringify({ ...k, padding }), ours, torchCase: { op: 'pool', x, xshape: [k.c, k.h, k.w], mode: k.mode, kernel: k.kernel, stride: k.stride, padding, ceil: k.ceil, countIncludePad: k.countIncludePad } }];
    });
    expect(pairs.length).toBeGreaterThan(60);
    check(pairs);
  });

  it('LRN (odd sizes), batch norm (running statistics, and those of its input) and softmax over channels', () => {
    const rand = mulberry(3);
    const pairs = [1, 3, 5, 7].flatMap((size) =>
      [{ alpha: 1e-4, beta: 0.75, bias: 1 }, { alpha: 2, beta: 0.5, bias: 2 }].map((p) => {
        const x = values(9 * 4 * 3, rand).map((v) => v * 5);
        return { name: `lrn ${size} ${JSON.stringify(p)}`, ours: lrn(tensorOf([9, 4, 3], x), { size, ...p }), torchCase: { op: 'lrn', x, xshape: [9, 4, 3], size, ...p } };
      }),
    );
    const x = values(4 * 3 * 3, rand);
    const [scale, bias, mean] = [values(4, rand), values(4, rand), values(4, rand)];
    const variance = values(4, rand).map((v) => Math.abs(v) + 0.1);
    pairs.push({
      name: 'batch norm',
      ours: batchNorm(tensorOf([4, 3, 3], x), { epsilon: 1e-3 }, { scale: Float32Array.from(scale), bias: Float32Array.from(bias), mean: Float32Array.from(mean), var: Float32Array.from(variance) }),
      torchCase: { op: 'bn', x, xshape: [4, 3, 3], scale, bias, mean, var: variance, eps: 1e-3 } as Case,
    } as never);
    // Calibrated on the input (no running statistics): PyTorch's training mode for a batch of 1.
    const y = values(5 * 4 * 6, rand).map((v, i) => v * (1 + (i % 5)) + (i % 3));
    const calibrated = tensorOf([5, 4, 6], y);
    pairs.push({
      name: 'batch norm on the statistics of its input',
      ours: batchNorm(calibrated, { epsilon: 1e-3 }, { scale: Float32Array.from([1, -2, 0.5, 3, 1]), bias: Float32Array.from([0, 1, -1, 0.5, 2]), ...batchStatistics(calibrated) }),
      torchCase: { op: 'bn_train', x: y, xshape: [5, 4, 6], scale: [1, -2, 0.5, 3, 1], bias: [0, 1, -1, 0.5, 2], eps: 1e-3 } as Case,
    } as never);
    pairs.push({ name: 'softmax', ours: softmax(tensorOf([4, 3, 3], x)), torchCase: { op: 'softmax', x, xshape: [4, 3, 3] } } as never);
    check(pairs);
  });

  it('image resize: bilinear with half-pixel centres, up and down', () => {
    const rand = mulberry(5);
    const pairs = [
      [2, 2, 4, 4],
      [5, 7, 3, 2],
      [4, 4, 8, 3],
      [9, 6, 9, 6],
      [13, 17, 7, 11],
      [3, 3, 224, 224],
    ].map(([h, w, H, W]) => {
      const x = values(h * w, rand);
      return { name: `${h}×${w} → ${H}×${W}`, ours: tensorOf([1, H, W], Array.from(resizeBilinear(Float32Array.from(x), h, w, H, W))), torchCase: { op: 'resize', x, xshape: [1, h, w], size: [H, W] } };
    });
    check(pairs);
  });
});
