/**
 * The Keras export of the mobile-era modules: SeparableConv as Keras' own SeparableConv2D layer,
 * InvertedResidual and SqueezeExcite as helper functions whose layers are named
 * "<node>_<local id>" like the PyTorch export's submodules. Isomorphic.
 */
import { resolvePads } from '../ops/common';
import { hiddenChannels, type InvertedResidualParams } from '../ops/inverted-residual';
import type { SeparableConvParams } from '../ops/separable-conv';
import { squeezeWidth, type SqueezeExciteParams } from '../ops/squeeze-excite';
import { pair, type Shape } from '../shape';
import { invertedResidualKeywords, squeezeExciteKeywords, type MobileModule } from './pytorch-mobile';

const BLOCK_ACTIVATION = `def block_activation(t, fn, name):
    """The mobile blocks' activations by the engine's names (hard sigmoid as PyTorch's: relu6(x + 3) / 6)."""
    if fn == "relu":
        return layers.ReLU(name=name)(t)
    if fn == "relu6":
        return layers.ReLU(6.0, name=name)(t)
    if fn in ("silu", "sigmoid"):
        return layers.Activation("swish" if fn == "silu" else "sigmoid", name=name)(t)
    if fn == "hardswish":
        return layers.Lambda(lambda v: v * tf.nn.relu6(v + 3.0) / 6.0, name=name)(t)
    return layers.Lambda(lambda v: tf.nn.relu6(v + 3.0) / 6.0, name=name)(t)
`;

const SQUEEZE_EXCITE = `def squeeze_excite(x, name, squeeze, activation="relu", gate="sigmoid", prefix=""):
    """Squeeze-and-excitation; layers are named <name>_<prefix><local id> (the scaling: <name> when there is no prefix)."""
    local = lambda s: f"{name}_{prefix}{s}"
    s = layers.GlobalAveragePooling2D(keepdims=True, name=local("pool"))(x)
    s = block_activation(layers.Conv2D(squeeze, 1, name=local("reduce"))(s), activation, local("act"))
    s = block_activation(layers.Conv2D(x.shape[-1], 1, name=local("expand"))(s), gate, local("gate"))
    return layers.Multiply(name=local("scale") if prefix else name)([x, s])
`;

const INVERTED_RESIDUAL = `def inverted_residual(x, name, filters, hidden, kernel=3, stride=1, activation="relu6", se_channels=0, se_activation=None, se_gate="sigmoid", batch_norm=True):
    """MobileNetV2's inverted residual / EfficientNet's MBConv (see the PyTorch export); layers are named <name>_<local id>."""
    def conv(t, local, filters, k, s=1, depthwise=False):
        if k > 1:
            t = layers.ZeroPadding2D(k // 2, name=f"{name}_{local}_pad")(t)
        if depthwise:
            t = layers.DepthwiseConv2D(k, strides=s, use_bias=not batch_norm, name=f"{name}_{local}")(t)
        else:
            t = layers.Conv2D(filters, k, strides=s, use_bias=not batch_norm, name=f"{name}_{local}")(t)
        return layers.BatchNormalization(epsilon=1e-5, name=f"{name}_{local}_bn")(t) if batch_norm else t

    out = x
    if hidden != x.shape[-1]:
        out = block_activation(conv(out, "expand", hidden, 1), activation, f"{name}_expand_act")
    out = block_activation(conv(out, "dw", hidden, kernel, stride, depthwise=True), activation, f"{name}_dw_act")
    if se_channels:
        out = squeeze_excite(out, name, se_channels, se_activation or activation, se_gate, prefix="se_")
    out = conv(out, "project", filters, 1)
    return layers.Add(name=name)([out, x]) if stride == 1 and x.shape[-1] == filters else out
`;

/** The helper functions the file needs for the module types it uses, in definition order. */
export function kerasMobileHelpers(types: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (types.has('InvertedResidual') || types.has('SqueezeExcite')) out.push(BLOCK_ACTIVATION, SQUEEZE_EXCITE);
  if (types.has('InvertedResidual')) out.push(INVERTED_RESIDUAL);
  return out;
}

const tuple = (v: readonly number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
const pairArg = (v: readonly [number, number]) => (v[0] === v[1] ? String(v[0]) : tuple(v));

/** The Keras expression for one mobile module node (parsed params `p`) named `q` (a Python string literal) on `x`. */
export function kerasMobileModule(type: MobileModule, p: unknown, input: Shape, q: string, x: string): string {
  switch (type) {
    case 'SeparableConv': {
      const s = p as SeparableConvParams;
      const same = s.padding === 'same';
      const pads = resolvePads(s.padding, input[1], input[2], s.kernel, s.stride);
      const args = [String(s.filters), pairArg(pair(s.kernel))];
      if (pair(s.stride).some((v) => v !== 1)) args.push(`strides=${pairArg(pair(s.stride))}`);
      if (same) args.push('padding="same"');
      if (s.depthMultiplier !== 1) args.push(`depth_multiplier=${s.depthMultiplier}`);
      if (!s.bias) args.push('use_bias=False');
      const padded = same || pads.every((v) => v === 0) ? x : `layers.ZeroPadding2D(((${pads[0]}, ${pads[2]}), (${pads[1]}, ${pads[3]})), name=${q.slice(0, -1)}_pad")(${x})`;
      return `layers.SeparableConv2D(${args.join(', ')}, name=${q})(${padded})`;
    }
    case 'InvertedResidual': {
      const r = p as InvertedResidualParams;
      const args = [x, q, String(r.filters), String(hiddenChannels(r, input[0])), ...invertedResidualKeywords(r, input[0])];
      return `inverted_residual(${args.join(', ')})`;
    }
    case 'SqueezeExcite': {
      const s = p as SqueezeExciteParams;
      const args = [x, q, String(squeezeWidth(s, input[0])), ...squeezeExciteKeywords(s)];
      return `squeeze_excite(${args.join(', ')})`;
    }
  }
}
