/**
 * The PyTorch export of the mobile-era modules — SeparableConv, InvertedResidual, SqueezeExcite:
 * one small nn.Module class each, whose submodules carry the expansion's local ids (depthwise,
 * pointwise; expand, expand_bn, dw, dw_bn, se_reduce, se_expand, project, project_bn; reduce,
 * expand), so the state dict keys are "<node>.<local id>.<param>" as `torchStateKey` makes them.
 * Isomorphic.
 */
import { resolvePads } from '../ops/common';
import { hiddenChannels, seWidth, type InvertedResidualParams } from '../ops/inverted-residual';
import type { SeparableConvParams } from '../ops/separable-conv';
import { squeezeWidth, type SqueezeExciteParams } from '../ops/squeeze-excite';
import { pair, type Shape } from '../shape';

/** The module types this file exports (python-names.ts reserves their class names and block_activation). */
export type MobileModule = 'SeparableConv' | 'InvertedResidual' | 'SqueezeExcite';

const BLOCK_ACTIVATION_FN = `def block_activation(x, fn):
    """The activations of the mobile blocks, by the engine's names."""
    return {"relu": F.relu, "relu6": F.relu6, "silu": F.silu, "hardswish": F.hardswish, "sigmoid": torch.sigmoid, "hardsigmoid": F.hardsigmoid}[fn](x)
`;

const SEPARABLE_CONV_CLASS = `class SeparableConv(nn.Module):
    """Depthwise-separable convolution (Xception; Keras' SeparableConv2D): a depthwise convolution
    (one group per input channel, depth_multiplier filters each, no bias), then a pointwise 1×1
    convolution mixing the channels, nothing between them."""

    def __init__(self, in_channels, filters, kernel, stride=1, padding=0, depth_multiplier=1, bias=True):
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels * depth_multiplier, kernel, stride=stride, padding=padding, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels * depth_multiplier, filters, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))
`;

const SQUEEZE_EXCITE_CLASS = `class SqueezeExcite(nn.Module):
    """Squeeze-and-excitation: global average pool → 1×1 reduce → activation → 1×1 expand → gate
    (sigmoid or hard sigmoid); each channel of the input is multiplied by its gate."""

    def __init__(self, channels, squeeze, activation="relu", gate="sigmoid"):
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeeze, 1)
        self.expand = nn.Conv2d(squeeze, channels, 1)
        self.activation, self.gate = activation, gate

    def forward(self, x):
        s = block_activation(self.reduce(x.mean((2, 3), keepdim=True)), self.activation)
        return x * block_activation(self.expand(s), self.gate)
`;

const INVERTED_RESIDUAL_CLASS = `class InvertedResidual(nn.Module):
    """MobileNetV2's inverted residual (EfficientNet's MBConv with SiLU and squeeze-excite): 1×1 expand
    → BN → activation (left out when hidden == in_channels), k×k depthwise with the stride → BN →
    activation, optional squeeze-excite (se_reduce, se_expand), 1×1 project → BN, no activation;
    + the input when the stride is 1 and the channels agree. batch_norm=False: batch norm folded
    into the convolutions, which then have biases."""

    def __init__(self, in_channels, filters, hidden, kernel=3, stride=1, activation="relu6", se_channels=0, se_activation=None, se_gate="sigmoid", batch_norm=True):
        super().__init__()
        self.expands = hidden != in_channels
        self.batch_norm = batch_norm
        self.activation, self.se_activation, self.se_gate = activation, se_activation or activation, se_gate
        self.se = se_channels > 0
        self.skip = stride == 1 and in_channels == filters
        if self.expands:
            self.conv("expand", in_channels, hidden, 1)
        self.conv("dw", hidden, hidden, kernel, stride, groups=hidden)
        if self.se:
            self.se_reduce = nn.Conv2d(hidden, se_channels, 1)
            self.se_expand = nn.Conv2d(se_channels, hidden, 1)
        self.conv("project", hidden, filters, 1)

    def conv(self, name, cin, cout, k, stride=1, groups=1):
        setattr(self, name, nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=not self.batch_norm))
        if self.batch_norm:
            setattr(self, name + "_bn", nn.BatchNorm2d(cout))

    def layer(self, name, x):
        x = getattr(self, name)(x)
        return getattr(self, name + "_bn")(x) if self.batch_norm else x

    def forward(self, x):
        out = block_activation(self.layer("expand", x), self.activation) if self.expands else x
        out = block_activation(self.layer("dw", out), self.activation)
        if self.se:
            s = block_activation(self.se_reduce(out.mean((2, 3), keepdim=True)), self.se_activation)
            out = out * block_activation(self.se_expand(s), self.se_gate)
        out = self.layer("project", out)
        return out + x if self.skip else out
`;

