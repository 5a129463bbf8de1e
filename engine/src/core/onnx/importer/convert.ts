/**
 * ONNX graph → a document of primitive CNN Studio nodes, op by op, with shapes inferred as we go
 * (by our own op registry) from the input's size (the file's, or the inputShape given where the
 * file leaves it symbolic); nodes that read only constants are computed (constant-fold.ts: shape
 * arithmetic, F.pad's pads). Every refusal is an OnnxImportError naming the op and the node.
 */
import { WeightStore } from './weight-store';
import { MODEL_FORMAT, MODEL_VERSION, RESERVED_NODE_IDS, type ModelDocument, type ModelNode, type TensorData } from '../../document/schema';
import { ops } from '../../ops';
import { LIMITS } from '../../ops/common';
import { formatShape, numel, type Shape } from '../../shape';
import type { GraphProto, NodeProto, TensorShapeDimension } from '../proto';
import { Attributes } from './attributes';
import { OnnxImportError, type ImportProblem } from './errors';
import { DEFAULT_INPUT_SHAPE, formatInputShape, type InputShape } from '../input-shape';
import { matchChannelShuffle, matchGatedSelf, matchGelu, matchMish, type Match, type PatternView } from './patterns';
import { asFloat, asInts, checkDims, readTensor, type ConstTensor, type ExternalDataReader } from './tensors';
import { FOLDABLE_OPS, FoldRefusal, foldConstant, shapeOf } from './constant-fold';

/** A value of the ONNX graph: computed from the image (a node's output), constant, or unavailable (made by a node that could not be imported). */
type Value = { kind: 'tensor'; node: string; shape: Shape } | { kind: 'const'; t: ConstTensor } | { kind: 'unavailable' };

/** Far above any CNN (ResNet-152 exports to about 500 ONNX nodes). */
export const MAX_ONNX_NODES = 20_000;

export const SUPPORTED_OPS = [
  'Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh',
  'Clip', 'HardSigmoid', 'HardSwish', 'Softplus', 'Erf', 'Gelu', 'LRN', 'Gemm', 'MatMul', 'Add', 'Sum', 'Mul', 'Flatten', 'Reshape',
  'Transpose', 'Slice', 'Concat', 'Dropout', 'Softmax', 'Pad', 'ReduceMean', 'ReduceMax', 'Identity', 'Neg', 'Constant', 'Shape', 'Gather',
  'Unsqueeze', 'Squeeze', 'Cast', 'Div', 'Sub', 'Mod', 'ConstantOfShape',
] as const;
const KNOWN_OPS: ReadonlySet<string> = new Set(SUPPORTED_OPS);

const pairOf = (v: readonly number[]): number | [number, number] => (v[0] === v[1] ? v[0] : [v[0], v[1]]);
const unknownOperator = (op: string) => `operator "${op}" is not supported by CNN Studio's importer.`;
/** A float attribute or constant as the document keeps it (float32's 0.1000000015 → 0.1). */
const tidy = (v: number) => Number(v.toPrecision(7));

/** "/layer1/layer1.0/conv1/Conv" → "layer1.0.conv1"; "res2a/conv1" → "res2a.conv1"; "" → fallback. */
export function readableId(name: string, fallback: string): string {
  let segs = name.split('/').filter(Boolean);
  if (segs.length > 1 && /^[A-Z][A-Za-z]*(_\d+)?$/.test(segs[segs.length - 1])) segs = segs.slice(0, -1);
  segs = segs.filter((s, i) => !(i + 1 < segs.length && segs[i + 1].startsWith(`${s}.`)));
  const id = segs.join('.').replace(/[^\w.\-:]+/g, '_').slice(0, 120);
  // "__proto__" cannot be a node id (RESERVED_NODE_IDS): "proto".
  return (RESERVED_NODE_IDS.has(id) ? id.replace(/^_+|_+$/g, '') : id) || fallback;
}

export interface ConvertOptions {
  opset: number;
  /** ModelProto.producerName: CNN Studio's own files mark a Dense's internal flatten by its value name. */
  producer?: string;
  readExternal?: ExternalDataReader;
  /** C×H×W for graph inputs whose size the file leaves open (symbolic dimensions). */
  inputShape?: InputShape;
}

export { WeightStore } from './weight-store';

export class GraphConverter {
  readonly weights = new WeightStore();
  readonly nodes: ModelNode[] = [];
  readonly edges: ModelDocument['edges'] = [];
  private readonly values = new Map<string, Value>();
  private readonly usedIds = new Set<string>();
  /** How many nodes (and graph outputs) read each value. */
  private readonly consumers = new Map<string, NodeProto[]>();
  private readonly graphOutputs = new Set<string>();
  private readonly skip = new Set<NodeProto>();
  /** Dense nodes made from a MatMul (no bias yet), by id: an Add of a constant may give them one. */
  private readonly matmulDense = new Set<string>();
  /** ONNX values that view a vector [C] as N×C×1×1 (a squeeze-and-excitation gate made by Dense layers). */
  private readonly gateViews = new Set<string>();
  private current: NodeProto | undefined;
  /** Everything that could not be imported, reported together at the end. */
  private readonly problems: ImportProblem[] = [];
  /** Patterns see the graph through this. */
  private readonly view: PatternView = {
    onlyConsumer: (v) => this.onlyConsumer(v),
    constant: (v) => {
      const t = v ? this.constantAhead(v) : undefined;
      return t && (t.kind === 'int' ? t.int! : asFloat(t));
    },
  };
  /** The node making each value. */
  private readonly producers = new Map<string, NodeProto>();
  /** Nodes being folded ahead of their turn (constantAhead), against cycles. */
  private readonly foldingAhead = new Set<NodeProto>();

  constructor(
    private readonly graph: GraphProto,
    private readonly options: ConvertOptions,
  ) {}

