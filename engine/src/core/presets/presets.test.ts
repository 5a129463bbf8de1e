import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { loadDocument } from '../document/load';
import { findPython } from '../../runtime/python';
import { getPreset, PRESETS, PRESET_NAMES, UnknownPresetError } from '.';

/** Parameter counts from torchvision (sum of p.numel() for p in model.parameters()). */
const TORCHVISION_PARAMS: Record<string, number> = {
  alexnet: 61_100_840,
  vgg16: 138_357_544,
  resnet18: 11_689_512,
  resnet34: 21_797_672,
  resnet50: 25_557_032,
  resnet101: 44_549_160,
  resnet152: 60_192_808,
  'resnext50-32x4d': 25_028_904,
  'wide-resnet50-2': 68_883_240,
  'mobilenet-v2': 3_504_872,
  'efficientnet-b0': 5_288_548,
};

/** Published multiply-accumulates at 224×224 (torchvision model docs, "GFLOPS" = GMACs). */
const PUBLISHED_MACS: Record<string, number> = {
  alexnet: 0.71e9,
  vgg16: 15.47e9,
  resnet18: 1.81e9,
  resnet34: 3.66e9,
  resnet50: 4.09e9,
  resnet101: 7.8e9,
  resnet152: 11.51e9,
  'resnext50-32x4d': 4.23e9,
  'wide-resnet50-2': 11.4e9,
  googlenet: 1.58e9,
  'mobilenet-v2': 0.3e9,
};

const analysed = (name: string) => {
  const doc = getPreset(name);
  return { doc, a: analyze(doc) };
};

