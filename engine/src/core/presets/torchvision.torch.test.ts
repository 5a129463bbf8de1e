/**
 * The presets against torchvision itself (Debian's python3-torch + python3-torchvision): parameter
 * counts, multiply-accumulates of every Conv2d/Linear (counted by forward hooks at 1×3×224×224; a
 * grouped convolution's per group) and the output shape of each ResNet stage must equal ours exactly;
 * MobileNetV2 and EfficientNet-B0 also take torchvision's weights into our PyTorch export (entry by
 * entry in registration order, shapes checked) and give its logits. Skips when they are not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { getPreset } from '.';
import { findPython } from '../../runtime/python';
import { exportPyTorch } from '../export/pytorch';

const python = findPython(['torch', 'torchvision']);
const NAMES = ['alexnet', 'vgg16', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d', 'wide_resnet50_2', 'mobilenet_v2', 'efficientnet_b0'];
/** Presets whose torchvision model is checked weight for weight: its state dict in our export gives its logits. */
const SAME_WEIGHTS = ['mobilenet_v2', 'efficientnet_b0'];
/** Our preset for a torchvision model name. */
const ours = (torchName: string) => torchName.replace(/_(?=\d+x|\d+$|v\d+$|b\d+$)/, '-').replace(/^wide_/, 'wide-');
const WEIGHTS_SCRIPT = resolve(__dirname, '../../../test-python/torchvision_weights_in_export.py');

const SCRIPT = String.raw`
import json, sys, torch, torchvision
from torchvision import models
out = {}
for name in sys.argv[1:]:
    fn = getattr(models, name)
    try:
        m = fn(weights=None)
    except TypeError:
        m = fn(pretrained=False)
    m.eval()
    macs = [0]
    stages = {}
    def conv(mod, inp, o):
        macs[0] += o.numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]
    def linear(mod, inp, o):
        macs[0] += mod.in_features * mod.out_features
    for mod in m.modules():
        if isinstance(mod, torch.nn.Conv2d): mod.register_forward_hook(conv)
        if isinstance(mod, torch.nn.Linear): mod.register_forward_hook(linear)
    for k in ['layer1', 'layer2', 'layer3', 'layer4']:
        if hasattr(m, k):
            getattr(m, k).register_forward_hook(lambda mod, i, o, k=k: stages.__setitem__(k, list(o.shape[1:])))
    with torch.no_grad():
        y = m(torch.zeros(1, 3, 224, 224))
    out[name] = {'params': sum(p.numel() for p in m.parameters()), 'macs': macs[0], 'shape': list(y.shape[1:]), 'stages': stages}
print(json.dumps(out))
`;

describe.skipIf(!python)('presets match torchvision (skipped: python3-torch / python3-torchvision not installed)', () => {
  it('parameter counts, MACs and stage shapes equal torchvision’s', () => {
    const r = spawnSync(python!, ['-c', SCRIPT, ...NAMES], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 24 });
    expect(r.status, r.stderr).toBe(0);
    const torch = JSON.parse(r.stdout) as Record<string, { params: number; macs: number; shape: number[]; stages: Record<string, number[]> }>;
    for (const name of NAMES) {
      const doc = getPreset(ours(name));
      const a = analyze(doc);
      const t = torch[name];
      expect(a.totals.params, `${name} params`).toBe(t.params);
      expect(a.totals.macs, `${name} MACs`).toBe(t.macs);
      expect(t.shape).toEqual([1000]);
      if (/^(resnet|resnext|wide_resnet)/.test(name)) {
        // Our last unit of each stage (conv2_x … conv5_x) against torchvision's layer1 … layer4.
        const units = doc.nodes.filter((n) => n.type === 'ResidualUnit').map((n) => n.id);
        for (let s = 0; s < 4; s++) {
          const last = units.filter((id) => id.startsWith(`conv${s + 2}_`)).pop()!;
          expect(a.nodes[last].outputShape, `${name} layer${s + 1}`).toEqual(t.stages[`layer${s + 1}`]);
        }
      }
    }
  }, 600_000);

  it('mobilenet_v2 and efficientnet_b0: torchvision’s weights in our export give torchvision’s logits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-tv-weights-'));
    try {
      const jobs = SAME_WEIGHTS.map((name) => {
        const doc = getPreset(ours(name));
        const exp = exportPyTorch(doc, analyze(doc), { weights: false });
        const code = join(dir, `${name}.py`);
        writeFileSync(code, exp.code);
        return { code, class: exp.className, logits: exp.logits, torchvision: name };
      });
      writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
      const r = spawnSync(python!, [WEIGHTS_SCRIPT, join(dir, 'jobs.json')], { encoding: 'utf8', timeout: 600_000 });
      expect(r.status, r.stderr).toBe(0);
      r.stdout.trim().split('\n').forEach((line, k) => {
        const got = JSON.parse(line) as { error?: string; entries: number; max_abs: number; scale: number };
        expect(got.error, SAME_WEIGHTS[k]).toBeUndefined();
        expect(got.entries, SAME_WEIGHTS[k]).toBeGreaterThan(100);
        expect(got.max_abs / got.scale, `${SAME_WEIGHTS[k]}: max |Δ| ${got.max_abs} at scale ${got.scale}`).toBeLessThanOrEqual(1e-5);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