  convert(): { nodes: ModelNode[]; edges: ModelDocument['edges']; outputs: string[] } {
    const g = this.graph;
    if ((g.node?.length ?? 0) > MAX_ONNX_NODES) throw new OnnxImportError('bad-dims', `The graph has ${g.node!.length.toLocaleString('en-US')} nodes, over the import limit of ${MAX_ONNX_NODES.toLocaleString('en-US')}.`);
    for (const t of g.initializer ?? []) this.values.set(t.name ?? '', { kind: 'const', t: readTensor(t, this.options.readExternal) });
    for (const n of g.node ?? []) for (const i of n.input ?? []) if (i) this.consumers.set(i, [...(this.consumers.get(i) ?? []), n]);
    for (const n of g.node ?? []) for (const o of n.output ?? []) if (o) this.producers.set(o, n);
    for (const o of g.output ?? []) this.graphOutputs.add(o.name ?? '');
    this.addInputs();
    // Constants first (they read nothing): a pattern may look ahead at a constant defined after its first node.
    const nodes = [...(g.node ?? [])].sort((p, q) => Number(q.opType === 'Constant') - Number(p.opType === 'Constant'));
    for (const n of nodes) {
      if (this.skip.has(n)) continue;
      this.current = n;
      this.convertOrRecord(n);
    }
    if (this.problems.length) throw OnnxImportError.unsupported(this.problems, SUPPORTED_OPS);
    const outputs: string[] = [];
    for (const o of g.output ?? []) {
      const v = this.values.get(o.name ?? '');
      if (!v) throw new OnnxImportError('bad-graph', `Graph output "${o.name}" is not produced by any node.`);
      if (v.kind === 'tensor' && !outputs.includes(v.node)) outputs.push(v.node);
    }
    if (outputs.length === 0) throw new OnnxImportError('unsupported-model', 'The graph has no output that depends on its input.');
    return { nodes: this.nodes, edges: this.edges, outputs };
  }

  /**
   * Converts one node; when it cannot be, records why and marks what it (and any chain it began)
   * would have made unavailable, so the rest of the graph is still read and every unsupported
   * operation is reported at once. Nodes downstream of an unavailable value are not reported again
   * (their own operator is, if it is one the importer does not know).
   */
  private convertOrRecord(n: NodeProto): void {
    const op = n.opType ?? '';
    const blocked = (n.input ?? []).some((i) => i && this.values.get(i)?.kind === 'unavailable');
    const skippedBefore = this.skip.size; // a Set keeps insertion order: what a failed chain swallowed comes after
    try {
      if (!blocked) return this.convertNode(n);
      if (!KNOWN_OPS.has(op)) this.problems.push({ opType: op, onnxNode: n.name || n.output?.[0] || '?', reason: unknownOperator(op), unknownOperator: true });
    } catch (e) {
      if (!(e instanceof OnnxImportError) || e.code !== 'unsupported-op' || !e.problems) throw e;
      this.problems.push(...e.problems);
    }
    for (const m of [n, ...[...this.skip].slice(skippedBefore)]) for (const o of m.output ?? []) if (o) this.values.set(o, { kind: 'unavailable' });
  }

  // ── Inputs ──────────────────────────────────────────────────────────────────────────────────

  private addInputs(): void {
    let count = 0;
    for (const input of this.graph.input ?? []) {
      const name = input.name ?? '';
      if (this.values.has(name)) continue; // an initializer listed as an input (IR < 4)
      const dims = input.type?.tensorType?.shape?.dim ?? [];
      if (dims.length !== 4) {
        throw new OnnxImportError('unsupported-model', `Graph input "${name}" has ${dims.length} dimensions; CNN Studio imports image models with an N×C×H×W input.`);
      }
      const [c, h, w] = this.inputSize(name, dims);
      for (const [d, max, what] of [[c, LIMITS.channels, 'channels'], [h, LIMITS.spatial, 'height'], [w, LIMITS.spatial, 'width']] as const) {
        if (!Number.isSafeInteger(d) || d < 1 || d > max) throw new OnnxImportError('bad-dims', `Graph input "${name}" has an absurd ${what} of ${d} (allowed 1…${max}).`);
      }
      const id = this.uniqueId(readableId(name, 'input'));
      this.nodes.push({ id, type: 'Input', params: { channels: c, height: h, width: w }, label: name });
      this.values.set(name, { kind: 'tensor', node: id, shape: [c, h, w] });
      count++;
    }
    if (count === 0) throw new OnnxImportError('unsupported-model', 'The graph has no input (every input is a constant).');
  }

  /**
   * C×H×W of a graph input: the file's, where it fixes them; the `inputShape` option's where it
   * leaves them open (symbolic). Open sizes and no option, or an option that contradicts a size the
   * file fixes, are a 'needs-input-shape' error saying which input and what to give.
   */
  private inputSize(name: string, dims: TensorShapeDimension[]): number[] {
    const fixed = dims.slice(1).map((d) => (d.dimValue === undefined || d.dimValue === null ? undefined : Number(d.dimValue)));
    const given = this.options.inputShape;
    if (!given && fixed.every((d) => d !== undefined)) return fixed as number[];
    const shown = dims.map((d, i) => (d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : d.dimParam || (i === 0 ? 'N' : '?')));
    const suggested = fixed.map((d, i) => d ?? (given ?? DEFAULT_INPUT_SHAPE)[i]) as [number, number, number];
    const request = { input: name, dims: shown, suggested };
    const asFile = shown.join('×');
    if (!given) {
      const open = (['channels', 'height', 'width'] as const).filter((_, i) => fixed[i] === undefined);
      const list = open.length === 1 ? open[0] : `${open.slice(0, -1).join(', ')} and ${open[open.length - 1]}`;
      throw new OnnxImportError(
        'needs-input-shape',
        `Graph input "${name}" leaves its ${list} open (${asFile}), and CNN Studio works out every layer's shape from a fixed C×H×W — import it with an input shape, e.g. ${formatInputShape(suggested)}.`,
        undefined,
        undefined,
        request,
      );
    }
    const clash = fixed.findIndex((d, i) => d !== undefined && d !== given[i]);
    if (clash >= 0) {
      const what = ['channels', 'height', 'width'][clash];
      throw new OnnxImportError(
        'needs-input-shape',
        `Graph input "${name}" is ${asFile} in the file, so its ${what} must be ${fixed[clash]}, not ${given[clash]} as in the input shape ${formatInputShape(given)} — give ${formatInputShape(suggested)}.`,
        undefined,
        undefined,
        request,
      );
    }
    return [...given];
  }

  // ── Helpers ─────────────────────────────────────────────────────────────────────────────────

  private where(n: NodeProto): string {
    return `${n.opType} node "${n.name || n.output?.[0] || '?'}"`;
  }

  private unsupported(n: NodeProto, why: string): OnnxImportError {
    return OnnxImportError.unsupported([{ opType: n.opType ?? '', onnxNode: n.name || n.output?.[0] || '?', reason: why }]);
  }

  private uniqueId(base: string): string {
    let id = base;
    for (let k = 2; this.usedIds.has(id); k++) id = `${base}_${k}`;
    this.usedIds.add(id);
    return id;
  }

