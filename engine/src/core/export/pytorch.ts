/**
 * PyTorch export: a readable, standalone Python file defining an `nn.Module` that mirrors the
 * document graph, plus (optionally) the engine's weights as a `torch.save` state dict.
 *
 * Mapping (the state dict keys follow from it):
 *  - every document node with weights becomes a submodule named after its id (sanitised):
 *    Conv2D → nn.Conv2d, Dense → nn.Linear, BatchNorm → nn.BatchNorm2d/1d, LRN → nn.LocalResponseNorm;
 *  - Inception and ResidualUnit (and SeparableConv, InvertedResidual, SqueezeExcite: pytorch-mobile.ts)
 *    are small reusable classes whose submodules carry our local ids
 *    (b1_conv, conv1, bn1, proj, proj_bn …), so `<node>.<local>.<param>` ↔ weights["<local>.<name>"];
 *  - weight names: kernel → weight, bias → bias; BN scale → weight, bias → bias, mean → running_mean,
 *    var → running_var (+ num_batches_tracked = 0);
 *  - everything weightless is a functional call in `forward` (pools, activations, concat, add …);
 *    padding is always explicit: symmetric padding as the layer's `padding=`, asymmetric ("same"
 *    with an even kernel or a stride) as an F.pad before the layer; min pooling is -max_pool(-x);
 *  - a final Softmax (the one output) is applied in `forward` to a `logits()` method that holds the
 *    rest of the graph, so a loss can be computed on the scores before it (F.cross_entropy).
 * Isomorphic: no Node APIs.
 */
import type { ModelDocument } from '../document/schema';
import type { Analysis, PrimitiveNode } from '../graph/types';
import { resolvePads } from '../ops/common';
import { usesProjection, type ResidualUnitParams } from '../ops/residual-unit';
import type { ActivationParams } from '../ops/activation';
import type { InceptionParams } from '../ops/inception';
import { zeroPads, type ZeroPad2DParams } from '../ops/zero-pad2d';
import { pair, type Pads, type Shape } from '../shape';
import { resolveWeights } from '../weights/resolve';
import { DEFAULT_SEED } from '../weights/seeded';
import { torchSaveStateDict, type StateTensor } from './torch-save';
import { pythonClassName, pythonComment, pythonNames } from './python-names';
import { ops } from '../ops';
import { mobileHelperSources, pytorchMobileModule, type MobileModule } from './pytorch-mobile';

export interface PyTorchExportOptions {
  /** Weight seed (document seed when absent). */
  seed?: number;
  /** Also produce the state dict (default true). */
  weights?: boolean;
  /** The document's binary weights sidecar, when its weights use `sidecar` ranges. */
  sidecar?: Uint8Array;
}

export interface PyTorchExport {
  /** The Python source (model.py). */
  code: string;
  /** `torch.save(state_dict)` bytes (model.pt), when weights were asked for. */
  weights?: Uint8Array;
  /** The generated nn.Module class name. */
  className: string;
  /**
   * When the model's one output is a Softmax: the name of the method returning the scores before it
   * ("logits", unless a submodule took that name); `forward` returns their softmax.
   */
  logits?: string;
}

export class PyTorchExportError extends Error {
  constructor(
    readonly code: 'invalid-graph' | 'unsupported-op',
    message: string,
  ) {
    super(message);
    this.name = 'PyTorchExportError';
  }
}

/** PyTorch's name for each of our weight names, by primitive type. */
const TORCH_PARAM: Record<string, Record<string, string>> = {
  Conv2D: { kernel: 'weight', bias: 'bias' },
  Dense: { kernel: 'weight', bias: 'bias' },
  BatchNorm: { scale: 'weight', bias: 'bias', mean: 'running_mean', var: 'running_var' },
};

/** The state dict key of one of our weights: "<node>.<param>" or "<node>.<local id>.<param>". */
export function torchStateKey(prim: PrimitiveNode, weightName: string, moduleName: string): string {
  const param = TORCH_PARAM[prim.type]?.[weightName];
  if (!param) throw new PyTorchExportError('unsupported-op', `No PyTorch name for weight "${weightName}" of ${prim.type} "${prim.id}".`);
  const local = prim.id === prim.owner ? '' : `${prim.id.slice(prim.owner.length + 1)}.`;
  return `${moduleName}.${local}${param}`;
}

