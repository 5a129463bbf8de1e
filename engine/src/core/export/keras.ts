/**
 * Keras export: a standalone Python file building the same network with tf.keras (functional API,
 * channels-last). Layers are named after node ids exactly as the PyTorch export names its submodules
 * (inside modules: "<node>_<local id>"). Code only — no weights (TensorFlow cannot be installed here
 * to prove a weight file); its structure is checked against the PyTorch export's by the tests, and
 * it is checked to parse as Python. Isomorphic.
 *
 * Semantics kept: padding explicit (ZeroPadding2D, or −∞ padding for max/min pooling), "same" as
 * Keras' own "same" (both TensorFlow's rule), ceil-mode pooling as extra bottom/right padding, average
 * pooling that excludes padding via a pad-aware helper, min pooling as −maxpool(−x), Flatten in
 * channel-major order (a Permute first, so a Dense after it reads values in the same order as ours),
 * LRN through tf.nn.local_response_normalization with α/size.
 */
import type { ModelDocument } from '../document/schema';
import type { Analysis } from '../graph/types';
import { resolvePads } from '../ops/common';
import type { ActivationParams } from '../ops/activation';
import type { InceptionParams } from '../ops/inception';
import { usesProjection, type ResidualUnitParams } from '../ops/residual-unit';
import { zeroPads, type ZeroPad2DParams } from '../ops/zero-pad2d';
import { ops } from '../ops';
import { pair, type Pads, type Shape } from '../shape';
import { pythonClassName, pythonComment, pythonNames } from './python-names';
import { PyTorchExportError } from './pytorch';
import { kerasMobileHelpers, kerasMobileModule } from './keras-mobile';
import type { MobileModule } from './pytorch-mobile';