  private value(n: NodeProto, index: number): Value | undefined {
    const name = n.input?.[index];
    if (!name) return undefined;
    const v = this.values.get(name);
    if (!v) throw new OnnxImportError('bad-graph', `${this.where(n)} reads "${name}", which no earlier node produces (the graph is not in topological order or is broken).`, n.name);
    return v;
  }

  private tensorIn(n: NodeProto, index = 0): { node: string; shape: Shape } {
    const v = this.value(n, index);
    if (!v) throw new OnnxImportError('bad-graph', `${this.where(n)} is missing input ${index + 1}.`, n.name);
    if (v.kind !== 'tensor') throw this.unsupported(n, `input ${index + 1} is a constant, but CNN Studio needs it to be computed from the image.`);
    return v;
  }

  private constIn(n: NodeProto, index: number, what: string): ConstTensor {
    const v = this.value(n, index);
    if (!v) throw new OnnxImportError('bad-graph', `${this.where(n)} is missing its ${what}.`, n.name);
    if (v.kind !== 'const') throw this.unsupported(n, `its ${what} is computed at run time; CNN Studio needs constant ${what}s.`);
    return v.t;
  }

  private optionalConst(n: NodeProto, index: number, what: string): ConstTensor | undefined {
    return n.input?.[index] ? this.constIn(n, index, what) : undefined;
  }

  private setConst(n: NodeProto, t: ConstTensor, output = 0): void {
    checkDims(t.dims, `The result of ${this.where(n)}`, n.name);
    this.values.set(n.output?.[output] ?? '', { kind: 'const', t });
  }

  private alias(n: NodeProto, v: Value | { node: string; shape: Shape }): void {
    this.values.set(n.output?.[0] ?? '', 'kind' in v ? v : { kind: 'tensor', ...v });
  }

  /** Outputs beyond the first must be unused (Dropout's mask, MaxPool's indices, BN's training stats). */
  private requireOnlyFirstOutput(n: NodeProto, what: string): void {
    for (const o of (n.output ?? []).slice(1)) {
      if (o && (this.consumers.has(o) || this.graphOutputs.has(o))) throw this.unsupported(n, `its ${what} output "${o}" is used, which CNN Studio does not model.`);
    }
  }

