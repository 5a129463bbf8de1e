/** What the palette offers: ops and common variants (max/avg/min pooling, ReLU…), in the groups learners expect. */
import { ops } from '../engine';

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
  return { key, title, type, params: params ?? structuredClone(op.example), group, doc: op.doc, keywords: `${type} ${op.title} ${keywords}`.toLowerCase() };
}

export const PALETTE: readonly PaletteItem[] = [
  item('Input', 'Input', 'Input', 'Input', undefined, 'image tensor'),
  item('Convolution', 'Conv2D', 'Conv2D', 'Conv 2D', undefined, 'convolution kernel filters'),
  item('Convolution', 'ZeroPad2D', 'ZeroPad2D', 'Zero padding', undefined, 'pad border'),
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
  item('Dense', 'Dense', 'Dense', 'Dense', undefined, 'fully connected linear fc'),
  item('Dense', 'Flatten', 'Flatten', 'Flatten', undefined, 'reshape vector'),
  item('Dense', 'Dropout', 'Dropout', 'Dropout', undefined, ''),
  item('Dense', 'Softmax', 'Softmax', 'Softmax', undefined, 'probabilities classifier'),
  item('Merge', 'Concat', 'Concat', 'Concat', undefined, 'concatenate join merge'),
  item('Merge', 'Add', 'Add', 'Add (skip connection)', undefined, 'sum residual shortcut merge'),
  item('Modules', 'Inception', 'Inception', 'Inception module', undefined, 'googlenet'),
  item('Modules', 'ResidualUnit', 'ResidualUnit-basic', 'Residual unit (basic)', { block: 'basic', filters: 64, stride: 1 }, 'resnet block'),
  item('Modules', 'ResidualUnit', 'ResidualUnit-bottleneck', 'Residual unit (bottleneck)', { block: 'bottleneck', filters: 64, stride: 1 }, 'resnet block'),
];

export function paletteItem(key: string): PaletteItem | undefined {
  return PALETTE.find((p) => p.key === key);
}

/** Items matching every word of the query (in title, type, group or keywords), best first. */
export function searchPalette(query: string): PaletteItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...PALETTE];
  const scored: { item: PaletteItem; score: number }[] = [];
  for (const it of PALETTE) {
    const hay = `${it.title.toLowerCase()} ${it.group.toLowerCase()} ${it.keywords}`;
    if (!words.every((w) => hay.includes(w))) continue;
    const title = it.title.toLowerCase();
    const score = title.startsWith(words[0]) ? 0 : title.includes(words[0]) ? 1 : 2;
    scored.push({ item: it, score });
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.item);
}

export const DRAG_MIME = 'application/x-cnn-studio-layer';
