/** What the palette offers: ops and common variants (max/avg/min pooling, ReLU…), in the groups learners expect. */
import { ops } from '../engine';
import { opDoc } from '../../../engine/src/core/ops/op-doc';

export interface PaletteItem {
  /** Stable key, used for drag data and test ids: "Pool2D-min". */
  key: string;
  title: string;
  type: string;
  params: Record<string, unknown>;
  group: string;
  doc: string;
  /** Extra words the search matches. */
  keywords: string;
}

export const PALETTE_GROUPS = ['Input', 'Convolution', 'Pooling', 'Normalisation', 'Activation', 'Dense', 'Merge', 'Modules'] as const;

function item(group: string, type: string, key: string, title: string, params?: Record<string, unknown>, keywords = ''): PaletteItem {
  const op = ops.get(type);
  if (!op) throw new Error(`Palette: unknown op ${type}`);
  return { key, title, type, params: params ?? structuredClone(op.example), group, doc: opDoc(op, params ?? op.example), keywords: `${type} ${op.title} ${keywords}`.toLowerCase() };
}

export const PALETTE: readonly PaletteItem[] = [
  item('Input', 'Input', 'Input', 'Input', undefined, 'image tensor'),
  item('Convolution', 'Conv2D', 'Conv2D', 'Conv 2D', undefined, 'convolution kernel filters'),
  item('Convolution', 'Conv2D', 'Conv2D-depthwise', 'Depthwise conv 2D', { filters: 32, kernel: 3, stride: 1, padding: 'same', groups: 32 }, 'depthwise separable mobilenet groups'),
  item('Convolution', 'ZeroPad2D', 'ZeroPad2D', 'Zero padding', undefined, 'pad border'),
  item('Convolution', 'ChannelShuffle', 'ChannelShuffle', 'Channel shuffle', undefined, 'shufflenet groups permute'),
  item('Convolution', 'ChannelSlice', 'ChannelSlice', 'Channel slice', undefined, 'split chunk shufflenet channels'),
  item('Pooling', 'Pool2D', 'Pool2D-max', 'Max pool', { mode: 'max', kernel: 2, stride: 2 }, 'maximum downsample'),
  item('Pooling', 'Pool2D', 'Pool2D-avg', 'Average pool', { mode: 'avg', kernel: 2, stride: 2 }, 'mean downsample'),
  item('Pooling', 'Pool2D', 'Pool2D-min', 'Min pool', { mode: 'min', kernel: 2, stride: 2 }, 'minimum downsample'),
  item('Pooling', 'GlobalPool', 'GlobalPool-avg', 'Global average pool', { mode: 'avg' }, 'gap'),
  item('Pooling', 'GlobalPool', 'GlobalPool-max', 'Global max pool', { mode: 'max' }, ''),
  item('Normalisation', 'BatchNorm', 'BatchNorm', 'Batch norm', undefined, 'bn normalization'),
  item('Normalisation', 'LRN', 'LRN', 'Local response norm', undefined, 'lrn normalization'),
  item('Activation', 'Activation', 'Activation-relu', 'ReLU', { fn: 'relu' }, 'rectifier'),
  item('Activation', 'Activation', 'Activation-leaky_relu', 'Leaky ReLU', { fn: 'leaky_relu', alpha: 0.01 }, ''),
  item('Activation', 'Activation', 'Activation-sigmoid', 'Sigmoid', { fn: 'sigmoid' }, 'logistic'),
  item('Activation', 'Activation', 'Activation-tanh', 'Tanh', { fn: 'tanh' }, ''),
  item('Activation', 'Activation', 'Activation-relu6', 'ReLU6', { fn: 'relu6' }, 'mobilenet clip'),
  item('Activation', 'Activation', 'Activation-silu', 'SiLU (swish)', { fn: 'silu' }, 'swish efficientnet'),
  item('Activation', 'Activation', 'Activation-hardswish', 'Hard swish', { fn: 'hardswish' }, 'mobilenetv3 h-swish'),
  item('Activation', 'Activation', 'Activation-hardsigmoid', 'Hard sigmoid', { fn: 'hardsigmoid' }, 'mobilenetv3 h-sigmoid gate'),
  item('Activation', 'Activation', 'Activation-gelu', 'GELU', { fn: 'gelu' }, 'gaussian error transformer'),
  item('Activation', 'Activation', 'Activation-mish', 'Mish', { fn: 'mish' }, 'softplus'),
  item('Activation', 'Activation', 'Activation-clip', 'Clip', { fn: 'clip', min: -1, max: 1 }, 'clamp bound'),
  item('Dense', 'Dense', 'Dense', 'Dense', undefined, 'fully connected linear fc'),
  item('Dense', 'Flatten', 'Flatten', 'Flatten', undefined, 'reshape vector'),
  item('Dense', 'Dropout', 'Dropout', 'Dropout', undefined, ''),
  item('Dense', 'Softmax', 'Softmax', 'Softmax', undefined, 'probabilities classifier'),
  item('Merge', 'Concat', 'Concat', 'Concat', undefined, 'concatenate join merge'),
  item('Merge', 'Add', 'Add', 'Add (skip connection)', undefined, 'sum residual shortcut merge'),
  item('Merge', 'Multiply', 'Multiply', 'Multiply', undefined, 'product element-wise gate merge'),
  item('Merge', 'ChannelScale', 'ChannelScale', 'Channel scale', undefined, 'squeeze excite se gate attention multiply'),
  item('Modules', 'Inception', 'Inception', 'Inception module', undefined, 'googlenet'),
  item('Modules', 'ResidualUnit', 'ResidualUnit-basic', 'Residual unit (basic)', { block: 'basic', filters: 64, stride: 1 }, 'resnet block'),
  item('Modules', 'ResidualUnit', 'ResidualUnit-bottleneck', 'Residual unit (bottleneck)', { block: 'bottleneck', filters: 64, stride: 1 }, 'resnet block'),
  item('Modules', 'SeparableConv', 'SeparableConv', 'Separable conv', undefined, 'depthwise separable pointwise xception mobilenet'),
  item('Modules', 'InvertedResidual', 'InvertedResidual', 'Inverted residual', undefined, 'mobilenetv2 mbconv efficientnet expand depthwise project block'),
  item('Modules', 'InvertedResidual', 'InvertedResidual-mbconv', 'MBConv (SiLU + SE)', { filters: 24, expandRatio: 6, stride: 1, activation: 'silu', seRatio: 0.25 }, 'efficientnet inverted residual squeeze excite swish'),
  item('Modules', 'SqueezeExcite', 'SqueezeExcite', 'Squeeze-excite', undefined, 'se senet channel attention gate'),
];

export function paletteItem(key: string): PaletteItem | undefined {
  return PALETTE.find((p) => p.key === key);
}

/**
 * Items matching every word of the query (in title, type, group or keywords), best first.
 * `shown` gives the words the item is shown with in the UI's language (its translated title first).
 */
export function searchPalette(query: string, shown?: (item: PaletteItem) => string): PaletteItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...PALETTE];
  const scored: { item: PaletteItem; score: number }[] = [];
  for (const it of PALETTE) {
    const local = shown?.(it).toLowerCase() ?? '';
    const hay = `${it.title.toLowerCase()} ${it.group.toLowerCase()} ${it.keywords} ${local}`;
    if (!words.every((w) => hay.includes(w))) continue;
    const title = it.title.toLowerCase();
    const first = (t: string) => t.startsWith(words[0]);
    const score = first(title) || first(local) ? 0 : title.includes(words[0]) || local.includes(words[0]) ? 1 : 2;
    scored.push({ item: it, score });
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.item);
}

export const DRAG_MIME = 'application/x-cnn-studio-layer';
