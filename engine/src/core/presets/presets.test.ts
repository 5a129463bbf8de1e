import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { loadDocument } from '../document/load';
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
  googlenet: 1.58e9,
};

const analysed = (name: string) => {
  const doc = getPreset(name);
  return { doc, a: analyze(doc) };
};

describe('presets', () => {
  it('lists every preset the issue asks for', () => {
    expect([...PRESET_NAMES].sort()).toEqual(
      ['alexnet', 'googlenet', 'lenet5', 'preact-resnet18', 'resnet101', 'resnet152', 'resnet18', 'resnet34', 'resnet50', 'vgg16'].sort(),
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
    for (const [name, depth] of [['resnet18', 18], ['resnet34', 34], ['resnet101', 101], ['resnet152', 152], ['vgg16', 16], ['alexnet', 8], ['googlenet', 22], ['lenet5', 5]] as const) {
      expect(analysed(name).a.totals.depth, name).toBe(depth);
    }
  });

  it('lenet5 has the classic 61,706 parameters and 1×32×32 → 10', () => {
    const { a, doc } = analysed('lenet5');
    expect(a.totals.params).toBe(61_706);
    expect(a.nodes[doc.nodes[doc.nodes.length - 1].id].outputShape).toEqual([10]);
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

  it('getPreset returns a fresh copy and rejects unknown names', () => {
    const a = getPreset('resnet18');
    a.nodes.pop();
    expect(getPreset('resnet18').nodes.length).toBe(a.nodes.length + 1);
    expect(() => getPreset('resnet19')).toThrow(UnknownPresetError);
  });
});
