import { PresetBuilder, slug } from './build';
import type { ModelDocument } from '../document/schema';
import { IMAGENET_INPUT } from './alexnet';

/** A convolution with batch norm and an activation (torchvision's Conv2dNormActivation), no bias. */
function convBnAct(b: PresetBuilder, id: string, label: string, filters: number, kernel: number, stride: number, fn: string): void {
  b.add({ type: 'Conv2D', params: { filters, kernel, stride, padding: (kernel - 1) / 2, bias: false }, label, id });
  b.add({ type: 'BatchNorm', label: `${label} BN`, id: `${id}_bn` });
  b.add({ type: 'Activation', params: { fn }, label: `${label} ${fn === 'relu6' ? 'ReLU6' : 'SiLU'}`, id: `${id}_act` });
}

/** Global average pool → dropout → FC 1000 → softmax, as torchvision's classifiers end. */
function head(b: PresetBuilder, dropout: number): void {
  b.add({ type: 'GlobalPool', params: { mode: 'avg' }, label: 'global avg pool', id: 'avgpool' });
  b.add({ type: 'Dropout', params: { rate: dropout }, label: `dropout ${Math.round(dropout * 100)}%`, id: 'dropout' });
  b.add({ type: 'Dense', params: { units: 1000 }, label: 'fc 1000', id: 'fc' });
  b.add({ type: 'Softmax', label: 'softmax' });
}

/** One stage of blocks: `repeats` blocks, the first with the stride. */
function stage(b: PresetBuilder, name: (k: number) => string, repeats: number, block: (first: boolean) => Record<string, unknown>): void {
  for (let k = 1; k <= repeats; k++) b.add({ type: 'InvertedResidual', params: block(k === 1), label: name(k), id: slug(name(k)) });
}

/**
 * MobileNetV2 (Sandler et al., 2018) as torchvision's mobilenet_v2 (width 1.0): a 3×3/2 stem of 32,
 * 17 inverted residual blocks in 7 stages (expansion t, channels c, repeats n, stride s of Table 2:
 * 1-16-1-1, 6-24-2-2, 6-32-3-2, 6-64-4-2, 6-96-3-1, 6-160-3-2, 6-320-1-1), a 1×1 conv to 1280,
 * global average pool, dropout 0.2, FC 1000. ReLU6 after every expansion and depthwise conv; the
 * projections are linear. 3,504,872 parameters.
 */
export function mobilenetV2(): ModelDocument {
  const b = new PresetBuilder('MobileNetV2', 'MobileNetV2 (Sandler et al., 2018, as torchvision): 17 inverted residual blocks — 1×1 expand, 3×3 depthwise, linear 1×1 project — between a 3×3 stem and a 1×1 conv to 1280.');
  b.add({ type: 'Input', params: IMAGENET_INPUT, label: 'input', id: 'input' });
  convBnAct(b, 'stem', 'stem conv 3×3/2', 32, 3, 2, 'relu6');
  const settings: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  settings.forEach(([t, c, n, s], i) => stage(b, (k) => `stage ${i + 1} block ${k}`, n, (first) => ({ filters: c, expandRatio: t, stride: first ? s : 1 })));
  convBnAct(b, 'last_conv', 'conv 1×1, 1280', 1280, 1, 1, 'relu6');
  head(b, 0.2);
  return b.build();
}

/**
 * EfficientNet-B0 (Tan & Le, 2019) as torchvision's efficientnet_b0: a 3×3/2 stem of 32, 16 MBConv
 * blocks in 7 stages (expansion, kernel, stride, channels, repeats of Table 1: 1-3-1-16-1,
 * 6-3-2-24-2, 6-5-2-40-2, 6-3-2-80-3, 6-5-1-112-3, 6-5-2-192-4, 6-3-1-320-1), each an inverted
 * residual with SiLU and squeeze-and-excitation (its bottleneck a quarter of the block's input
 * channels), a 1×1 conv to 1280, global average pool, dropout 0.2, FC 1000. Stochastic depth only
 * acts in training and has no parameters, so it is left out. 5,288,548 parameters.
 */
export function efficientnetB0(): ModelDocument {
  const b = new PresetBuilder('EfficientNet-B0', 'EfficientNet-B0 (Tan & Le, 2019, as torchvision): 16 MBConv blocks — inverted residuals with SiLU and squeeze-and-excitation, 3×3 and 5×5 depthwise — between a 3×3 stem and a 1×1 conv to 1280.');
  b.add({ type: 'Input', params: IMAGENET_INPUT, label: 'input', id: 'input' });
  convBnAct(b, 'stem', 'stem conv 3×3/2', 32, 3, 2, 'silu');
  const settings: [number, number, number, number, number][] = [
    [1, 3, 1, 16, 1],
    [6, 3, 2, 24, 2],
    [6, 5, 2, 40, 2],
    [6, 3, 2, 80, 3],
    [6, 5, 1, 112, 3],
    [6, 5, 2, 192, 4],
    [6, 3, 1, 320, 1],
  ];
  settings.forEach(([t, k, s, c, n], i) =>
    stage(b, (j) => `stage ${i + 1} MBConv ${j}`, n, (first) => ({ filters: c, kernel: k, expandRatio: t, stride: first ? s : 1, activation: 'silu', seRatio: 0.25 })),
  );
  convBnAct(b, 'last_conv', 'conv 1×1, 1280', 1280, 1, 1, 'silu');
  head(b, 0.2);
  return b.build();
}
