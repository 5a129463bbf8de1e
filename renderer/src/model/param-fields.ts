/** How the inspector edits each op's parameters: the right input per param. */
import { ACTIVATION_FUNCTIONS } from '../engine';
import { t as tr } from '../i18n';
import { BLOCK_ACTIVATIONS, GATE_FUNCTIONS } from '../../../engine/src/core/ops/squeeze-excite';

export type FieldKind =
  | { kind: 'int'; optional?: boolean }
  | { kind: 'number'; optional?: boolean }
  | { kind: 'pair'; optional?: boolean; emptyHint?: string }
  | { kind: 'padding' }
  | { kind: 'pads' }
  | { kind: 'enum'; options: readonly string[] }
  | { kind: 'bool' };

export interface FieldSpec {
  name: string;
  label: string;
  field: FieldKind;
  /** Shown only when this returns true for the current params. */
  when?: (params: Record<string, unknown>) => boolean;
  help?: string;
  /** Enum choices as shown, by value (the inspector fills them in the UI's language); else the value itself. */
  optionLabels?: Record<string, string>;
}

const int = (name: string, label: string, optional = false, help?: string): FieldSpec => ({ name, label, field: { kind: 'int', optional }, help });
const num = (name: string, label: string, help?: string): FieldSpec => ({ name, label, field: { kind: 'number', optional: true }, help });
const en = (name: string, label: string, options: readonly string[]): FieldSpec => ({ name, label, field: { kind: 'enum', options } });
const bool = (name: string, label: string): FieldSpec => ({ name, label, field: { kind: 'bool' } });
const pairF = (name: string, label: string, optional = false, emptyHint?: string): FieldSpec => ({ name, label, field: { kind: 'pair', optional, emptyHint } });
const hasSqueezeExcite = (p: Record<string, unknown>) => (p.seRatio as number) > 0 || p.seChannels !== undefined;

