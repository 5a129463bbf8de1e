import { PresetBuilder, relu } from './build';
import type { ModelDocument } from '../document/schema';
import { IMAGENET_INPUT } from './alexnet';

export interface ResNetConfig {
  name: string;
  block: 'basic' | 'bottleneck';
  /** Units per stage conv2_x … conv5_x. */
  units: [number, number, number, number];
  preActivation?: boolean;
  /** Bottleneck 3×3 groups and width per group (ResNeXt, Wide ResNet); absent: 1 and 64. */
  groups?: number;
  widthPerGroup?: number;
  /** The description's first words, when not "<name> (He et al., …)". */
  about?: string;
}

/**
 * ResNet (He et al., 2015) as torchvision builds it — v1, with the stride on the 3×3 convolution:
 * stem conv 7×7/2 (no bias) → BN → ReLU → max pool 3×3/2 → four stages of residual units
 * (64, 128, 256, 512 filters; the first unit of stages 3–5 halves H×W) → global average pool → FC 1000.
 * Pre-activation (He et al., 2016, "Identity Mappings"): the same stem and stages with BN→ReLU→conv
 * units, and a final BN → ReLU before pooling.
 */
export function resnet(cfg: ResNetConfig): ModelDocument {
  const pre = cfg.preActivation ?? false;
  const b = new PresetBuilder(
    cfg.name,
    `${cfg.name} (${cfg.about ?? (pre ? 'He et al., 2016, pre-activation units' : 'He et al., 2015, as torchvision')}): a 7×7 stem, then ${cfg.units.reduce((a, n) => a + n, 0)} ${cfg.block} residual units in four stages.`,
  );
  b.add({ type: 'Input', params: IMAGENET_INPUT, label: 'input', id: 'input' });
  b.add({ type: 'Conv2D', params: { filters: 64, kernel: 7, stride: 2, padding: 3, bias: false }, label: 'conv1 7×7/2', id: 'conv1' });
  b.add({ type: 'BatchNorm', label: 'conv1 BN', id: 'bn1' });
  b.add({ ...relu('conv1 ReLU'), id: 'relu1' });
  b.add({ type: 'Pool2D', params: { mode: 'max', kernel: 3, stride: 2, padding: 1 }, label: 'max pool 3×3/2', id: 'maxpool' });
  cfg.units.forEach((count, s) => {
    const filters = 64 << s;
    for (let u = 1; u <= count; u++) {
      const stride = s > 0 && u === 1 ? 2 : 1;
      b.add({
        type: 'ResidualUnit',
        params: {
          block: cfg.block,
          filters,
          stride,
          preActivation: pre,
          projection: 'auto',
          ...(cfg.groups && cfg.groups !== 1 ? { groups: cfg.groups } : {}),
          ...(cfg.widthPerGroup && cfg.widthPerGroup !== 64 ? { widthPerGroup: cfg.widthPerGroup } : {}),
        },
        label: `conv${s + 2}_x unit ${u}`,
        id: `conv${s + 2}_${u}`,
      });
    }
  });
  if (pre) {
    b.add({ type: 'BatchNorm', label: 'final BN' });
    b.add(relu('final ReLU'));
  }
  b.add({ type: 'GlobalPool', params: { mode: 'avg' }, label: 'global avg pool', id: 'avgpool' });
  b.add({ type: 'Dense', params: { units: 1000 }, label: 'fc 1000', id: 'fc' });
  b.add({ type: 'Softmax', label: 'softmax' });
  return b.build();
}

export const resnet18 = () => resnet({ name: 'ResNet-18', block: 'basic', units: [2, 2, 2, 2] });
export const resnet34 = () => resnet({ name: 'ResNet-34', block: 'basic', units: [3, 4, 6, 3] });
export const resnet50 = () => resnet({ name: 'ResNet-50', block: 'bottleneck', units: [3, 4, 6, 3] });
export const resnet101 = () => resnet({ name: 'ResNet-101', block: 'bottleneck', units: [3, 4, 23, 3] });
export const resnet152 = () => resnet({ name: 'ResNet-152', block: 'bottleneck', units: [3, 8, 36, 3] });
/** ResNeXt-50 32×4d (Xie et al., 2017): ResNet-50 with each bottleneck's 3×3 split into 32 groups of 4 channels per 64 filters. */
export const resnext50 = () =>
  resnet({ name: 'ResNeXt-50 (32×4d)', about: 'Xie et al., 2017, as torchvision: grouped 3×3 convolutions, cardinality 32', block: 'bottleneck', units: [3, 4, 6, 3], groups: 32, widthPerGroup: 4 });
/** Wide ResNet-50-2 (Zagoruyko & Komodakis, 2016, as torchvision): ResNet-50 with bottlenecks twice as wide inside. */
export const wideResnet50 = () =>
  resnet({ name: 'Wide ResNet-50-2', about: 'Zagoruyko & Komodakis, 2016, as torchvision: bottlenecks twice as wide inside', block: 'bottleneck', units: [3, 4, 6, 3], widthPerGroup: 128 });
export const preactResnet18 = () => resnet({ name: 'Pre-activation ResNet-18', block: 'basic', units: [2, 2, 2, 2], preActivation: true });

/**
 * ResNet-20 for CIFAR-10 (He et al., 2015, §4.2): a 3×3 conv of 16 filters → BN → ReLU on 3×32×32,
 * three stages of 3 basic units (16, 32, 64 filters on 32×32, 16×16, 8×8 maps; the first unit of
 * stages 2 and 3 halves H×W with stride 2), global average pool, FC 10 — 6n + 2 = 20 layers, n = 3.
 * The paper's CIFAR nets use option A shortcuts (identity with zero-padded channels, no parameters:
 * 269,722 in all); our ResidualUnit projects with a 1×1 conv + BN where the shape changes (option B):
 * 16→32 (512 + 64) and 32→64 (2,048 + 128) add 2,752 parameters, 272,474 in all.
 */
export function resnet20(): ModelDocument {
  const n = 3;
  const b = new PresetBuilder(
    'ResNet-20',
    'ResNet-20 (He et al., 2015, CIFAR-10): a 3×3 conv, then 9 basic residual units of 16, 32 and 64 filters on 32×32 images; 1×1 projection shortcuts (option B), 272,474 parameters.',
  );
  b.add({ type: 'Input', params: { channels: 3, height: 32, width: 32 }, label: 'input', id: 'input' });
  b.add({ type: 'Conv2D', params: { filters: 16, kernel: 3, stride: 1, padding: 1, bias: false }, label: 'conv1 3×3', id: 'conv1' });
  b.add({ type: 'BatchNorm', label: 'conv1 BN', id: 'bn1' });
  b.add({ ...relu('conv1 ReLU'), id: 'relu1' });
  for (let s = 0; s < 3; s++) {
    const filters = 16 << s;
    for (let u = 1; u <= n; u++) {
      const stride = s > 0 && u === 1 ? 2 : 1;
      b.add({
        type: 'ResidualUnit',
        params: { block: 'basic', filters, stride, preActivation: false, projection: 'auto' },
        label: `stage ${s + 1} unit ${u}`,
        id: `stage${s + 1}_${u}`,
      });
    }
  }
  b.add({ type: 'GlobalPool', params: { mode: 'avg' }, label: 'global avg pool', id: 'avgpool' });
  b.add({ type: 'Dense', params: { units: 10 }, label: 'fc 10', id: 'fc' });
  b.add({ type: 'Softmax', label: 'softmax' });
  return b.build();
}
