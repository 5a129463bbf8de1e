/**
 * The presets against torchvision itself (Debian's python3-torch + python3-torchvision): parameter
 * counts, multiply-accumulates of every Conv2d/Linear (counted by forward hooks at 1×3×224×224) and
 * the output shape of each ResNet stage must equal ours exactly. Skips when they are not installed.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { getPreset } from '.';
import { findPython } from '../../runtime/python';

const python = findPython(['torch', 'torchvision']);
const NAMES = ['alexnet', 'vgg16', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d', 'wide_resnet50_2'];
/** Our preset for a torchvision model name. */
const ours = (torchName: string) => torchName.replace(/_(?=\d+x|\d+$)/, '-').replace(/^wide_/, 'wide-');

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
});