describe('presets', () => {
  it('lists every preset the issue asks for', () => {
    expect([...PRESET_NAMES].sort()).toEqual(
      [
        'alexnet',
        'googlenet',
        'lenet5',
        'preact-resnet18',
        'resnet101',
        'resnet152',
        'resnet18',
        'resnet20',
        'resnet34',
        'resnet50',
        'resnext50-32x4d',
        'vgg16',
        'wide-resnet50-2',
        'mobilenet-v2',
        'xception',
        'efficientnet-b0',
      ].sort(),
    );
  });

  it.each(PRESETS.map((p) => p.name))('%s is a valid, loadable document with no diagnostics, labels and no positions', (name) => {
    const doc = getPreset(name);
    const loaded = loadDocument(JSON.parse(JSON.stringify(doc)));
    expect(loaded.ok).toBe(true);
    const a = analyze(doc);
    expect(a.diagnostics).toEqual([]);
    expect(a.valid).toBe(true);
    for (const n of doc.nodes) {
      expect(n.position).toBeUndefined();
      expect(n.label, `node ${n.id} has a label`).toBeTruthy();
    }
    expect(new Set(doc.nodes.map((n) => n.id)).size).toBe(doc.nodes.length);
  });

  it.each(Object.entries(TORCHVISION_PARAMS))('%s has exactly torchvision’s parameter count', (name, expected) => {
    expect(analysed(name).a.totals.params).toBe(expected);
  });

  it.each(Object.entries(PUBLISHED_MACS))('%s MACs are within 1%% of the published figure', (name, expected) => {
    const macs = analysed(name).a.totals.macs;
    expect(Math.abs(macs - expected) / expected).toBeLessThan(0.01);
  });

  it('googlenet matches Table 1: 6,998,552 parameters, maps 112→56→28→14→7, 1000 outputs', () => {
    const { doc, a } = analysed('googlenet');
    expect(a.totals.params).toBe(6_998_552);
    expect(a.nodes.conv1.outputShape).toEqual([64, 112, 112]);
    expect(a.nodes.pool1.outputShape).toEqual([64, 56, 56]);
    expect(a.nodes.pool2.outputShape).toEqual([192, 28, 28]);
    expect(a.nodes.pool3.outputShape).toEqual([480, 14, 14]);
    expect(a.nodes.pool4.outputShape).toEqual([832, 7, 7]);
    expect(a.nodes.pool5.outputShape).toEqual([1024, 1, 1]);
    expect(a.nodes.fc.outputShape).toEqual([1000]);
    // Output channels per module, from Table 1's "output size" column.
    const table1 = { '3a': 256, '3b': 480, '4a': 512, '4b': 512, '4c': 512, '4d': 528, '4e': 832, '5a': 832, '5b': 1024 };
    for (const [name, channels] of Object.entries(table1)) expect(a.nodes[`inception_${name}`].outputShape?.[0]).toBe(channels);
    // Table 1's "ops" column (millions of multiply-accumulates, rounded). 5a is left out: the paper's 54M
    // does not follow from its own filter counts (51M), a known slip in the table.
    const table1Ops: Record<string, number> = { '3a': 128, '3b': 304, '4a': 73, '4b': 88, '4c': 100, '4d': 119, '4e': 170, '5b': 71 };
    for (const [name, mops] of Object.entries(table1Ops)) expect(Math.abs(a.nodes[`inception_${name}`].macs / 1e6 - mops), name).toBeLessThan(1);
    expect(Math.round(a.nodes.conv1.macs / 1e6)).toBe(118);
    expect(Math.round((a.nodes.conv2_reduce.macs + a.nodes.conv2.macs) / 1e6)).toBe(360);
    expect(doc.nodes.filter((n) => n.type === 'Inception').map((n) => n.label)).toEqual(Object.keys(table1).map((k) => `inception ${k}`));
    expect(doc.nodes.filter((n) => n.type === 'LRN')).toHaveLength(2);
    expect(doc.nodes.find((n) => n.type === 'Dropout')?.params).toEqual({ rate: 0.4 });
  });

  it('resnet50 shows as 16 residual units, not 170 primitives', () => {
    const { doc, a } = analysed('resnet50');
    const units = doc.nodes.filter((n) => n.type === 'ResidualUnit');
    expect(units).toHaveLength(16);
    expect(doc.nodes.length).toBeLessThan(30);
    expect(a.primitives.nodes.length).toBeGreaterThan(170);
    expect(units[0].label).toBe('conv2_x unit 1');
    expect(a.nodes.conv2_1.outputShape).toEqual([256, 56, 56]);
    expect(a.nodes.conv3_1.outputShape).toEqual([512, 28, 28]);
    expect(a.nodes.conv5_3.outputShape).toEqual([2048, 7, 7]);
    expect(a.totals.depth).toBe(50);
  });

  it('resnet stages put the stride on the 3×3 convolution (torchvision v1.5)', () => {
    const { a } = analysed('resnet50');
    const conv2 = a.primitives.nodes.find((p) => p.id === 'conv3_1/conv2')!;
    const conv1 = a.primitives.nodes.find((p) => p.id === 'conv3_1/conv1')!;
    expect(conv2.params.kernel).toBe(3);
    expect(conv2.params.stride).toBe(2);
    expect(conv1.params.stride).toBe(1);
  });

  it('depth counts match the names', () => {
    for (const [name, depth] of [['resnet18', 18], ['resnet20', 20], ['resnet34', 34], ['resnet101', 101], ['resnet152', 152], ['vgg16', 16], ['alexnet', 8], ['googlenet', 22], ['lenet5', 5]] as const) {
      expect(analysed(name).a.totals.depth, name).toBe(depth);
    }
  });

  it('lenet5 has the classic 61,706 parameters and 1×32×32 → 10', () => {
    const { a, doc } = analysed('lenet5');
    expect(a.totals.params).toBe(61_706);
    expect(a.nodes[doc.nodes[doc.nodes.length - 1].id].outputShape).toEqual([10]);
  });

  it('resnet20 (CIFAR-10, He et al. §4.2): 3×32×32 → 16×32×32 → 32×16×16 → 64×8×8 → 10, 272,474 parameters', () => {
    const { doc, a } = analysed('resnet20');
    expect(doc.nodes.filter((n) => n.type === 'ResidualUnit')).toHaveLength(9);
    expect(a.nodes.relu1.outputShape).toEqual([16, 32, 32]);
    expect(a.nodes.stage1_3.outputShape).toEqual([16, 32, 32]);
    expect(a.nodes.stage2_1.outputShape).toEqual([32, 16, 16]);
    expect(a.nodes.stage3_3.outputShape).toEqual([64, 8, 8]);
    expect(a.nodes.fc.outputShape).toEqual([10]);
    // By hand (no biases on convolutions; BN: scale + bias): stem 3·16·9 + 2·16 = 464;
    // stage 1: 3 units × (2·16·16·9 + 2·2·16) = 14,016;
    // stage 2: 16·32·9 + 32·32·9 + 2·2·32 + projection 16·32 + 2·32 = 14,528, then 2 × (2·32·32·9 + 2·2·32) = 37,120;
    // stage 3: 32·64·9 + 64·64·9 + 2·2·64 + projection 32·64 + 2·64 = 57,728, then 2 × (2·64·64·9 + 2·2·64) = 147,968;
    // fc 64·10 + 10 = 650. Without the two projections (the paper's option A) 269,722, the count
    // usually quoted as "0.27M".
    expect(a.totals.params).toBe(464 + 14_016 + 14_528 + 37_120 + 57_728 + 147_968 + 650);
    expect(a.totals.params).toBe(272_474);
    expect(a.totals.params - (16 * 32 + 2 * 32) - (32 * 64 + 2 * 64)).toBe(269_722);
    const proj = a.primitives.nodes.filter((p) => p.id.endsWith('/proj')).map((p) => p.owner);
    expect(proj).toEqual(['stage2_1', 'stage3_1']);
  });

  it('preact-resnet18 uses pre-activation units and ends with BN → ReLU before pooling', () => {
    const { doc, a } = analysed('preact-resnet18');
    const units = doc.nodes.filter((n) => n.type === 'ResidualUnit');
    expect(units).toHaveLength(8);
    expect(units.every((u) => u.params.preActivation === true)).toBe(true);
    const types = doc.nodes.map((n) => n.type);
    expect(types.slice(-5)).toEqual(['BatchNorm', 'Activation', 'GlobalPool', 'Dense', 'Softmax']);
    // Same convolutions and FC as resnet18; BN parameters differ: no BN on the 3 projections
    // (−2·(128+256+512)), the first BN of each downsampling unit sees the unit's input channels
    // (−2·(64+128+256)), and the final BN adds 2·512.
    expect(a.totals.params).toBe(11_689_512 - 2 * (128 + 256 + 512) - 2 * (64 + 128 + 256) + 2 * 512);
    expect(a.totals.macs).toBe(analysed('resnet18').a.totals.macs);
    const first = a.primitives.nodes.filter((p) => p.owner === 'conv2_1').map((p) => p.type);
    expect(first.slice(0, 3)).toEqual(['BatchNorm', 'Activation', 'Conv2D']);
  });

  it('mobilenet-v2 is 17 inverted residual blocks (Table 2), 10 of them with a skip connection', () => {
    const { doc, a } = analysed('mobilenet-v2');
    const blocks = doc.nodes.filter((n) => n.type === 'InvertedResidual');
    expect(blocks).toHaveLength(17);
    expect(blocks.filter((b) => a.primitives.nodes.some((p) => p.owner === b.id && p.type === 'Add'))).toHaveLength(10);
    // Table 2's output of each stage (t, c, n, s): 112²×16, 56²×24, 28²×32, 14²×64, 14²×96, 7²×160, 7²×320.
    const stageOut = [1, 2, 3, 4, 5, 6, 7].map((s) => a.nodes[blocks.filter((b) => b.id.startsWith(`stage_${s}_`)).pop()!.id].outputShape);
    expect(stageOut).toEqual([[16, 112, 112], [24, 56, 56], [32, 28, 28], [64, 14, 14], [96, 14, 14], [160, 7, 7], [320, 7, 7]]);
    // The first block has no expansion (t = 1): depthwise on the stem's 32 channels, then project to 16.
    expect(a.primitives.nodes.filter((p) => p.owner === 'stage_1_block_1' && p.type === 'Conv2D').map((p) => p.id)).toEqual(['stage_1_block_1/dw', 'stage_1_block_1/project']);
    expect(a.primitives.nodes.filter((p) => a.nodes[p.owner]?.type === 'InvertedResidual' && p.id.endsWith('/dw')).every((p) => p.params.groups === p.inputShapes[0][0])).toBe(true);
  });

  it('efficientnet-b0 is 16 MBConv blocks with SiLU and squeeze-excite (Table 1)', () => {
    const { doc, a } = analysed('efficientnet-b0');
    const blocks = doc.nodes.filter((n) => n.type === 'InvertedResidual');
    expect(blocks).toHaveLength(16);
    expect(a.primitives.nodes.filter((p) => p.type === 'ChannelScale')).toHaveLength(16);
    expect(a.primitives.nodes.filter((p) => p.type === 'Activation' && p.params.fn === 'silu')).toHaveLength(2 + 15 + 16 + 16);
    // Table 1: the 5×5 depthwise stages (40, 112, 192 channels) and each stage's output.
    expect(blocks.filter((b) => b.params.kernel === 5).map((b) => b.params.filters)).toEqual([40, 40, 112, 112, 112, 192, 192, 192, 192]);
    const stageOut = [1, 2, 3, 4, 5, 6, 7].map((s) => a.nodes[blocks.filter((b) => b.id.startsWith(`stage_${s}_`)).pop()!.id].outputShape);
    expect(stageOut).toEqual([[16, 112, 112], [24, 56, 56], [40, 28, 28], [80, 14, 14], [112, 14, 14], [192, 7, 7], [320, 7, 7]]);
    // torchvision's squeeze: max(1, block input channels // 4) — 8 in the first block (32 in), 28 in the first 192 block (112 in).
    expect(a.primitives.nodes.find((p) => p.id === 'stage_1_mbconv_1/se_reduce')!.params.filters).toBe(8);
    expect(a.primitives.nodes.find((p) => p.id === 'stage_6_mbconv_1/se_reduce')!.params.filters).toBe(28);
  });

  it('xception has the paper’s 22,855,952 parameters (Table 3) and Keras’ 22,910,480 with batch norm statistics; flows 299 → 147 → 19 → 10', () => {
    const { doc, a } = analysed('xception');
    expect(a.totals.params).toBe(22_855_952);
    const statistics = a.primitives.nodes.flatMap((p) => p.weights.filter((w) => !w.trainable)).reduce((n, w) => n + w.shape.reduce((x, y) => x * y, 1), 0);
    expect(a.totals.params + statistics).toBe(22_910_480);
    expect(doc.nodes.filter((n) => n.type === 'SeparableConv')).toHaveLength(3 * 2 + 8 * 3 + 2 + 2);
    expect(a.nodes.block1_conv2_act.outputShape).toEqual([64, 147, 147]);
    expect(['block2_add', 'block3_add', 'block4_add'].map((id) => a.nodes[id].outputShape)).toEqual([[128, 74, 74], [256, 37, 37], [728, 19, 19]]);
    expect(a.nodes.block12_add.outputShape).toEqual([728, 19, 19]);
    expect(a.nodes.block13_add.outputShape).toEqual([1024, 10, 10]);
    expect(a.nodes.block14_sep2_act.outputShape).toEqual([2048, 10, 10]);
    // The middle flow's shortcut is the identity: each block adds its own input.
    expect(doc.edges.filter((e) => e.target === 'block5_add').map((e) => e.source)).toEqual(['block5_sep3_bn', 'block4_add']);
  });

  it('getPreset returns a fresh copy and rejects unknown names', () => {
    const a = getPreset('resnet18');
    a.nodes.pop();
    expect(getPreset('resnet18').nodes.length).toBe(a.nodes.length + 1);
    expect(() => getPreset('resnet19')).toThrow(UnknownPresetError);
  });
});