const tuple = (v: readonly number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
const pairArg = (v: readonly [number, number]) => (v[0] === v[1] ? String(v[0]) : tuple(v));
/** Keras' ((top, bottom), (left, right)) from our [top, left, bottom, right]. */
const kerasPad = (p: Pads) => `((${p[0]}, ${p[2]}), (${p[1]}, ${p[3]}))`;
const isZero = (p: Pads) => p.every((v) => v === 0);

const HELPERS = `def pad_hw(x, pads, value=0.0):
    """Pad height/width by ((top, bottom), (left, right)) with a constant (−inf for max pooling)."""
    (t, b), (l, r) = pads
    return tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]], constant_values=value)


def avg_pool_exclude_pad(x, pool_size, strides, pads):
    """Average pooling over explicit zero padding that divides by the number of real pixels."""
    ones = tf.ones_like(x[..., :1])
    total = tf.nn.avg_pool2d(pad_hw(x, pads), pool_size, strides, "VALID")
    count = tf.nn.avg_pool2d(pad_hw(ones, pads), pool_size, strides, "VALID")
    return total / count


def inception(x, name, c1x1, c3x3reduce, c3x3, c5x5reduce, c5x5, pool_proj):
    """GoogLeNet's inception module; layers are named <name>_<local id>."""
    conv = lambda filters, k, local: layers.Conv2D(filters, k, padding="same", activation="relu", name=f"{name}_{local}")
    b1 = conv(c1x1, 1, "b1_conv")(x)
    b2 = conv(c3x3, 3, "b2_conv")(conv(c3x3reduce, 1, "b2_reduce")(x))
    b3 = conv(c5x5, 5, "b3_conv")(conv(c5x5reduce, 1, "b3_reduce")(x))
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_b4_pool")(x)
    b4 = conv(pool_proj, 1, "b4_proj")(pooled)
    return layers.Concatenate(axis=-1, name=name)([b1, b2, b3, b4])


def residual_unit(x, name, filters, stride=1, bottleneck=False, pre_activation=False, projection=False, groups=1, width_per_group=64, batch_norm=True):
    """ResNet's residual unit (see the PyTorch export for the two forms); layers are named <name>_<local id>.
    A bottleneck's 3×3 may be grouped (ResNeXt) or widened (Wide ResNet); batch_norm=False: folded into conv biases."""
    out_channels = 4 * filters if bottleneck else filters
    width = filters * width_per_group // 64 * groups
    convs = [(width, 1, 1), (width, 3, stride), (out_channels, 1, 1)] if bottleneck else [(filters, 3, stride), (filters, 3, 1)]

    def conv(t, filters, k, s, local):
        if k == 3:
            t = layers.ZeroPadding2D(1, name=f"{name}_{local}_pad")(t)
        return layers.Conv2D(filters, k, strides=s, use_bias=not batch_norm, groups=groups if k == 3 and bottleneck else 1, name=f"{name}_{local}")(t)

    bn = lambda local: layers.BatchNormalization(epsilon=1e-5, name=f"{name}_{local}") if batch_norm else (lambda t: t)
    out, shortcut = x, x
    if pre_activation:
        for i, (f, k, s) in enumerate(convs, 1):
            out = layers.ReLU(name=f"{name}_relu{i}")(bn(f"bn{i}")(out))
            if i == 1 and projection:
                shortcut = conv(out, out_channels, 1, stride, "proj")
            out = conv(out, f, k, s, f"conv{i}")
        return layers.Add(name=name)([out, shortcut])
    for i, (f, k, s) in enumerate(convs, 1):
        out = bn(f"bn{i}")(conv(out, f, k, s, f"conv{i}"))
        if i < len(convs):
            out = layers.ReLU(name=f"{name}_relu{i}")(out)
    if projection:
        shortcut = bn("proj_bn")(conv(x, out_channels, 1, stride, "proj"))
    return layers.ReLU(name=name)(layers.Add(name=f"{name}_add")([out, shortcut]))
`;

function incomingSources(doc: ModelDocument, id: string): string[] {
  return doc.edges
    .map((e, order) => ({ e, order }))
    .filter(({ e }) => e.target === id)
    .sort((a, b) => (a.e.targetPort ?? Number.MAX_SAFE_INTEGER) - (b.e.targetPort ?? Number.MAX_SAFE_INTEGER) || a.order - b.order)
    .map(({ e }) => e.source);
}

/** Pads for a pooling layer including the extra bottom/right that ceil mode needs. */
function poolPads(p: any, input: Shape, output: Shape): Pads {
  const pads = resolvePads(p.padding, input[1], input[2], p.kernel, p.stride);
  const [kh, kw] = pair(p.kernel);
  const [sh, sw] = pair(p.stride);
  pads[2] += Math.max(0, (output[1] - 1) * sh + kh - (input[1] + pads[0] + pads[2]));
  pads[3] += Math.max(0, (output[2] - 1) * sw + kw - (input[2] + pads[1] + pads[3]));
  return pads;
}

/** An activation as a Keras layer; the ones Keras has no layer for (or a different one: its hard_sigmoid is 0.2x + 0.5) as PyTorch's formula. */
function activationLayer(p: ActivationParams, q: string, x: string): string {
  const lambda = (body: string) => `layers.Lambda(lambda t: ${body}, name=${q})(${x})`;
  switch (p.fn) {
    case 'relu':
      return `layers.ReLU(name=${q})(${x})`;
    case 'relu6':
      return `layers.ReLU(6.0, name=${q})(${x})`;
    case 'leaky_relu':
      return `layers.LeakyReLU(${p.alpha}, name=${q})(${x})`;
    case 'identity':
      return `layers.Activation("linear", name=${q})(${x})`;
    case 'silu':
      return `layers.Activation("swish", name=${q})(${x})`;
    case 'hardsigmoid':
      return lambda('tf.nn.relu6(t + 3.0) / 6.0');
    case 'hardswish':
      return lambda('t * tf.nn.relu6(t + 3.0) / 6.0');
    case 'gelu':
      return lambda('tf.nn.gelu(t, approximate=False)');
    case 'mish':
      return lambda('t * tf.math.tanh(tf.math.softplus(t))');
    case 'clip':
      return lambda(p.min !== undefined && p.max !== undefined ? `tf.clip_by_value(t, ${pyNumber(p.min)}, ${pyNumber(p.max)})` : p.min !== undefined ? `tf.maximum(t, ${pyNumber(p.min)})` : p.max !== undefined ? `tf.minimum(t, ${pyNumber(p.max)})` : 't');
    default:
      return `layers.Activation(${JSON.stringify(p.fn)}, name=${q})(${x})`;
  }
}

/** A float literal (tf.clip_by_value needs the bounds in the tensor's float type). */
const pyNumber = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));