  /** Add a CNN Studio node reading `inputs` (document node ids), infer its shape, and bind the ONNX output to it. */
  private emit(n: NodeProto, type: string, params: Record<string, unknown>, inputs: { node: string; shape: Shape }[], weights?: Record<string, { shape: number[]; data: Float32Array }>, outputName = n.output?.[0] ?? ''): string {
    const op = ops.get(type)!;
    const parsed = op.params.safeParse(params);
    if (!parsed.success) throw this.unsupported(n, `its parameters do not fit a ${op.title} (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`);
    let problem = '';
    const shape = op.infer?.(inputs.map((i) => i.shape), parsed.data, {
      error: (_code, message) => void (problem ||= message),
      warn: () => {},
    });
    if (!shape || problem) throw this.unsupported(n, `as a ${op.title} on ${inputs.map((i) => formatShape(i.shape)).join(', ')}: ${problem || 'no valid output shape'}`);
    const id = this.uniqueId(readableId(n.name || outputName, type.toLowerCase()));
    const node: ModelNode = { id, type, params };
    if (weights) node.weights = Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, this.weights.add(w.shape, w.data)]));
    this.nodes.push(node);
    inputs.forEach((i, port) => this.edges.push({ id: `${i.node}->${id}${inputs.length > 1 ? `:${port}` : ''}`, source: i.node, target: id, ...(inputs.length > 1 ? { targetPort: port } : {}) }));
    this.values.set(outputName, { kind: 'tensor', node: id, shape });
    return id;
  }

  private onlyConsumer(valueName: string | undefined): NodeProto | undefined {
    if (!valueName || this.graphOutputs.has(valueName)) return undefined;
    const c = this.consumers.get(valueName);
    return c && c.length === 1 ? c[0] : undefined;
  }

  // ── Geometry (Conv, pools) ──────────────────────────────────────────────────────────────────

  private geometry(n: NodeProto, a: Attributes, x: Shape, kernel: number[], dilations: number[]) {
    if (kernel.length !== 2) throw this.unsupported(n, `it is ${kernel.length}-D; CNN Studio supports 2-D windows only.`);
    const strides = a.ints('strides') ?? [1, 1];
    const autoPad = a.string('auto_pad', 'NOTSET');
    let padding: 'valid' | 'same' | number | [number, number, number, number];
    if (autoPad === 'VALID') padding = 'valid';
    else if (autoPad === 'SAME_UPPER') padding = 'same';
    else if (autoPad === 'SAME_LOWER') {
      const total = (inp: number, k: number, s: number, d: number) => Math.max((Math.ceil(inp / s) - 1) * s + (k - 1) * d + 1 - inp, 0);
      const th = total(x[1], kernel[0], strides[0], dilations[0]);
      const tw = total(x[2], kernel[1], strides[1], dilations[1]);
      padding = [th - Math.floor(th / 2), tw - Math.floor(tw / 2), Math.floor(th / 2), Math.floor(tw / 2)];
    } else if (autoPad === 'NOTSET') {
      const p = a.ints('pads') ?? [0, 0, 0, 0];
      if (p.length !== 4 || p.some((v) => !Number.isInteger(v) || v < 0)) throw this.unsupported(n, `pads [${p.join(', ')}] are not four non-negative integers.`);
      padding = p.every((v) => v === p[0]) ? p[0] : [p[0], p[1], p[2], p[3]];
    } else throw this.unsupported(n, `auto_pad "${autoPad}" is not an ONNX value.`);
    if (strides.length !== 2) throw this.unsupported(n, `strides [${strides.join(', ')}] are not 2-D.`);
    return { stride: pairOf(strides), padding: padding === 0 ? 'valid' : padding };
  }

  // ── Ops ─────────────────────────────────────────────────────────────────────────────────────

  private convertNode(n: NodeProto): void {
    const op = n.opType ?? '';
    if (n.domain && n.domain !== 'ai.onnx') throw this.unsupported(n, `operator domain "${n.domain}" is not the standard ONNX one; CNN Studio supports only standard ONNX operators.`);
    const a = new Attributes(n);
    const opset = this.options.opset;
    if (FOLDABLE_OPS.has(op) && this.readsOnlyConstants(n)) return this.fold(n, a);
    switch (op) {
      case 'Identity':
        return this.alias(n, this.value(n, 0)!);
      case 'Constant':
        return this.constant(n, a);
      case 'Unsqueeze':
        return this.unsqueeze(n, a);
      case 'Shape':
        return this.setConst(n, shapeOf([1, ...this.tensorIn(n).shape], a));
      case 'Gather':
      case 'Squeeze':
      case 'Cast':
      case 'ConstantOfShape':
        throw this.unsupported(n, `it works on a computed tensor; CNN Studio folds ${op} only where it computes constant shapes.`);
      case 'Sub':
      case 'Mod':
        throw this.unsupported(n, 'arithmetic on feature maps has no CNN Studio layer (only on constant shapes).');
      case 'Mul':
      case 'Div':
        return this.product(n);
      case 'Conv':
        return this.conv(n, a);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(n, a, op === 'MaxPool' ? 'max' : 'avg', this.tensorIn(n), n.output?.[0]);
      case 'Neg':
        return this.minPool(n);
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const x = this.tensorIn(n);
        this.emit(n, 'GlobalPool', { mode: op === 'GlobalMaxPool' ? 'max' : 'avg' }, [x]);
        return;
      }
      case 'BatchNormalization': {
        if (a.int('training_mode', 0) !== 0) throw this.unsupported(n, 'it is in training mode; export the model in eval mode.');
        this.requireOnlyFirstOutput(n, 'running-statistics');
        const x = this.tensorIn(n);
        const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i, k) => this.constIn(n, i, ['scale', 'bias', 'mean', 'variance'][k]));
        const c = x.shape[0];
        for (const t of [scale, bias, mean, variance]) if (numel(t.dims) !== c) throw this.unsupported(n, `its statistics have ${numel(t.dims)} values for ${c} channels.`);
        const epsilon = a.float('epsilon', 1e-5);
        this.emit(n, 'BatchNorm', { epsilon: Math.fround(epsilon) === Math.fround(1e-5) ? 1e-5 : Number(epsilon.toPrecision(7)) }, [x], {
          scale: { shape: [c], data: asFloat(scale) },
          bias: { shape: [c], data: asFloat(bias) },
          mean: { shape: [c], data: asFloat(mean) },
          var: { shape: [c], data: asFloat(variance) },
        });
        return;
      }
      case 'Relu':
        this.emit(n, 'Activation', { fn: 'relu' }, [this.tensorIn(n)]);
        return;
      case 'LeakyRelu':
        this.emit(n, 'Activation', { fn: 'leaky_relu', alpha: Number(a.float('alpha', 0.01).toPrecision(7)) }, [this.tensorIn(n)]);
        return;
      case 'Sigmoid':
        return this.activation(n, { fn: 'sigmoid' }, matchGatedSelf(n, this.view));
      case 'Tanh':
        this.emit(n, 'Activation', { fn: 'tanh' }, [this.tensorIn(n)]);
        return;
      case 'Clip':
        return this.clip(n, a);
      case 'HardSigmoid': {
        const [alpha, beta] = [a.float('alpha', 0.2), a.float('beta', 0.5)];
        if (Math.fround(alpha) !== Math.fround(1 / 6) || Math.fround(beta) !== 0.5) {
          throw this.unsupported(n, `a hard sigmoid with alpha ${tidy(alpha)} and beta ${tidy(beta)} has no CNN Studio layer: CNN Studio's hard sigmoid is PyTorch's, relu6(x + 3) / 6 (alpha 1/6, beta 0.5; Keras's is alpha 0.2) — use PyTorch's in the source model.`);
        }
        return this.activation(n, { fn: 'hardsigmoid' }, matchGatedSelf(n, this.view));
      }
      case 'HardSwish':
        this.emit(n, 'Activation', { fn: 'hardswish' }, [this.tensorIn(n)]);
        return;
      case 'Softplus':
        return this.activation(n, undefined, matchMish(n, this.view), 'softplus is imported only as part of Mish, x·tanh(softplus(x)).');
      case 'Erf':
        throw this.unsupported(n, 'Erf is imported only as part of GELU, ½·x·(1 + erf(x/√2)) — here it is not in that pattern.');
      case 'Gelu': {
        const approximate = a.string('approximate', 'none');
        if (approximate !== 'none') throw this.unsupported(n, `GELU's "${approximate}" approximation has no CNN Studio layer (only the exact erf form, torch.nn.GELU() by default).`);
        this.emit(n, 'Activation', { fn: 'gelu' }, [this.tensorIn(n)]);
        return;
      }
      case 'ReduceMean':
      case 'ReduceMax':
        return this.reduce(n, a, op === 'ReduceMean' ? 'avg' : 'max');
      case 'Transpose':
        throw this.unsupported(n, 'a Transpose is imported only inside a channel shuffle (Reshape to N×g×C/g×H×W → Transpose (0, 2, 1, 3, 4) → Reshape back).');
      case 'LRN': {
        const size = a.int('size');
        if (size === undefined) throw this.unsupported(n, 'it has no "size" attribute.');
        const f = (name: string, d: number) => Number(a.float(name, d).toPrecision(7));
        this.emit(n, 'LRN', { size, alpha: f('alpha', 1e-4), beta: f('beta', 0.75), bias: f('bias', 1) }, [this.tensorIn(n)]);
        return;
      }
      case 'Gemm':
        return this.gemm(n, a);
      case 'MatMul':
        return this.matmul(n);
      case 'Add':
      case 'Sum':
        return this.add(n);
      case 'Flatten': {
        const x = this.tensorIn(n);
        const axis = a.int('axis', 1);
        if (axis !== 1 && !(axis === -x.shape.length)) throw this.unsupported(n, `axis ${axis}: only flattening everything after the batch (axis 1) is supported.`);
        return this.flatten(n, x);
      }
      case 'Reshape':
        return this.reshape(n);
      case 'Concat':
        return this.concat(n, a);
      case 'Dropout': {
        this.requireOnlyFirstOutput(n, 'mask');
        const ratio = opset >= 12 ? (n.input?.[1] ? asFloat(this.constIn(n, 1, 'ratio'))[0] : 0.5) : a.float('ratio', 0.5);
        this.emit(n, 'Dropout', { rate: Number(ratio.toPrecision(7)) }, [this.tensorIn(n)]);
        return;
      }
      case 'Softmax':
        return this.softmax(n, a);
      case 'Pad':
        return this.pad(n, a);
      case 'Slice':
        return this.slice(n);
      default:
        throw OnnxImportError.unsupported([{ opType: op, onnxNode: n.name || n.output?.[0] || '?', reason: unknownOperator(op), unknownOperator: true }]);
    }
  }

  /**
   * A Slice that keeps the whole tensor as CNN Studio shapes it is no layer: our own export writes
   * one after a ceil-mode pool whose last window would start in the padding (ops/pool2d.ts), where
   * ONNX's static shape is one larger than what the pool computes. A Slice of channels only (step 1)
   * is a channel slice (ShuffleNet's split: torch's chunk). Cropping height or width is refused.
   */
  private slice(n: NodeProto): void {
    const x = this.tensorIn(n);
    const starts = asInts(this.constIn(n, 1, 'starts'));
    const ends = asInts(this.constIn(n, 2, 'ends'));
    const axes = n.input?.[3] ? asInts(this.constIn(n, 3, 'axes')) : starts.map((_, i) => i);
    const steps = n.input?.[4] ? asInts(this.constIn(n, 4, 'steps')) : starts.map(() => 1);
    const dims = [1, ...x.shape];
    // ONNX's rule: negative positions count from the end; then both are clamped to the axis.
    const at = (v: number, d: number) => Math.min(Math.max(v < 0 ? v + dims[d] : v, 0), dims[d]);
    let channels: [number, number] | undefined;
    const readable = axes.every((axis, i) => {
      const d = axis < 0 ? axis + dims.length : axis;
      if (d < 1 || d >= dims.length || steps[i] !== 1) return false;
      const [from, to] = [at(starts[i], d), at(ends[i], d)];
      if (from === 0 && to === dims[d]) return true;
      if (d !== 1 || x.shape.length !== 3) return false;
      channels = [from, to];
      return true;
    });
    if (!readable) throw this.unsupported(n, 'it crops a feature map\'s height or width (or steps through it), which has no CNN Studio layer (only slicing whole channels is read, as ShuffleNet\'s split does).');
    if (!channels) return this.alias(n, x);
    this.emit(n, 'ChannelSlice', { start: channels[0], end: channels[1] }, [x]);
  }

  private constant(n: NodeProto, a: Attributes): void {
    const t = a.tensor('value');
    if (t) return this.setConst(n, readTensor({ ...t, name: t.name || n.output?.[0] }, this.options.readExternal, n.name));
    const f = a.float('value_float');
    if (f !== undefined) return this.setConst(n, { dims: [], kind: 'float', float: Float32Array.of(f) });
    const fs = a.floats('value_floats');
    if (fs) return this.setConst(n, { dims: [fs.length], kind: 'float', float: Float32Array.from(fs) });
    const i = a.int('value_int');
    if (i !== undefined) return this.setConst(n, { dims: [], kind: 'int', int: [i] });
    const is = a.ints('value_ints');
    if (is) return this.setConst(n, { dims: [is.length], kind: 'int', int: is });
    throw this.unsupported(n, 'only tensor, float(s) and int(s) constants are supported.');
  }

  /**
   * A constant's value, for a pattern looking ahead: when the nodes computing it come later in the
   * file (a dynamic-axes export computes a channel shuffle's second Reshape target from Shape after
   * the first Reshape), they are folded now — they read only constants and the shapes of tensors
   * already converted. Undefined when the value is not such a constant (the node is then converted,
   * or refused, in its turn).
   */
  private constantAhead(name: string): ConstTensor | undefined {
    const known = this.values.get(name);
    if (known) return known.kind === 'const' ? known.t : undefined;
    const n = this.producers.get(name);
    const op = n?.opType ?? '';
    if (!n || this.foldingAhead.has(n) || (op !== 'Constant' && !FOLDABLE_OPS.has(op))) return undefined;
    this.foldingAhead.add(n);
    try {
      const ready = (n.input ?? []).every((i) => !i || (op === 'Shape' ? this.values.get(i)?.kind === 'tensor' || this.constantAhead(i) : this.constantAhead(i)));
      if (!ready) return undefined;
      this.convertNode(n);
    } catch (e) {
      if (!(e instanceof OnnxImportError)) throw e;
      return undefined;
    } finally {
      this.foldingAhead.delete(n);
    }
    const v = this.values.get(name);
    return v?.kind === 'const' ? v.t : undefined;
  }

  /** Every input present is a constant (and there is one): the node is computed now (constant-fold.ts). */
  private readsOnlyConstants(n: NodeProto): boolean {
    const present = (n.input ?? []).map((_, i) => this.value(n, i)).filter((v) => v !== undefined);
    return present.length > 0 && present.every((v) => v.kind === 'const');
  }

  private fold(n: NodeProto, a: Attributes): void {
    const inputs = (n.input ?? []).map((_, i) => {
      const v = this.value(n, i);
      return v?.kind === 'const' ? v.t : undefined;
    });
    try {
      this.setConst(n, foldConstant(n.opType ?? '', inputs, a, this.options.opset));
    } catch (e) {
      if (e instanceof FoldRefusal) throw this.unsupported(n, `its inputs are constants, but it cannot be computed while importing: ${e.message}`);
      throw e;
    }
  }

  private conv(n: NodeProto, a: Attributes): void {
    const x = this.tensorIn(n);
    if (x.shape.length !== 3) throw this.unsupported(n, `its input is ${formatShape(x.shape)}, not a C×H×W map.`);
    const w = this.constIn(n, 1, 'weight');
    if (w.dims.length !== 4) throw this.unsupported(n, `its weight has ${w.dims.length} dimensions; CNN Studio supports 2-D convolutions only.`);
    const b = this.optionalConst(n, 2, 'bias');
    const groups = a.int('group', 1);
    const kernel = a.ints('kernel_shape') ?? w.dims.slice(2);
    const dilations = a.ints('dilations') ?? [1, 1];
    const g = this.geometry(n, a, x.shape, kernel, dilations);
    const [filters, cinPerGroup, kh, kw] = w.dims;
    if (kh !== kernel[0] || kw !== kernel[1]) throw this.unsupported(n, `kernel_shape [${kernel.join(', ')}] disagrees with its weight ${w.dims.join('×')}.`);
    if (cinPerGroup * groups !== x.shape[0]) throw this.unsupported(n, `its weight expects ${cinPerGroup * groups} input channels but the input has ${x.shape[0]}.`);
    if (b && numel(b.dims) !== filters) throw this.unsupported(n, `its bias has ${numel(b.dims)} values for ${filters} filters.`);
    const weights: Record<string, { shape: number[]; data: Float32Array }> = { kernel: { shape: w.dims, data: asFloat(w) } };
    if (b) weights.bias = { shape: [filters], data: asFloat(b) };
    const params: Record<string, unknown> = { filters, kernel: pairOf(kernel), stride: g.stride, padding: g.padding, dilation: pairOf(dilations), groups, bias: !!b };
    this.emit(n, 'Conv2D', params, [x], weights);
  }

  private pool(n: NodeProto, a: Attributes, mode: 'max' | 'avg' | 'min', x: { node: string; shape: Shape }, outputName: string | undefined): void {
    if (x.shape.length !== 3) throw this.unsupported(n, `its input is ${formatShape(x.shape)}, not a C×H×W map.`);
    this.requireOnlyFirstOutput(n, 'indices');
    const kernel = a.ints('kernel_shape');
    if (!kernel) throw this.unsupported(n, 'it has no kernel_shape.');
    const dilations = a.ints('dilations') ?? [1, 1];
    if (dilations.some((d) => d !== 1)) throw this.unsupported(n, `dilated pooling (dilations [${dilations.join(', ')}]) has no CNN Studio equivalent.`);
    if (a.int('storage_order', 0) !== 0) throw this.unsupported(n, 'storage_order 1 is not supported.');
    const g = this.geometry(n, a, x.shape, kernel, dilations);
    const params: Record<string, unknown> = { mode, kernel: pairOf(kernel), stride: g.stride, padding: g.padding, ceil: a.int('ceil_mode', 0) === 1 };
    if (mode === 'avg') params.countIncludePad = a.int('count_include_pad', 0) === 1;
    this.emit(n, 'Pool2D', params, [x], undefined, outputName);
  }

  /** Neg → MaxPool → Neg is min pooling (CNN Studio's own ONNX export writes it so). */
  private minPool(n: NodeProto): void {
    const pool = this.onlyConsumer(n.output?.[0]);
    const neg2 = pool?.opType === 'MaxPool' ? this.onlyConsumer(pool.output?.[0]) : undefined;
    if (!pool || pool.opType !== 'MaxPool' || (pool.output?.length ?? 1) > 1 || !neg2 || neg2.opType !== 'Neg') {
      throw this.unsupported(n, 'negation is supported only as part of min pooling (Neg → MaxPool → Neg).');
    }
    this.skip.add(pool);
    this.skip.add(neg2);
    this.pool(pool, new Attributes(pool), 'min', this.tensorIn(n), neg2.output?.[0]);
  }

  /** An activation, or the pattern starting at `n` when one matched (its later nodes are skipped). */
  private activation(n: NodeProto, alone: { fn: string } | undefined, match: Match<{ fn: string }> | undefined, refusal = ''): void {
    const x = this.tensorIn(n);
    if (match) {
      for (const m of match.swallowed) this.skip.add(m);
      this.emit(n, 'Activation', match.params, [x], undefined, match.output);
      return;
    }
    if (!alone) throw this.unsupported(n, refusal);
    this.emit(n, 'Activation', alone, [x]);
  }

  /**
   * Mul and Div of feature maps (of constants alone they are folded: constant-fold.ts). GELU's first step starts its pattern; a
   * product of two feature maps is a Multiply (equal shapes) or a channel scale (a map and a C×1×1
   * gate, in either order).
   */
  private product(n: NodeProto): void {
    const ins = (n.input ?? []).map((_, i) => this.value(n, i)!);
    const gelu = matchGelu(n, this.view);
    if (gelu) return this.activation(n, undefined, gelu);
    const tensors = ins.filter((v): v is Extract<Value, { kind: 'tensor' }> => v.kind === 'tensor');
    if (n.opType === 'Div' || tensors.length !== 2) {
      throw this.unsupported(n, `${n.opType === 'Div' ? 'dividing' : 'multiplying'} a feature map by a constant has no CNN Studio layer (a constant scale can be folded into the convolution before it in the source model).`);
    }
    const [p, q] = tensors;
    const viewed = (i: number) => this.gateViews.has(n.input?.[i] ?? '');
    if (p.shape.join() === q.shape.join() && !viewed(0) && !viewed(1)) return void this.emit(n, 'Multiply', {}, [p, q]);
    // (A vector [N, C] itself would broadcast against N×C×H×W along W, not the channels: only C×1×1 gates.)
    const isGate = (g: Shape, m: Shape) => m.length === 3 && g.length === 3 && g[0] === m[0] && g[1] === 1 && g[2] === 1;
    if (isGate(q.shape, p.shape) && !viewed(0)) return void this.emit(n, 'ChannelScale', {}, [p, q]);
    if (isGate(p.shape, q.shape)) return void this.emit(n, 'ChannelScale', {}, [q, p]);
    throw this.unsupported(n, `multiplying ${formatShape(p.shape)} by ${formatShape(q.shape)} has no CNN Studio layer: Multiply needs two inputs of the same shape, Channel scale a C×H×W map and a C×1×1 gate with the same C.`);
  }

  /**
   * Unsqueeze (axes 2, 3) or Reshape (N, C, 1, 1) of a vector [C]: the gate of a squeeze-and-excitation
   * whose excitation is Dense layers. A channel scale reads a [C] gate itself, so the view is no node;
   * anything else reading it is refused.
   */
  private gateView(n: NodeProto, x: { node: string; shape: Shape }, what: string): void {
    const out = n.output?.[0] ?? '';
    const users = this.consumers.get(out) ?? [];
    if (x.shape.length !== 1 || users.length === 0 || this.graphOutputs.has(out) || !users.every((u) => u.opType === 'Mul')) {
      throw this.unsupported(n, `${what} is read only as the C×1×1 gate of a channel scale (a Mul with a C×H×W map), as squeeze-and-excitation after Dense layers writes it.`);
    }
    this.gateViews.add(out);
    this.values.set(out, { kind: 'tensor', node: x.node, shape: [x.shape[0], 1, 1] });
  }

  private unsqueeze(n: NodeProto, a: Attributes): void {
    const x = this.tensorIn(n);
    const axes = this.options.opset >= 13 && n.input?.[1] ? asInts(this.constIn(n, 1, 'axes')) : (a.ints('axes') ?? []);
    const sorted = axes.map((ax) => (ax < 0 ? ax + x.shape.length + 1 + axes.length : ax)).sort((p, q) => p - q);
    if (sorted.join() !== '2,3') throw this.unsupported(n, `unsqueezing an N×${formatShape(x.shape)} tensor on axes [${axes.join(', ')}] is not supported.`);
    this.gateView(n, x, `viewing a vector of ${formatShape(x.shape)} as N×${x.shape[0]}×1×1`);
  }

  /** ReduceMean/ReduceMax over H×W is global pooling (with keepdims 0, flattened to a vector). */
  private reduce(n: NodeProto, a: Attributes, mode: 'avg' | 'max'): void {
    const x = this.tensorIn(n);
    const raw = this.options.opset >= 18 && n.input?.[1] ? asInts(this.constIn(n, 1, 'axes')) : a.ints('axes');
    const rank = x.shape.length + 1;
    const axes = (raw ?? []).map((ax) => (ax < 0 ? ax + rank : ax)).sort((p, q) => p - q);
    if (x.shape.length !== 3 || axes.join() !== '2,3') {
      const over = raw?.length ? `axes [${raw.join(', ')}]` : 'every axis';
      throw this.unsupported(n, `a ${mode === 'avg' ? 'mean' : 'maximum'} over ${over} of an N×${formatShape(x.shape)} tensor has no CNN Studio layer (only over height and width, axes [2, 3]: global ${mode === 'avg' ? 'average' : 'max'} pooling).`);
    }
    const pooled = this.emit(n, 'GlobalPool', { mode }, [x]);
    if (a.int('keepdims', 1) === 0) this.flatten(n, { node: pooled, shape: [x.shape[0], 1, 1] });
  }

  /** Clip(0, ∞) is a ReLU, Clip(0, 6) a ReLU6; other bounds a clip (an infinite or float32-extreme bound is none). */
  private clip(n: NodeProto, a: Attributes): void {
    const x = this.tensorIn(n);
    let min: number | undefined;
    let max: number | undefined;
    if (this.options.opset < 11) {
      min = a.float('min');
      max = a.float('max');
    } else {
      min = n.input?.[1] ? asFloat(this.constIn(n, 1, 'min'))[0] : undefined;
      max = n.input?.[2] ? asFloat(this.constIn(n, 2, 'max'))[0] : undefined;
    }
    const bound = (v: number | undefined) => (v === undefined || !Number.isFinite(v) || Math.abs(v) >= 3.4e38 ? undefined : tidy(v));
    [min, max] = [bound(min), bound(max)];
    if (min === 0 && max === undefined) return void this.emit(n, 'Activation', { fn: 'relu' }, [x]);
    if (min === 0 && max === 6) return void this.emit(n, 'Activation', { fn: 'relu6' }, [x]);
    this.emit(n, 'Activation', { fn: 'clip', ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) }, [x]);
  }

  private denseFrom(n: NodeProto, x: { node: string; shape: Shape }, kernel: Float32Array, units: number, inputs: number, bias?: Float32Array): string {
    const size = x.shape.length === 1 ? x.shape[0] : x.shape.length === 3 && x.shape[1] === 1 && x.shape[2] === 1 ? x.shape[0] : -1;
    if (size !== inputs) throw this.unsupported(n, `its weight expects ${inputs} inputs, but the input is ${formatShape(x.shape)}.`);
    const weights: Record<string, { shape: number[]; data: Float32Array }> = { kernel: { shape: [units, inputs], data: kernel } };
    if (bias) weights.bias = { shape: [units], data: bias };
    return this.emit(n, 'Dense', { units, bias: !!bias }, [x], weights);
  }

  private gemm(n: NodeProto, a: Attributes): void {
    const x = this.tensorIn(n);
    if (a.int('transA', 0) !== 0) throw this.unsupported(n, 'transA = 1 (a transposed input) is not supported.');
    const b = this.constIn(n, 1, 'weight');
    if (b.dims.length !== 2) throw this.unsupported(n, `its weight has ${b.dims.length} dimensions, not 2.`);
    const transB = a.int('transB', 0) === 1;
    const alpha = a.float('alpha', 1);
    const beta = a.float('beta', 1);
    const [units, inputs] = transB ? b.dims : [b.dims[1], b.dims[0]];
    const src = asFloat(b);
    const kernel = new Float32Array(units * inputs);
    for (let u = 0; u < units; u++) for (let i = 0; i < inputs; i++) kernel[u * inputs + i] = alpha * (transB ? src[u * inputs + i] : src[i * units + u]);
    let bias: Float32Array | undefined;
    const c = this.optionalConst(n, 2, 'bias');
    if (c) {
      const cv = asFloat(c);
      if (cv.length !== units && cv.length !== 1) throw this.unsupported(n, `its bias has ${cv.length} values for ${units} units.`);
      bias = Float32Array.from({ length: units }, (_, u) => beta * cv[cv.length === 1 ? 0 : u]);
    }
    this.denseFrom(n, x, kernel, units, inputs, bias);
  }

  private matmul(n: NodeProto): void {
    const x = this.tensorIn(n);
    const b = this.constIn(n, 1, 'weight');
    if (b.dims.length !== 2) throw this.unsupported(n, `its weight has ${b.dims.length} dimensions; only a vector times a matrix is supported.`);
    const [inputs, units] = b.dims;
    const src = asFloat(b);
    const kernel = new Float32Array(units * inputs);
    for (let u = 0; u < units; u++) for (let i = 0; i < inputs; i++) kernel[u * inputs + i] = src[i * units + u];
    const id = this.denseFrom(n, x, kernel, units, inputs);
    this.matmulDense.add(id);
  }

  private add(n: NodeProto): void {
    const ins = (n.input ?? []).map((_, i) => this.value(n, i)!);
    const consts = ins.filter((v) => v.kind === 'const');
    const tensors = ins.filter((v): v is Extract<Value, { kind: 'tensor' }> => v.kind === 'tensor');
    if (consts.length === 1 && tensors.length === 1 && n.opType === 'Add') {
      // MatMul + Add (a bias): fold it into the Dense made from the MatMul.
      const dense = this.nodes.find((d) => d.id === tensors[0].node);
      const units = tensors[0].shape[0];
      const bias = asFloat((consts[0] as Extract<Value, { kind: 'const' }>).t);
      const matmulOut = [...this.values.entries()].find(([, v]) => v.kind === 'tensor' && v.node === dense?.id)?.[0];
      if (dense && this.matmulDense.has(dense.id) && this.onlyConsumer(matmulOut) === n && (bias.length === units || bias.length === 1)) {
        dense.params = { ...dense.params, bias: true };
        dense.weights = { ...dense.weights, bias: this.weights.add([units], Float32Array.from({ length: units }, (_, u) => bias[bias.length === 1 ? 0 : u])) };
        this.matmulDense.delete(dense.id);
        return this.alias(n, tensors[0]);
      }
      throw this.unsupported(n, 'adding a constant to a feature map has no CNN Studio layer (only a bias after MatMul is supported).');
    }
    if (consts.length > 0) throw this.unsupported(n, 'adding a constant to a feature map has no CNN Studio layer.');
    if (tensors.length === 1) return this.alias(n, tensors[0]);
    this.emit(n, 'Add', {}, tensors);
  }

  private flatten(n: NodeProto, x: { node: string; shape: Shape }): void {
    if (x.shape.length === 1) return this.alias(n, x);
    // A C×1×1 map flattened straight into Gemm/MatMul: CNN Studio's Dense reads C×1×1 itself.
    const users = this.consumers.get(n.output?.[0] ?? '') ?? [];
    const pooled = x.shape.length === 3 && x.shape[1] === 1 && x.shape[2] === 1;
    const ownFile = this.options.producer === 'CNN Studio';
    if (ownFile && !(n.output?.[0] ?? '').endsWith('/flat')) return void this.emit(n, 'Flatten', {}, [x]);
    if (pooled && users.length > 0 && !this.graphOutputs.has(n.output?.[0] ?? '') && users.every((u) => (u.opType === 'Gemm' || u.opType === 'MatMul') && u.input?.[0] === n.output?.[0])) {
      return this.alias(n, x);
    }
    this.emit(n, 'Flatten', {}, [x]);
  }

  private reshape(n: NodeProto): void {
    const x = this.tensorIn(n);
    const target = asInts(this.constIn(n, 1, 'shape'));
    const total = numel(x.shape);
    const flat = target.length === 2 && (target[1] === total || (target[1] === -1 && [0, 1, -1].includes(target[0]))) && [0, 1, -1].includes(target[0]);
    if (flat) return this.flatten(n, x);
    // A reshape to the shape it already has (0 copies the input's dimension).
    const same = target.length === x.shape.length + 1 && target.slice(1).every((d, i) => d === x.shape[i] || d === 0);
    if (same) return this.alias(n, x);
    const channels = target[1] === x.shape[0] || (target[1] === -1 && [0, 1].includes(target[0]));
    if (x.shape.length === 1 && target.length === 4 && channels && target[2] === 1 && target[3] === 1) {
      return this.gateView(n, x, `reshaping a vector of ${formatShape(x.shape)} to N×${x.shape[0]}×1×1`);
    }
    const shuffle = matchChannelShuffle(n, x.shape, this.view);
    if (shuffle) {
      for (const m of shuffle.swallowed) this.skip.add(m);
      this.emit(n, 'ChannelShuffle', shuffle.params, [x], undefined, shuffle.output);
      return;
    }
    throw this.unsupported(n, `reshaping ${formatShape(x.shape)} to [${target.join(', ')}] is not supported (only flattening to N×features, and the 5-D reshapes of a channel shuffle).`);
  }

  private concat(n: NodeProto, a: Attributes): void {
    const tensors = (n.input ?? []).map((_, i) => this.tensorIn(n, i));
    const rank = tensors[0].shape.length + 1;
    const axisRaw = a.int('axis');
    if (axisRaw === undefined) throw this.unsupported(n, 'it has no axis.');
    const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
    if (axis !== 1) throw this.unsupported(n, `it concatenates along axis ${axisRaw}; CNN Studio concatenates channels (axis 1) only.`);
    if (tensors.length === 1) return this.alias(n, tensors[0]);
    this.emit(n, 'Concat', {}, tensors);
  }

  private softmax(n: NodeProto, a: Attributes): void {
    const x = this.tensorIn(n);
    const rank = x.shape.length + 1;
    const raw = a.int('axis', this.options.opset >= 13 ? -1 : 1);
    const axis = raw < 0 ? raw + rank : raw;
    const spatialOne = x.shape.length === 3 && x.shape[1] === 1 && x.shape[2] === 1;
    const ok = x.shape.length === 1 ? axis === 1 : spatialOne ? axis >= 1 : this.options.opset >= 13 && axis === 1;
    if (!ok) throw this.unsupported(n, `softmax over axis ${raw} of an N×${formatShape(x.shape)} tensor; CNN Studio's softmax is over a vector or over the channels at each position.`);
    this.emit(n, 'Softmax', {}, [x]);
  }

  private pad(n: NodeProto, a: Attributes): void {
    const x = this.tensorIn(n);
    const mode = a.string('mode', 'constant');
    if (mode !== 'constant') throw this.unsupported(n, `"${mode}" padding has no CNN Studio layer (only zero padding).`);
    let pads: number[];
    let value = 0;
    if (this.options.opset >= 11) {
      if (this.value(n, 1)?.kind === 'tensor') {
        throw this.unsupported(
          n,
          `its pads ("${n.input![1]}") are computed from the image's values at run time; CNN Studio pads by amounts fixed in the file — pad by constant amounts in the source model (F.pad(x, (1, 2, 0, 1)) with Python integers, or nn.ZeroPad2d) and export it again.`,
        );
      }
      pads = asInts(this.constIn(n, 1, 'pads'));
      if (n.input?.[2]) value = asFloat(this.constIn(n, 2, 'constant value'))[0] ?? 0;
      if (n.input?.[3]) throw this.unsupported(n, 'the axes input is not supported.');
    } else {
      pads = a.ints('pads') ?? [];
      value = a.float('value', 0);
    }
    if (value !== 0) throw this.unsupported(n, `padding with ${value} is not supported (only zeros).`);
    if (x.shape.length !== 3 || pads.length !== 8) throw this.unsupported(n, `only padding an N×C×H×W map is supported (pads [${pads.join(', ')}]).`);
    const [nb, cb, hb, wb, ne, ce, he, we] = pads;
    if (nb || cb || ne || ce) throw this.unsupported(n, 'padding the batch or channel axis is not supported.');
    if ([hb, wb, he, we].some((p) => p < 0)) throw this.unsupported(n, 'negative padding (cropping) is not supported.');
    this.emit(n, 'ZeroPad2D', { padding: hb === wb && wb === he && he === we ? hb : [hb, wb, he, we] }, [x]);
  }
}

/** The draft as a document (no positions: the editor lays it out). */
export function draftDocument(name: string, nodes: ModelNode[], edges: ModelDocument['edges']): ModelDocument {
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name, nodes, edges };
}