const tuple = (v: readonly number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
/** 3 for (3, 3), (1, 7) otherwise. */
const pairArg = (v: readonly [number, number]) => (v[0] === v[1] ? String(v[0]) : tuple(v));
/** F.pad's order for [top, left, bottom, right]: (left, right, top, bottom). */
const torchPad = (p: Pads) => tuple([p[1], p[3], p[0], p[2]]);
const isZero = (p: Pads) => p.every((v) => v === 0);
const isSymmetric = (p: Pads) => p[0] === p[2] && p[1] === p[3];

const INCEPTION_CLASS = `class Inception(nn.Module):
    """GoogLeNet's inception module: 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max pool→1×1 branches, each
    convolution followed by ReLU, concatenated along channels."""

    def __init__(self, in_channels, c1x1, c3x3reduce, c3x3, c5x5reduce, c5x5, pool_proj):
        super().__init__()
        self.b1_conv = nn.Conv2d(in_channels, c1x1, 1)
        self.b2_reduce = nn.Conv2d(in_channels, c3x3reduce, 1)
        self.b2_conv = nn.Conv2d(c3x3reduce, c3x3, 3, padding=1)
        self.b3_reduce = nn.Conv2d(in_channels, c5x5reduce, 1)
        self.b3_conv = nn.Conv2d(c5x5reduce, c5x5, 5, padding=2)
        self.b4_proj = nn.Conv2d(in_channels, pool_proj, 1)

    def forward(self, x):
        b1 = F.relu(self.b1_conv(x))
        b2 = F.relu(self.b2_conv(F.relu(self.b2_reduce(x))))
        b3 = F.relu(self.b3_conv(F.relu(self.b3_reduce(x))))
        b4 = F.relu(self.b4_proj(F.max_pool2d(x, 3, stride=1, padding=1)))
        return torch.cat([b1, b2, b3, b4], 1)
`;

const RESIDUAL_CLASS = `class ResidualUnit(nn.Module):
    """ResNet's residual unit, basic (3×3, 3×3) or bottleneck (1×1, 3×3, 1×1 with 4× the filters out),
    stride on the 3×3 convolution. Original form: conv→BN→ReLU …→conv→BN, + shortcut, ReLU.
    Pre-activation form: BN→ReLU→conv …, + shortcut (a projection reads the pre-activated input).
    The shortcut is a 1×1 convolution ("proj", with BN "proj_bn" in the original form) or the identity.
    batch_norm=False (original form): batch norm folded into the convolutions, which then have biases."""

    def __init__(self, in_channels, filters, stride=1, bottleneck=False, pre_activation=False, projection=False, groups=1, width_per_group=64, batch_norm=True):
        super().__init__()
        out_channels = 4 * filters if bottleneck else filters
        if bottleneck:  # (in, out, kernel, stride, padding) of conv1, conv2, conv3; ResNeXt groups the 3×3
            width = filters * width_per_group // 64 * groups
            convs = [(in_channels, width, 1, 1, 0), (width, width, 3, stride, 1), (width, out_channels, 1, 1, 0)]
        else:
            convs = [(in_channels, filters, 3, stride, 1), (filters, filters, 3, 1, 1)]
        self.depth = len(convs)
        self.pre_activation = pre_activation
        self.projection = projection
        self.batch_norm = batch_norm
        for i, (cin, cout, k, s, p) in enumerate(convs, 1):
            setattr(self, f"conv{i}", nn.Conv2d(cin, cout, k, stride=s, padding=p, bias=not batch_norm, groups=groups if k == 3 and bottleneck else 1))
            if batch_norm:
                setattr(self, f"bn{i}", nn.BatchNorm2d(cin if pre_activation else cout))
        if projection:
            self.proj = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=not batch_norm)
            if batch_norm and not pre_activation:
                self.proj_bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        conv = lambda i: getattr(self, f"conv{i}")
        bn = lambda i: getattr(self, f"bn{i}") if self.batch_norm else nn.Identity()
        if self.pre_activation:
            out, shortcut = x, x
            for i in range(1, self.depth + 1):
                out = F.relu(bn(i)(out))
                if i == 1 and self.projection:
                    shortcut = self.proj(out)
                out = conv(i)(out)
            return out + shortcut
        out = x
        for i in range(1, self.depth + 1):
            out = bn(i)(conv(i)(out))
            if i < self.depth:
                out = F.relu(out)
        shortcut = (self.proj_bn(self.proj(x)) if self.batch_norm else self.proj(x)) if self.projection else x
        return F.relu(out + shortcut)
`;

const AVG_EXCLUDE_PAD_FN = `def avg_pool_exclude_pad(x, kernel, stride, pad, ceil_mode=False):
    """Average pooling over explicit zero padding pad = (left, right, top, bottom) that, like
    count_include_pad=False, divides each window by its number of real (unpadded) pixels."""
    ones = torch.ones_like(x[:, :1])
    total = F.avg_pool2d(F.pad(x, pad), kernel, stride, ceil_mode=ceil_mode)
    count = F.avg_pool2d(F.pad(ones, pad), kernel, stride, ceil_mode=ceil_mode)
    return total / count
`;

interface Emitted {
  /** `self.<name> = …` in __init__, if the node is a submodule. */
  module?: string;
  /** The expression computing the node's output in forward. */
  expr: string;
}

/** The document's incoming sources of a node, in port order (as analyze orders them). */
function incomingSources(doc: ModelDocument, id: string): string[] {
  return doc.edges
    .map((e, order) => ({ e, order }))
    .filter(({ e }) => e.target === id)
    .sort((a, b) => (a.e.targetPort ?? Number.MAX_SAFE_INTEGER) - (b.e.targetPort ?? Number.MAX_SAFE_INTEGER) || a.order - b.order)
    .map(({ e }) => e.source);
}

/** Python for one pooling primitive on `x`. Needs `helpers` to note the avg-exclude-pad helper. */
function poolExpr(x: string, p: any, input: Shape, helpers: Set<string>): string {
  const k = pair(p.kernel);
  const s = pair(p.stride);
  const pads = resolvePads(p.padding, input[1], input[2], p.kernel, p.stride);
  // PyTorch pools accept only symmetric padding of at most half the kernel.
  const native = isSymmetric(pads) && pads[0] <= Math.floor(k[0] / 2) && pads[1] <= Math.floor(k[1] / 2);
  const ceil = p.ceil ? ', ceil_mode=True' : '';
  const win = `${pairArg(k)}, stride=${pairArg(s)}`;
  if (p.mode === 'max' || p.mode === 'min') {
    const src = p.mode === 'min' ? `-${x}` : x;
    const body = isZero(pads)
      ? `F.max_pool2d(${src}, ${win}${ceil})`
      : native
        ? `F.max_pool2d(${src}, ${win}, padding=${pairArg([pads[0], pads[1]])}${ceil})`
        : `F.max_pool2d(F.pad(${src}, ${torchPad(pads)}, value=float("-inf")), ${win}${ceil})`;
    return p.mode === 'min' ? `-${body}` : body;
  }
  if (isZero(pads)) return `F.avg_pool2d(${x}, ${win}${ceil})`;
  if (native) return `F.avg_pool2d(${x}, ${win}, padding=${pairArg([pads[0], pads[1]])}${ceil}, count_include_pad=${p.countIncludePad ? 'True' : 'False'})`;
  if (p.countIncludePad) return `F.avg_pool2d(F.pad(${x}, ${torchPad(pads)}), ${win}${ceil})`;
  helpers.add('avg_pool_exclude_pad');
  return `avg_pool_exclude_pad(${x}, ${pairArg(k)}, ${pairArg(s)}, ${torchPad(pads)}${p.ceil ? ', ceil_mode=True' : ''})`;
}

function activationExpr(x: string, p: ActivationParams): string {
  switch (p.fn) {
    case 'relu':
      return `F.relu(${x})`;
    case 'leaky_relu':
      return `F.leaky_relu(${x}, negative_slope=${p.alpha})`;
    case 'sigmoid':
      return `torch.sigmoid(${x})`;
    case 'tanh':
      return `torch.tanh(${x})`;
    case 'relu6':
      return `F.relu6(${x})`;
    case 'silu':
      return `F.silu(${x})`;
    case 'hardswish':
      return `F.hardswish(${x})`;
    case 'hardsigmoid':
      return `F.hardsigmoid(${x})`;
    case 'gelu':
      return `F.gelu(${x})`;
    case 'mish':
      return `F.mish(${x})`;
    case 'clip': {
      const bounds = [p.min === undefined ? '' : `min=${p.min}`, p.max === undefined ? '' : `max=${p.max}`].filter(Boolean);
      return bounds.length ? `torch.clamp(${x}, ${bounds.join(', ')})` : x;
    }
    case 'identity':
      return x;
  }
}

/** Generate model.py (and model.pt) for a valid document and its analysis. */
export function exportPyTorch(doc: ModelDocument, analysis: Analysis, options: PyTorchExportOptions = {}): PyTorchExport {
  if (!analysis.valid) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error');
    throw new PyTorchExportError('invalid-graph', `The model has errors, so it cannot be exported to PyTorch${first ? `: ${first.message}` : '.'}`);
  }
  const prims = analysis.primitives;
  const primById = new Map(prims.nodes.map((p) => [p.id, p]));
  const order = analysis.order.filter((id) => prims.outputOf[id]);
  const names = pythonNames(order);
  const nodeById = new Map(doc.nodes.map((n) => [n.id, n]));
  const helpers = new Set<string>();
  const init: string[] = [];
  const forward: string[] = [];
  const inputs: { name: string; shape: Shape }[] = [];
  const hasOutgoing = new Set(doc.edges.map((e) => e.source));
  /** Each node's line in `forward`, by id. */
  const lineOf = new Map<string, number>();

  for (const id of order) {
    const node = nodeById.get(id)!;
    const name = names.get(id)!;
    const srcs = incomingSources(doc, id).map((s) => names.get(s)!);
    const x = srcs[0];
    const self = `self.${name}`;
    const own = primById.get(id); // the primitive itself (undefined for composites)
    const info = analysis.nodes[id];
    const inShape = info.inputShapes[0] as Shape;
    let e: Emitted;
    switch (node.type) {
      case 'Input': {
        inputs.push({ name, shape: info.outputShape! });
        continue;
      }
      case 'Conv2D': {
        const p = own!.params;
        const pads = resolvePads(p.padding, inShape[1], inShape[2], p.kernel, p.stride, p.dilation);
        const args = [String(inShape[0]), String(p.filters), pairArg(pair(p.kernel))];
        if (pair(p.stride).some((v) => v !== 1)) args.push(`stride=${pairArg(pair(p.stride))}`);
        if (!isZero(pads) && isSymmetric(pads)) args.push(`padding=${pairArg([pads[0], pads[1]])}`);
        if (pair(p.dilation).some((v) => v !== 1)) args.push(`dilation=${pairArg(pair(p.dilation))}`);
        if (p.groups !== 1) args.push(`groups=${p.groups}`);
        if (!p.bias) args.push('bias=False');
        const padded = isSymmetric(pads) ? x : `F.pad(${x}, ${torchPad(pads)})`;
        e = { module: `nn.Conv2d(${args.join(', ')})`, expr: `${self}(${padded})` };
        break;
      }
      case 'Dense': {
        const p = own!.params;
        const n = own!.weights[0].shape[1];
        e = { module: `nn.Linear(${n}, ${p.units}${p.bias ? '' : ', bias=False'})`, expr: `${self}(${inShape.length === 1 ? x : `torch.flatten(${x}, 1)`})` };
        break;
      }
      case 'BatchNorm': {
        const eps = own!.params.epsilon === 1e-5 ? '' : `, eps=${own!.params.epsilon}`;
        e = { module: `nn.BatchNorm${inShape.length === 1 ? '1d' : '2d'}(${inShape[0]}${eps})`, expr: `${self}(${x})` };
        break;
      }
      case 'LRN': {
        const p = own!.params;
        e = { module: `nn.LocalResponseNorm(${p.size}, alpha=${p.alpha}, beta=${p.beta}, k=${p.bias})`, expr: `${self}(${x})` };
        break;
      }
      case 'Pool2D':
        e = { expr: poolExpr(x, own!.params, inShape, helpers) };
        break;
      case 'GlobalPool':
        e = { expr: own!.params.mode === 'max' ? `${x}.amax((2, 3), keepdim=True)` : `${x}.mean((2, 3), keepdim=True)` };
        break;
      case 'Activation':
        e = { expr: activationExpr(x, own!.params) };
        break;
      case 'Flatten':
        e = { expr: `torch.flatten(${x}, 1)` };
        break;
      case 'Dropout':
        e = { expr: `F.dropout(${x}, p=${own!.params.rate}, training=self.training)` };
        break;
      case 'Softmax':
        e = { expr: `F.softmax(${x}, dim=1)` };
        break;
      case 'ZeroPad2D':
        e = { expr: `F.pad(${x}, ${torchPad(zeroPads(own!.params as ZeroPad2DParams))})` };
        break;
      case 'Concat':
        e = { expr: `torch.cat([${srcs.join(', ')}], 1)` };
        break;
      case 'Add':
        e = { expr: srcs.join(' + ') };
        break;
      case 'Multiply':
      case 'ChannelScale': // the C×1×1 gate broadcasts over H×W (a [C] gate is viewed as C×1×1)
        e = { expr: `${srcs[0]} * ${node.type === 'ChannelScale' && info.inputShapes[1]?.length === 1 ? `${srcs[1]}[:, :, None, None]` : srcs[1]}` };
        break;
      case 'ChannelSlice':
        e = { expr: `${x}[:, ${own!.params.start}:${own!.params.end}]` };
        break;
      case 'ChannelShuffle':
        // [N, C, H, W] → [N, g, C/g, H, W] → swap the group axes → [N, C, H, W] (torchvision's channel_shuffle)
        e = { expr: `torch.flatten(${x}.unflatten(1, (${own!.params.groups}, ${inShape[0] / own!.params.groups})).transpose(1, 2), 1, 2)` };
        break;
      case 'Inception': {
        helpers.add('Inception');
        const p = ops.get('Inception')!.params.parse(node.params) as InceptionParams;
        e = { module: `Inception(${inShape[0]}, ${p.c1x1}, ${p.c3x3reduce}, ${p.c3x3}, ${p.c5x5reduce}, ${p.c5x5}, ${p.poolProj})`, expr: `${self}(${x})` };
        break;
      }
      case 'ResidualUnit': {
        helpers.add('ResidualUnit');
        const p = ops.get('ResidualUnit')!.params.parse(node.params) as ResidualUnitParams;
        const args = [String(inShape[0]), String(p.filters)];
        if (p.stride !== 1) args.push(`stride=${p.stride}`);
        if (p.block === 'bottleneck') args.push('bottleneck=True');
        if (p.preActivation) args.push('pre_activation=True');
        if (usesProjection(p, inShape)) args.push('projection=True');
        if (p.block === 'bottleneck' && (p.groups ?? 1) !== 1) args.push(`groups=${p.groups}`);
        if (p.block === 'bottleneck' && (p.widthPerGroup ?? 64) !== 64) args.push(`width_per_group=${p.widthPerGroup}`);
        if (p.batchNorm === false && !p.preActivation) args.push('batch_norm=False');
        e = { module: `ResidualUnit(${args.join(', ')})`, expr: `${self}(${x})` };
        break;
      }
      case 'SeparableConv':
      case 'InvertedResidual':
      case 'SqueezeExcite': {
        const m = pytorchMobileModule(node.type as MobileModule, ops.get(node.type)!.params.parse(node.params), inShape, self, x);
        m.helpers.forEach((h) => helpers.add(h));
        e = { module: m.module, expr: m.expr };
        break;
      }
      default:
        throw new PyTorchExportError('unsupported-op', `Node "${id}" has type ${node.type}, which the PyTorch export does not know.`);
    }
    const comment = node.label ? `  # ${pythonComment(node.label)}` : '';
    if (e.module) init.push(`        self.${name} = ${e.module}${comment}`);
    lineOf.set(id, forward.length);
    forward.push(`        ${name} = ${e.expr}${e.module ? '' : comment}`);
  }

  const outputIds = order.filter((id) => !hasOutgoing.has(id) && nodeById.get(id)!.type !== 'Input');
  const outputs = outputIds.map((id) => names.get(id)!);
  if (inputs.length === 0 || outputs.length === 0) throw new PyTorchExportError('invalid-graph', 'The model has no connected input and output to export.');
  const inputArgs = inputs.map((i) => i.name).join(', ');
  let methods: string[];
  let logits: string | undefined;
  const finalSoftmax = outputIds.length === 1 && nodeById.get(outputIds[0])!.type === 'Softmax' ? outputIds[0] : undefined;
  if (finalSoftmax) {
    // forward = softmax(logits(x)); logits() holds the rest of the graph.
    const taken = new Set(names.values());
    logits = 'logits';
    while (taken.has(logits)) logits = `${logits}_`;
    const line = forward.splice(lineOf.get(finalSoftmax)!, 1)[0];
    const comment = line.includes('  # ') ? line.slice(line.indexOf('  # ')) : '';
    methods = [
      `    def forward(self, ${inputArgs}):`,
      `        return F.softmax(self.${logits}(${inputArgs}), dim=1)${comment}`,
      '',
      `    def ${logits}(self, ${inputArgs}):`,
      `        """The scores before the final softmax (what F.cross_entropy takes); forward returns their softmax."""`,
      ...forward,
      `        return ${names.get(incomingSources(doc, finalSoftmax)[0])}`,
      '',
    ];
  } else {
    methods = [`    def forward(self, ${inputArgs}):`, ...forward, `        return ${outputs.join(', ')}`, ''];
  }

  const className = pythonClassName(doc.name);
  const params = analysis.totals.params;
  const head = [
    `# ${pythonComment(doc.name)} — PyTorch model generated by CNN Studio.`,
    ...(doc.description ? [`# ${pythonComment(doc.description)}`] : []),
    `#`,
    `# Input${inputs.length > 1 ? 's' : ''}: ${inputs.map((i) => `${i.name} N×${i.shape.join('×')}`).join(', ')}. Trainable parameters: ${params.toLocaleString('en-US')}.`,
    `# Run:  python3 model.py [model.pt]   (prints the output shape of one random input)`,
    `# Load: model = ${className}(); model.load_state_dict(torch.load("model.pt")); model.eval()`,
    ...(logits ? [`# Scores before the final softmax: model.${logits}(x) (forward returns their softmax).`] : []),
    '',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
  ];
  const parts = [head.join('\n')];
  if (helpers.has('avg_pool_exclude_pad')) parts.push(AVG_EXCLUDE_PAD_FN);
  if (helpers.has('Inception')) parts.push(INCEPTION_CLASS);
  if (helpers.has('ResidualUnit')) parts.push(RESIDUAL_CLASS);
  parts.push(...mobileHelperSources(helpers));
  parts.push(
    [
      `class ${className}(nn.Module):`,
      `    def __init__(self):`,
      `        super().__init__()`,
      ...(init.length ? init : ['        pass']),
      '',
      ...methods,
    ].join('\n'),
  );
  const randomInputs = inputs.map((i) => `torch.randn(1, ${i.shape.join(', ')})`).join(', ');
  parts.push(
    [
      `if __name__ == "__main__":`,
      `    import sys`,
      ``,
      `    model = ${className}().eval()`,
      `    if len(sys.argv) > 1:`,
      `        model.load_state_dict(torch.load(sys.argv[1]))`,
      `    print("parameters:", sum(p.numel() for p in model.parameters()))`,
      `    with torch.no_grad():`,
      `        y = model(${randomInputs})`,
      `    print("output shape:", ${outputs.length === 1 ? 'tuple(y.shape)' : '[tuple(t.shape) for t in y]'})`,
      '',
    ].join('\n'),
  );
  const code = parts.join('\n\n');
  const result: PyTorchExport = { code, className, ...(logits ? { logits } : {}) };
  if (options.weights !== false) result.weights = exportStateDict(doc, analysis, names, options);
  return result;
}

/** The state dict for the exported module: the weights the engine runs with (inline or seeded). */
function exportStateDict(doc: ModelDocument, analysis: Analysis, names: Map<string, string>, options: PyTorchExportOptions): Uint8Array {
  const seeded: ModelDocument = { ...doc, seed: options.seed ?? doc.seed ?? DEFAULT_SEED };
  const entries: [string, StateTensor][] = [];
  for (const prim of analysis.primitives.nodes) {
    if (prim.weights.length === 0) continue;
    const values = resolveWeights(seeded, prim, options.sidecar);
    const moduleName = names.get(prim.owner)!;
    for (const spec of prim.weights) {
      entries.push([torchStateKey(prim, spec.name, moduleName), { data: values[spec.name], shape: spec.shape }]);
    }
    if (prim.type === 'BatchNorm') {
      entries.push([torchStateKey(prim, 'mean', moduleName).replace(/running_mean$/, 'num_batches_tracked'), { data: new BigInt64Array(1), shape: [] }]);
    }
  }
  return torchSaveStateDict(entries);
}