export function exportKeras(doc: ModelDocument, analysis: Analysis): { code: string; functionName: string } {
  if (!analysis.valid) throw new PyTorchExportError('invalid-graph', 'The model has errors, so it cannot be exported to Keras.');
  const prims = analysis.primitives;
  const order = analysis.order.filter((id) => prims.outputOf[id]);
  const names = pythonNames(order);
  const nodeById = new Map(doc.nodes.map((n) => [n.id, n]));
  const hasOutgoing = new Set(doc.edges.map((e) => e.source));
  const lines: string[] = [];
  const inputs: string[] = [];
  for (const id of order) {
    const node = nodeById.get(id)!;
    const name = names.get(id)!;
    const q = JSON.stringify(name);
    const srcs = incomingSources(doc, id).map((s) => names.get(s)!);
    const x = srcs[0];
    const info = analysis.nodes[id];
    const inShape = info.inputShapes[0] as Shape;
    const p: any = ops.get(node.type)!.params.parse(node.params);
    let expr: string;
    switch (node.type) {
      case 'Input':
        inputs.push(name);
        expr = `keras.Input(shape=${tuple([info.outputShape![1], info.outputShape![2], info.outputShape![0]])}, name=${q})`;
        break;
      case 'Conv2D': {
        const pads = resolvePads(p.padding, inShape[1], inShape[2], p.kernel, p.stride, p.dilation);
        const same = p.padding === 'same';
        const args = [String(p.filters), pairArg(pair(p.kernel))];
        if (pair(p.stride).some((v) => v !== 1)) args.push(`strides=${pairArg(pair(p.stride))}`);
        if (same) args.push('padding="same"');
        if (pair(p.dilation).some((v) => v !== 1)) args.push(`dilation_rate=${pairArg(pair(p.dilation))}`);
        if (p.groups !== 1) args.push(`groups=${p.groups}`);
        if (!p.bias) args.push('use_bias=False');
        const src = same || isZero(pads) ? x : `layers.ZeroPadding2D(${kerasPad(pads)}, name=${JSON.stringify(`${name}_pad`)})(${x})`;
        expr = `layers.Conv2D(${args.join(', ')}, name=${q})(${src})`;
        break;
      }
      case 'Dense':
        expr = `layers.Dense(${p.units}${p.bias ? '' : ', use_bias=False'}, name=${q})(${inShape.length === 1 ? x : `layers.Flatten(name=${JSON.stringify(`${name}_flatten`)})(${x})`})`;
        break;
      case 'BatchNorm':
        expr = `layers.BatchNormalization(epsilon=${p.epsilon}, name=${q})(${x})`;
        break;
      case 'LRN':
        expr = `layers.Lambda(lambda t: tf.nn.local_response_normalization(t, depth_radius=${Math.floor(p.size / 2)}, bias=${p.bias}, alpha=${p.alpha} / ${p.size}, beta=${p.beta}), name=${q})(${x})`;
        break;
      case 'Pool2D': {
        const pads = poolPads(p, inShape, info.outputShape!);
        const win = `${pairArg(pair(p.kernel))}, strides=${pairArg(pair(p.stride))}`;
        if (p.mode === 'avg') {
          expr = isZero(pads)
            ? `layers.AveragePooling2D(${win}, name=${q})(${x})`
            : p.countIncludePad
              ? `layers.AveragePooling2D(${win}, name=${q})(layers.ZeroPadding2D(${kerasPad(pads)})(${x}))`
              : `layers.Lambda(lambda t: avg_pool_exclude_pad(t, ${tuple(pair(p.kernel))}, ${tuple(pair(p.stride))}, ${kerasPad(pads)}), name=${q})(${x})`;
        } else {
          const sign = p.mode === 'min' ? '-' : '';
          const padded = isZero(pads) ? `${sign}t` : `pad_hw(${sign}t, ${kerasPad(pads)}, float("-inf"))`;
          expr = `layers.Lambda(lambda t: ${sign}tf.nn.max_pool2d(${padded}, ${tuple(pair(p.kernel))}, ${tuple(pair(p.stride))}, "VALID"), name=${q})(${x})`;
          if (p.mode === 'max' && isZero(pads)) expr = `layers.MaxPooling2D(${win}, name=${q})(${x})`;
        }
        break;
      }
      case 'GlobalPool':
        expr = `layers.Global${p.mode === 'max' ? 'Max' : 'Average'}Pooling2D(keepdims=True, name=${q})(${x})`;
        break;
      case 'Activation':
        expr = activationLayer(p as ActivationParams, q, x);
        break;
      case 'Flatten':
        // Channel-major, as ours: (H, W, C) → (C, H, W) before flattening.
        expr = inShape.length === 3 ? `layers.Flatten(name=${q})(layers.Permute((3, 1, 2))(${x}))` : `layers.Flatten(name=${q})(${x})`;
        break;
      case 'Dropout':
        expr = `layers.Dropout(${p.rate}, name=${q})(${x})`;
        break;
      case 'Softmax':
        expr = `layers.Softmax(axis=-1, name=${q})(${x})`;
        break;
      case 'ZeroPad2D':
        expr = `layers.ZeroPadding2D(${kerasPad(zeroPads(p as ZeroPad2DParams))}, name=${q})(${x})`;
        break;
      case 'Concat':
        expr = `layers.Concatenate(axis=-1, name=${q})([${srcs.join(', ')}])`;
        break;
      case 'Add':
        expr = `layers.Add(name=${q})([${srcs.join(', ')}])`;
        break;
      case 'Multiply':
        expr = `layers.Multiply(name=${q})([${srcs.join(', ')}])`;
        break;
      case 'ChannelScale': {
        // The gate (1×1×C, or C after Dense) broadcasts over H×W.
        const gate = info.inputShapes[1]?.length === 1 ? `layers.Reshape((1, 1, -1), name=${JSON.stringify(`${name}_gate`)})(${srcs[1]})` : srcs[1];
        expr = `layers.Multiply(name=${q})([${srcs[0]}, ${gate}])`;
        break;
      }
      case 'ChannelSlice':
        expr = `layers.Lambda(lambda t: t[..., ${p.start}:${p.end}], name=${q})(${x})`;
        break;
      case 'ChannelShuffle': {
        // Channels-last: (H, W, C) → (H, W, g, C/g) → swap the group axes → (H, W, C).
        const [c, h, w] = inShape;
        expr = `layers.Lambda(lambda t: tf.reshape(tf.transpose(tf.reshape(t, [-1, ${h}, ${w}, ${p.groups}, ${c / p.groups}]), [0, 1, 2, 4, 3]), [-1, ${h}, ${w}, ${c}]), name=${q})(${x})`;
        break;
      }
      case 'Inception': {
        const c = p as InceptionParams;
        expr = `inception(${x}, ${q}, ${c.c1x1}, ${c.c3x3reduce}, ${c.c3x3}, ${c.c5x5reduce}, ${c.c5x5}, ${c.poolProj})`;
        break;
      }
      case 'ResidualUnit': {
        const r = p as ResidualUnitParams;
        const args = [x, q, String(r.filters)];
        if (r.stride !== 1) args.push(`stride=${r.stride}`);
        if (r.block === 'bottleneck') args.push('bottleneck=True');
        if (r.preActivation) args.push('pre_activation=True');
        if (usesProjection(r, inShape)) args.push('projection=True');
        if (r.block === 'bottleneck' && (r.groups ?? 1) !== 1) args.push(`groups=${r.groups}`);
        if (r.block === 'bottleneck' && (r.widthPerGroup ?? 64) !== 64) args.push(`width_per_group=${r.widthPerGroup}`);
        if (r.batchNorm === false && !r.preActivation) args.push('batch_norm=False');
        expr = `residual_unit(${args.join(', ')})`;
        break;
      }
      case 'SeparableConv':
      case 'InvertedResidual':
      case 'SqueezeExcite':
        expr = kerasMobileModule(node.type as MobileModule, p, inShape, q, x);
        break;
      default:
        throw new PyTorchExportError('unsupported-op', `Node "${id}" has type ${node.type}, which the Keras export does not know.`);
    }
    lines.push(`    ${name} = ${expr}`);
  }
  const outputs = order.filter((id) => !hasOutgoing.has(id) && nodeById.get(id)!.type !== 'Input').map((id) => names.get(id)!);
  const fn = `build_${doc.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'model'}`;
  const code = [
    `# ${pythonComment(doc.name)} — tf.keras model generated by CNN Studio (channels-last: N×H×W×C).`,
    `# Structure only (no weights); layer names match the PyTorch export's submodule names.`,
    `# Run: python3 model_keras.py   (builds the model and prints its summary and one output shape)`,
    '',
    'import numpy as np',
    'import tensorflow as tf',
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    '',
    HELPERS,
    ...kerasMobileHelpers(new Set(doc.nodes.map((n) => n.type))).flatMap((h) => ['', h]),
    '',
    `def ${fn}():`,
    ...lines,
    `    return keras.Model(inputs=[${inputs.join(', ')}], outputs=[${outputs.join(', ')}], name=${JSON.stringify(pythonClassName(doc.name))})`,
    '',
    '',
    'if __name__ == "__main__":',
    `    model = ${fn}()`,
    '    model.summary()',
    '    xs = [np.random.randn(1, *t.shape[1:]).astype("float32") for t in model.inputs]',
    '    print("output shape:", [tuple(y.shape) for y in model(xs if len(xs) > 1 else xs[0], training=False)] if len(model.outputs) > 1 else tuple(model(xs[0], training=False).shape))',
    '',
  ].join('\n');
  return { code, functionName: fn };
}
