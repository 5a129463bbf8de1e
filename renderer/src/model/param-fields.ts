/** How the inspector edits each op's parameters: the right input per param. */
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
}

const int = (name: string, label: string, optional = false, help?: string): FieldSpec => ({ name, label, field: { kind: 'int', optional }, help });
const num = (name: string, label: string, help?: string): FieldSpec => ({ name, label, field: { kind: 'number', optional: true }, help });
const en = (name: string, label: string, options: readonly string[]): FieldSpec => ({ name, label, field: { kind: 'enum', options } });
const bool = (name: string, label: string): FieldSpec => ({ name, label, field: { kind: 'bool' } });
const pairF = (name: string, label: string, optional = false, emptyHint?: string): FieldSpec => ({ name, label, field: { kind: 'pair', optional, emptyHint } });

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
  Activation: [en('fn', 'Function', ['relu', 'leaky_relu', 'sigmoid', 'tanh', 'identity']), { ...num('alpha', 'Negative slope'), when: (p) => p.fn === 'leaky_relu' }],
  Dense: [int('units', 'Units'), bool('bias', 'Bias')],
  Dropout: [num('rate', 'Rate (0–1)')],
  Flatten: [],
  Softmax: [],
  Concat: [],
  Add: [],
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
  ],
};

/** Parses what the user typed into a number field. Never clamps: out-of-range values are kept and reported by the engine. */
export function parseNumberText(text: string, integer: boolean): { ok: true; value: number | undefined } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return { ok: false, message: integer ? 'Enter a whole number.' : 'Enter a number.' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, message: 'Enter a finite number.' };
    { ...int('groups', 'Groups of the 3×3 (ResNeXt)', true, 'Empty: 1. ResNeXt-50 32×4d uses 32.'), when: (p) => p.block === 'bottleneck' },
    { ...int('widthPerGroup', 'Width per group', true, 'Channels per group at 64 filters. Empty: 64 (ResNet); ResNeXt 4, Wide ResNet 128.'), when: (p) => p.block === 'bottleneck' },
  return { ok: true, value: v };
}
