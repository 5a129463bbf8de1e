/**
 * The datasets against torch and torchvision: ImageFolder's classes and file order, random_split's
 * sizes, the MNIST digit resize (F.interpolate), and RandomCrop / hflip given the same offsets.
 * Needs Debian's python3-torch and python3-torchvision; skipped when they are missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { augmentBatch, testCount } from '../../core/train/dataset';
import { mulberry32 } from '../../core/weights/seeded';
import { findPython } from '../python';
import { relativeError } from '../testing/compare';
import { loadImageFolder, loadMnist } from './datasets';

const python = findPython(['torch', 'torchvision']);

const SCRIPT = String.raw`
import json, os, sys, torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from torchvision.datasets import ImageFolder
job = json.load(sys.stdin)
out = {}
if "folder" in job:
    root = job["folder"]
    ds = ImageFolder(root, loader=lambda p: None)
    out["folder"] = {"classes": ds.classes, "samples": [[os.path.relpath(p, root), y] for p, y in ds.samples]}
if "split" in job:
    g = torch.Generator().manual_seed(0)
    out["split"] = [len(torch.utils.data.random_split(range(n), [1 - f, f], generator=g)[1]) for n, f in job["split"]]
if "resize" in job:
    x = torch.tensor(job["resize"], dtype=torch.float64).reshape(-1, 1, 28, 28) / 255
    out["resize"] = F.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False).flatten().tolist()
if "crop" in job:
    res = []
    for c in job["crop"]:
        x = torch.tensor(c["x"], dtype=torch.float32).reshape(c["shape"])
        p = c["padding"]
        # RandomCrop(size, padding, fill) with its offsets i, j given: pad, then crop.
        x = torch.stack([TF.pad(x[k:k+1], [p, p, p, p], fill=c["fill"][k])[0] for k in range(x.shape[0])])
        x = TF.crop(x, c["i"], c["j"], c["shape"][1], c["shape"][2])
        if c["flip"]: x = TF.hflip(x)
        res.append(x.flatten().tolist())
    out["crop"] = res
json.dump(out, sys.stdout)
`;

function torch(job: Record<string, unknown>): Record<string, unknown> {
  const r = spawnSync(python!, ['-c', SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const tmp = mkdtempSync(path.join(tmpdir(), 'cnn-studio-datasets-torch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function png(w: number, h: number, v: number): Uint8Array {
  const img = new PNG({ width: w, height: h });
  img.data.fill(v);
  return PNG.sync.write(img);
}

describe.skipIf(!python)('datasets against torch and torchvision (skipped without python3-torchvision)', () => {
  it('loads a folder with ImageFolder\'s classes, file order and labels', async () => {
    const files = [
      'Zebra/b.png', 'Zebra/a.jpeg', 'ant/10.png', 'ant/2.png', 'ant/B.JPG', 'ant/é.png', 'ant/～.png', 'ant/😀.png',
      'ant/sub/x.png', 'ant/sub-y/z.png', 'ant/sub/deep/w.png', 'ant/sub.d/v.png', 'ant.b/1.png', 'émeu/1.png', '～/1.png', '😀/1.png',
    ];
    const root = path.join(tmp, 'folder');
    for (const [k, rel] of files.entries()) {
      const p = path.join(root, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, /\.jpe?g$/i.test(rel) ? jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(256, k * 9) }, 90).data : png(8, 8, k * 9));
    }
    const ours = await loadImageFolder(root, { channels: 3, height: 8, width: 8 });
    const theirs = torch({ folder: root }).folder as { classes: string[]; samples: [string, number][] };
    expect(ours.classes).toEqual(theirs.classes);
    expect(ours.files!.map((f, i) => [f, ours.labels[i]])).toEqual(theirs.samples.map(([p, y]) => [p.split(path.sep).join('/'), y]));
  });

  it('holds out as many test samples as random_split with [1 − f, f]', () => {
    const cases: [number, number][] = [];
    for (const n of [0, 1, 2, 3, 4, 5, 7, 10, 13, 99, 100, 101, 997, 10_000]) for (const f of [0, 0.1, 0.15, 0.2, 0.25, 0.29, 1 / 3, 0.5, 0.7, 0.9]) cases.push([n, f]);
    expect(cases.map(([n, f]) => testCount(n, f))).toEqual(torch({ split: cases }).split);
  });

  it('resizes MNIST digits to 32×32 as F.interpolate (bilinear, align_corners=False) of bytes / 255', async () => {
    const [m28, m32] = await Promise.all([loadMnist({ channels: 1, height: 28, width: 28 }), loadMnist({ channels: 1, height: 32, width: 32 })]);
    const picks = [0, 1234, 5000, 9999];
    const bytes = picks.flatMap((i) => Array.from(m28.images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)));
    const want = Float32Array.from(torch({ resize: bytes }).resize as number[]);
    const got = new Float32Array(picks.length * 1024);
    picks.forEach((i, k) => got.set(m32.images.subarray(i * 1024, (i + 1) * 1024), k * 1024));
    expect(relativeError(got, want)).toBeLessThan(1e-6);
  });

  it('crops and flips as torchvision RandomCrop(padding, fill) and hflip, given the same offsets', () => {
    const rng = mulberry32(3);
    const shape: [number, number, number] = [2, 5, 6];
    const cases = Array.from({ length: 24 }, (_, t) => {
      const padding = t % 4;
      const i = Math.floor(rng() * (2 * padding + 1));
      const j = Math.floor(rng() * (2 * padding + 1));
      return { x: Array.from({ length: 60 }, () => Math.round(rng() * 1000) / 100), shape, padding, i, j, flip: t % 3 === 0, fill: [-0.5, 1.25] };
    });
    const theirs = torch({ crop: cases }).crop as number[][];
    cases.forEach((c, k) => {
      // The draws that make augmentBatch pick offsets i, j and the flip.
      const draws = [...(c.padding > 0 ? [(c.i + 0.5) / (2 * c.padding + 1), (c.j + 0.5) / (2 * c.padding + 1)] : []), c.flip ? 0.25 : 0.75];
      const got = augmentBatch(Float32Array.from(c.x), shape, { crop: { padding: c.padding }, flip: true }, () => draws.shift()!, c.fill);
      expect(Array.from(got)).toEqual(Array.from(Float32Array.from(theirs[k])));
    });
  });
});