const python = findPython(['torch']);

/**
 * ResNet-20 as a CIFAR ResNet is usually written in PyTorch (BasicBlock with a 1×1 conv + BN
 * projection where the shape changes, i.e. option B; option A's zero-padded identity beside it),
 * against our preset: parameters, multiply-accumulates of every Conv2d/Linear (forward hooks) and
 * the output shape of each stage.
 */
const RESNET20_SCRIPT = String.raw`
import json, torch, torch.nn as nn, torch.nn.functional as F
class PadShortcut(nn.Module):  # option A: subsample, zero-pad the new channels
    def __init__(self, pad):
        super().__init__(); self.pad = pad
    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
class Block(nn.Module):
    def __init__(self, cin, cout, stride, option):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(cout)
        self.short = nn.Identity()
        if stride != 1 or cin != cout:
            if option == 'B':
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            else:
                self.short = PadShortcut((cout - cin) // 2)
    def forward(self, x):
        return F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))) + self.short(x))
class ResNet20(nn.Module):
    def __init__(self, option):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(16)
        stages, cin = [], 16
        for s, cout in enumerate([16, 32, 64]):
            blocks = []
            for u in range(3):
                blocks.append(Block(cin, cout, 2 if s > 0 and u == 0 else 1, option)); cin = cout
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.fc = nn.Linear(64, 10)
    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(F.relu(self.bn1(self.conv1(x))))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
out = {}
for option in ['A', 'B']:
    m = ResNet20(option).eval()
    macs, stages = [0], {}
    for mod in m.modules():
        if isinstance(mod, nn.Conv2d):
            mod.register_forward_hook(lambda mod, i, o: macs.__setitem__(0, macs[0] + o.numel() * mod.in_channels * mod.kernel_size[0] * mod.kernel_size[1]))
        if isinstance(mod, nn.Linear):
            mod.register_forward_hook(lambda mod, i, o: macs.__setitem__(0, macs[0] + mod.in_features * mod.out_features))
    for k in ['layer1', 'layer2', 'layer3']:
        getattr(m, k).register_forward_hook(lambda mod, i, o, k=k: stages.__setitem__(k, list(o.shape[1:])))
    with torch.no_grad():
        y = m(torch.zeros(1, 3, 32, 32))
    out[option] = {'params': sum(p.numel() for p in m.parameters()), 'macs': macs[0], 'shape': list(y.shape[1:]), 'stages': stages}
print(json.dumps(out))
`;

describe.skipIf(!python)('resnet20 against a PyTorch ResNet-20 (skipped: python3-torch not installed)', () => {
  it('parameters, MACs and stage shapes equal the PyTorch model with projection shortcuts (option B)', () => {
    const r = spawnSync(python!, ['-c', RESNET20_SCRIPT], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const torch = JSON.parse(r.stdout) as Record<'A' | 'B', { params: number; macs: number; shape: number[]; stages: Record<string, number[]> }>;
    const { a } = analysed('resnet20');
    expect(a.totals.params).toBe(torch.B.params);
    expect(a.totals.macs).toBe(torch.B.macs);
    expect(torch.B.shape).toEqual([10]);
    for (let s = 1; s <= 3; s++) expect(a.nodes[`stage${s}_3`].outputShape, `layer${s}`).toEqual(torch.B.stages[`layer${s}`]);
    // The paper's option A: the same network less the two projections' 2,752 parameters.
    expect(torch.A.params).toBe(269_722);
    expect(torch.B.params - torch.A.params).toBe(2_752);
  }, 120_000);
});