/** Helper sources by name, in the order the generated file defines them (block_activation first). */
const HELPER_SOURCE: Record<string, string> = {
  block_activation: BLOCK_ACTIVATION_FN,
  SeparableConv: SEPARABLE_CONV_CLASS,
  SqueezeExcite: SQUEEZE_EXCITE_CLASS,
  InvertedResidual: INVERTED_RESIDUAL_CLASS,
};

/** The helper definitions the file needs, given the helper names noted while emitting. */
export function mobileHelperSources(used: ReadonlySet<string>): string[] {
  return Object.keys(HELPER_SOURCE)
    .filter((name) => used.has(name))
    .map((name) => HELPER_SOURCE[name]);
}

const tuple = (v: readonly number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
const pairArg = (v: readonly [number, number]) => (v[0] === v[1] ? String(v[0]) : tuple(v));
const str = (s: string) => JSON.stringify(s);

/**
 * The generated InvertedResidual helper's keyword arguments where they differ from its defaults —
 * the PyTorch module and the Keras function (keras-mobile.ts) take the same names.
 */
export function invertedResidualKeywords(r: InvertedResidualParams, inChannels: number): string[] {
  const args: string[] = [];
  if (r.kernel !== 3) args.push(`kernel=${r.kernel}`);
  if (r.stride !== 1) args.push(`stride=${r.stride}`);
  if (r.activation !== 'relu6') args.push(`activation=${str(r.activation)}`);
  const se = seWidth(r, inChannels);
  if (se > 0) {
    args.push(`se_channels=${se}`);
    if (r.seActivation && r.seActivation !== r.activation) args.push(`se_activation=${str(r.seActivation)}`);
    if (r.seGate !== 'sigmoid') args.push(`se_gate=${str(r.seGate)}`);
  }
  if (!r.batchNorm) args.push('batch_norm=False');
  return args;
}

/** The generated SqueezeExcite helper's keyword arguments beyond its defaults (PyTorch and Keras alike). */
export function squeezeExciteKeywords(q: SqueezeExciteParams): string[] {
  const args: string[] = [];
  if (q.activation !== 'relu') args.push(`activation=${str(q.activation)}`);
  if (q.gate !== 'sigmoid') args.push(`gate=${str(q.gate)}`);
  return args;
}

export interface MobileEmitted {
  /** The submodule's constructor call. */
  module: string;
  /** The forward expression, given `self.<name>` and its input. */
  expr: string;
  /** Helper names the file must define. */
  helpers: string[];
}

/** The submodule and forward call for one mobile module node with parsed params `p` and input `input`. */
export function pytorchMobileModule(type: MobileModule, p: unknown, input: Shape, self: string, x: string): MobileEmitted {
  switch (type) {
    case 'SeparableConv': {
      const s = p as SeparableConvParams;
      const pads = resolvePads(s.padding, input[1], input[2], s.kernel, s.stride);
      const symmetric = pads[0] === pads[2] && pads[1] === pads[3];
      const args = [String(input[0]), String(s.filters), pairArg(pair(s.kernel))];
      if (pair(s.stride).some((v) => v !== 1)) args.push(`stride=${pairArg(pair(s.stride))}`);
      if (symmetric && pads.some((v) => v !== 0)) args.push(`padding=${pairArg([pads[0], pads[1]])}`);
      if (s.depthMultiplier !== 1) args.push(`depth_multiplier=${s.depthMultiplier}`);
      if (!s.bias) args.push('bias=False');
      // Asymmetric padding ("same" with a stride): F.pad's (left, right, top, bottom) before the module.
      const padded = symmetric ? x : `F.pad(${x}, ${tuple([pads[1], pads[3], pads[0], pads[2]])})`;
      return { module: `SeparableConv(${args.join(', ')})`, expr: `${self}(${padded})`, helpers: ['SeparableConv'] };
    }
    case 'InvertedResidual': {
      const r = p as InvertedResidualParams;
      const args = [String(input[0]), String(r.filters), String(hiddenChannels(r, input[0])), ...invertedResidualKeywords(r, input[0])];
      return { module: `InvertedResidual(${args.join(', ')})`, expr: `${self}(${x})`, helpers: ['block_activation', 'InvertedResidual'] };
    }
    case 'SqueezeExcite': {
      const q = p as SqueezeExciteParams;
      const args = [String(input[0]), String(squeezeWidth(q, input[0])), ...squeezeExciteKeywords(q)];
      return { module: `SqueezeExcite(${args.join(', ')})`, expr: `${self}(${x})`, helpers: ['block_activation', 'SqueezeExcite'] };
    }
  }
}