export const PARAM_FIELDS: Record<string, FieldSpec[]> = {
  Input: [int('channels', 'Channels'), int('height', 'Height'), int('width', 'Width')],
  Conv2D: [
    int('filters', 'Filters'),
    pairF('kernel', 'Kernel'),
    pairF('stride', 'Stride', true),
    { name: 'padding', label: 'Padding', field: { kind: 'padding' } },
    pairF('dilation', 'Dilation', true),
    int('groups', 'Groups', true),
    bool('bias', 'Bias'),
  ],
  ZeroPad2D: [{ name: 'padding', label: 'Padding', field: { kind: 'pads' } }],
  Pool2D: [
    en('mode', 'Mode', ['max', 'avg', 'min']),
    pairF('kernel', 'Kernel'),
    pairF('stride', 'Stride', true, 'same as kernel'),
    { name: 'padding', label: 'Padding', field: { kind: 'padding' } },
    bool('ceil', 'Ceil mode'),
    { ...bool('countIncludePad', 'Count padding in average'), when: (p) => p.mode === 'avg' },
  ],
  GlobalPool: [en('mode', 'Mode', ['avg', 'max'])],
  BatchNorm: [num('epsilon', 'Epsilon')],
  LRN: [int('size', 'Size', true), num('alpha', 'Alpha'), num('beta', 'Beta'), num('bias', 'Bias (k)')],
  Activation: [
    en('fn', 'Function', ACTIVATION_FUNCTIONS),
    { ...num('alpha', 'Negative slope'), when: (p) => p.fn === 'leaky_relu' },
    { ...num('min', 'Min (empty: none)'), when: (p) => p.fn === 'clip' },
    { ...num('max', 'Max (empty: none)'), when: (p) => p.fn === 'clip' },
  ],
  Dense: [int('units', 'Units'), bool('bias', 'Bias')],
  Dropout: [num('rate', 'Rate (0–1)')],
  Flatten: [],
  Softmax: [],
  Concat: [],
  Add: [],
  Multiply: [],
  ChannelScale: [],
  ChannelShuffle: [int('groups', 'Groups')],
  ChannelSlice: [int('start', 'First channel', true), int('end', 'End (exclusive)')],
  Inception: [
    int('c1x1', '#1×1'),
    int('c3x3reduce', '#3×3 reduce'),
    int('c3x3', '#3×3'),
    int('c5x5reduce', '#5×5 reduce'),
    int('c5x5', '#5×5'),
    int('poolProj', 'Pool proj'),
  ],
  ResidualUnit: [
    en('block', 'Block', ['basic', 'bottleneck']),
    int('filters', 'Filters'),
    int('stride', 'Stride', true),
    bool('preActivation', 'Pre-activation'),
    en('projection', 'Shortcut projection', ['auto', 'always', 'never']),
    { ...int('groups', 'Groups of the 3×3 (ResNeXt)', true, 'Empty: 1. ResNeXt-50 32×4d uses 32.'), when: (p) => p.block === 'bottleneck' },
    { ...int('widthPerGroup', 'Width per group', true, 'Channels per group at 64 filters. Empty: 64 (ResNet); ResNeXt 4, Wide ResNet 128.'), when: (p) => p.block === 'bottleneck' },
    // Shown on units imported with batch norm folded into their convolutions (absent means on).
    { ...bool('batchNorm', 'Batch norm (off: folded into the biases)'), when: (p) => p.batchNorm === false },
  ],
  SeparableConv: [
    int('filters', 'Filters'),
    pairF('kernel', 'Kernel', true, '3'),
    pairF('stride', 'Stride', true),
    { name: 'padding', label: 'Padding', field: { kind: 'padding' } },
    int('depthMultiplier', 'Depth multiplier', true, 'Depthwise filters per input channel. Empty: 1.'),
    bool('bias', 'Pointwise bias'),
  ],
  InvertedResidual: [
    int('filters', 'Filters (out)'),
    int('kernel', 'Depthwise kernel', true, 'Odd: 3 (MobileNetV2) or 5. Empty: 3.'),
    int('stride', 'Stride', true),
    num('expandRatio', 'Expand ratio', 'Hidden channels = input × ratio. Empty: 6; the first MobileNetV2 block uses 1.'),
    int('expandChannels', 'Hidden channels', true, 'Instead of the ratio (MobileNetV3). Empty: input × ratio.'),
    en('activation', 'Activation', BLOCK_ACTIVATIONS),
    num('seRatio', 'Squeeze-excite ratio', 'Bottleneck as a fraction of the input channels (EfficientNet 0.25). Empty or 0: no squeeze-excite.'),
    int('seChannels', 'Squeeze-excite channels', true, 'The bottleneck directly (MobileNetV3); turns squeeze-excite on.'),
    // Absent, the squeeze-excite uses the block's activation; shown where a file sets its own (MobileNetV3's ReLU).
    { ...en('seActivation', 'Squeeze-excite activation', BLOCK_ACTIVATIONS), when: (p) => hasSqueezeExcite(p) && p.seActivation !== undefined },
    { ...en('seGate', 'Squeeze-excite gate', GATE_FUNCTIONS), when: hasSqueezeExcite },
    bool('batchNorm', 'Batch norm (off: folded into biases)'),
  ],
  SqueezeExcite: [
    int('squeezeChannels', 'Bottleneck channels', true, 'Empty: input channels × ratio.'),
    num('ratio', 'Ratio', 'Bottleneck as a fraction of the input channels: 0.25 (EfficientNet), 0.0625 (SENet’s r = 16).'),
    en('activation', 'Activation', BLOCK_ACTIVATIONS),
    en('gate', 'Gate', GATE_FUNCTIONS),
  ],
};

/** Parses what the user typed into a number field. Never clamps: out-of-range values are kept and reported by the engine. */
export function parseNumberText(text: string, integer: boolean): { ok: true; value: number | undefined } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return { ok: false, message: tr(integer ? 'field.wholeNumber' : 'field.number') };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, message: tr('field.finite') };
  return { ok: true, value: v };
}
