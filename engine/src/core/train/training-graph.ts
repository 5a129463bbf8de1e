/**
 * Reverse-mode autodiff, compiled: one training step of a document as one ordinary ONNX graph
 * (opset 17, standard ops only) — forward in training mode, softmax cross-entropy on the logits,
 * the backward pass from each op's gradient rule, and the optimizer's update. Weights, optimizer
 * state and batch-norm statistics are graph inputs and their new values graph outputs, so the
 * trainer passes them from one step to the next and any session runs any weights.
 *
 * Kinds: "step" (update), "gradients" (∂loss/∂weights and ∂loss/∂input, for checking against
 * PyTorch), "eval" (inference-mode forward with a symbolic batch: per-sample loss and prediction).
 */
import type { ModelDocument } from '../document/schema';
import type { Analysis, PrimitiveNode } from '../graph/types';
import { graphOutputs } from '../onnx/export';
import { OnnxGraphBuilder } from '../onnx/builder';
import { attr, type OnnxAttr, type OnnxLoweringContext } from '../onnx/lowering';
import { DataType } from '../onnx/data-type';
import { ops as defaultOps } from '../ops';
import type { WeightSpec } from '../ops/op';
import type { OpRegistry } from '../ops/registry';
import { formatShape, numel, type Shape } from '../shape';
import { inlineWeightKey } from '../weights/resolve';
import type { GradLoweringContext, TrainLoweringContext } from './lowering';
import { lowerUpdate, stateNames, type OptimizerConfig } from './optimizers';

export type TrainGraphKind = 'step' | 'gradients' | 'eval';

export class TrainingError extends Error {
  constructor(
    readonly code: 'invalid-graph' | 'no-output' | 'not-classifier' | 'no-trainable' | 'unsupported-op' | 'inputs',
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** One weight of the model, a graph input (and, in a step graph, an output: its new value). */
export interface WeightSlot {
  input: string;
  output?: string;
  /** In a gradients graph: ∂loss/∂weight (trainable weights that reach the loss). */
  grad?: string;
  /** In a step graph, a weight the optimizer updates: where its new value starts (in floats) in `params`. */
  offset?: number;
  prim: string;
  owner: string;
  /** The document's key on the owner node (`inlineWeightKey`). */
  key: string;
  spec: WeightSpec;
}

/**
 * One optimizer state tensor ("exp_avg", "momentum", …) of all trainable weights, packed flat in
 * the order of `weights` (the same layout as the step graph's `params` output).
 */
export interface StateSlot {
  input: string;
  output: string;
  /** The weights' input names, in packing order. */
  weights: string[];
  name: string;
  shape: number[];
}

export interface NoiseSlot {
  input: string;
  shape: number[];
}

export interface TrainingGraph {
  builder: OnnxGraphBuilder;
  kind: TrainGraphKind;
  batch: number | 'N';
  /** Multiply-accumulates of one forward pass over the batch (undefined for a batch of any size). */
  forwardMacs?: number;
  /** Graph input of the images, [batch, C, H, W]. */
  image: string;
  imageShape: Shape;
  /** Graph input of the labels, int64 [batch]. */
  labels: string;
  classes: number;
  /** The document node whose output is the logits. */
  logitsNode: string;
  /** A trailing Softmax node folded into the loss. */
  softmaxNode?: string;
  weights: WeightSlot[];
  state: StateSlot[];
  noise: NoiseSlot[];
  /**
   * Step graphs: the updated trainable weights packed flat into one output (each slot's `offset`
   * says where); batch-norm statistics keep one output each (`WeightSlot.output`).
   */
  params?: { output: string; size: number };
  /** Scalar float inputs: lr, stepSize, bc2Sqrt (step graphs). */
  scalars: { lr: string; stepSize: string; bc2Sqrt: string };
  outputs: {
    /** Mean loss over the batch (step, gradients), scalar. */
    loss?: string;
    /** Correct predictions in the batch, scalar float (step, gradients). */
    correct?: string;
    /** Per-sample loss [N] and predicted class int64 [N] (eval). */
    sampleLoss?: string;
    predictions?: string;
    /** ∂loss/∂image (gradients). */
    imageGrad?: string;
  };
}

export interface TrainGraphOptions {
  kind: TrainGraphKind;
  /** Fixed batch for step and gradients graphs; eval graphs use a symbolic batch. */
  batch: number;
  optimizer?: OptimizerConfig;
  registry?: OpRegistry;
}

/** The node that gives the class scores, and a trailing Softmax to fold into the loss. */
export function findLogits(doc: ModelDocument, analysis: Analysis): { logits: PrimitiveNode; softmax?: PrimitiveNode; classes: number } {
  const outs = graphOutputs(doc, analysis);
  if (outs.length === 0) throw new TrainingError('no-output', 'The model has no output to train — connect layers after the Input, ending in a Dense layer with one unit per class.');
  if (outs.length > 1) {
    throw new TrainingError('no-output', `The model has ${outs.length} outputs (${outs.slice(0, 4).join(', ')}) — training needs exactly one: connect or delete the extra branches.`, outs[1]);
  }
  const prims = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
  let logits = prims.get(analysis.primitives.outputOf[outs[0]])!;
  let softmax: PrimitiveNode | undefined;
  if (logits.type === 'Softmax') {
    softmax = logits;
    logits = prims.get(logits.inputs[0])!;
  }
  const s = logits.shape;
  const classVector = s.length === 1 || (s.length === 3 && s[1] === 1 && s[2] === 1);
  if (!classVector || s[0] < 2) {
    throw new TrainingError('not-classifier', `The model's output is ${formatShape(s)} — training needs one score per class (a vector of at least 2, e.g. a Dense layer with one unit per class).`, logits.owner);
  }
  return { logits, softmax, classes: s[0] };
}

/** Builds one training, gradient or evaluation graph of the document. */
export function buildTrainingGraph(doc: ModelDocument, analysis: Analysis, options: TrainGraphOptions): TrainingGraph {
  const registry = options.registry ?? defaultOps;
  const kind = options.kind;
  const training = kind !== 'eval';
  if (!analysis.valid) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error');
    throw new TrainingError('invalid-graph', `The model has errors and cannot be trained${first ? `: ${first.message}` : '.'}`, first?.nodeId);
  }
  const { logits, softmax, classes } = findLogits(doc, analysis);
  const prims = liveAncestors(analysis.primitives.nodes, logits.id);
  const inputPrims = prims.filter((p) => p.type === 'Input');
  if (inputPrims.length !== 1) throw new TrainingError('inputs', `Training needs exactly one Input feeding the output; this model has ${inputPrims.length}.`);
  for (const p of prims) {
    const op = registry.get(p.type);
    if (p.type !== 'Input' && !op?.lowerOnnx) throw new TrainingError('unsupported-op', `Node "${p.owner}": ${p.type} cannot be compiled yet.`, p.owner);
    if (training && p.type !== 'Input' && !op?.gradOnnx) throw new TrainingError('unsupported-op', `Node "${p.owner}": ${p.type} has no gradient rule yet, so it cannot be trained through.`, p.owner);
  }
  if (training && !prims.some((p) => p.weights.some((w) => w.trainable))) {
    throw new TrainingError('no-trainable', 'The model has no layer that learns (no Conv2D, Dense or BatchNorm before the output) — add one.');
  }

  const batch: number | 'N' = training ? options.batch : 'N';
  const b = new OnnxGraphBuilder(doc.name || 'cnn-studio');
  const g = new Emitter(b);
  const value = new Map<string, string>();
  const weightSlots: WeightSlot[] = [];
  const weightsOf = new Map<string, Record<string, string>>();
  const saved = new Map<string, Record<string, string>>();
  const stateUpdates = new Map<string, string>();
  const noise: NoiseSlot[] = [];

  const imagePrim = inputPrims[0];
  const image = b.uniqueName('image');
  b.addInput(image, [batch, ...imagePrim.shape]);
  value.set(imagePrim.id, image);
  const labels = b.uniqueName('labels');
  b.addInput(labels, [batch], DataType.INT64);

  // Forward.
  for (const prim of prims) {
    if (prim.type === 'Input') continue;
    const op = registry.get(prim.type)!;
    const weights: Record<string, string> = {};
    for (const spec of prim.weights) {
      const input = b.uniqueName(`${prim.id}.${spec.name}`);
      b.addInput(input, spec.shape);
      weights[spec.name] = input;
      weightSlots.push({ input, prim: prim.id, owner: prim.owner, key: inlineWeightKey(prim, spec.name), spec });
    }
    weightsOf.set(prim.id, weights);
    const output = b.uniqueName(prim.id);
    value.set(prim.id, output);
    const base = g.context(prim, value, weights, output);
    if (training && op.lowerTrain) {
      const keep: Record<string, string> = {};
      saved.set(prim.id, keep);
      const ctx: TrainLoweringContext = {
        ...base,
        batch: options.batch,
        noise(hint, shape) {
          const name = b.uniqueName(`${prim.id}/${hint}`);
          const dims = [options.batch, ...shape];
          b.addInput(name, dims);
          noise.push({ input: name, shape: dims });
          return name;
        },
        updateState: (w, v) => void stateUpdates.set(weights[w], v),
        save: (key, v) => void (keep[key] = v),
      };
      op.lowerTrain(prim.params, ctx);
    } else {
      op.lowerOnnx!(prim.params, base);
    }
  }

  // Loss: softmax cross-entropy on the logits, as torch.nn.functional.cross_entropy.
  let logitsValue = value.get(logits.id)!;
  if (logits.shape.length === 3) logitsValue = g.op('Flatten', [logitsValue], 'logits', { axis: attr.i(1) });
  const logp = g.op('LogSoftmax', [logitsValue], 'logp', { axis: attr.i(1) });
  const onehot = g.op('OneHot', [labels, b.addInt64Initializer(b.uniqueName('classes'), [classes]), g.constFloat([0, 1], [2])], 'onehot', { axis: attr.i(-1) });
  const sampleNll = g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [onehot, logp], 'picked'), b.addInt64Initializer(b.uniqueName('axis1'), [1])], 'sum_picked', { keepdims: attr.i(0) })], 'nll');
  const predictions = g.op('ArgMax', [logitsValue], 'predictions', { axis: attr.i(1), keepdims: attr.i(0) });
  const outputs: TrainingGraph['outputs'] = {};
  const scalars = { lr: '', stepSize: '', bc2Sqrt: '' };

  if (!training) {
    outputs.sampleLoss = g.op('Identity', [sampleNll], 'sample_loss');
    outputs.predictions = g.op('Identity', [predictions], 'predicted');
    b.addOutput(outputs.sampleLoss, ['N']);
    b.addOutput(outputs.predictions, ['N'], DataType.INT64);
  } else {
    const n = options.batch;
    outputs.loss = g.op('ReduceMean', [sampleNll], 'loss', { keepdims: attr.i(0) });
    const hits = g.op('Cast', [g.op('Equal', [predictions, labels], 'hit')], 'hit_f', { to: attr.i(DataType.FLOAT) });
    outputs.correct = g.op('ReduceSum', [hits], 'correct', { keepdims: attr.i(0) });
    b.addOutput(outputs.loss, []);
    b.addOutput(outputs.correct, []);

    // Backward. ∂loss/∂logits = (softmax − onehot) / N.
    const grads = new Map<string, string[]>();
    const addGrad = (id: string, v: string) => grads.set(id, [...(grads.get(id) ?? []), v]);
    let dlogits = g.op('Div', [g.op('Sub', [g.op('Exp', [logp], 'probs'), onehot], 'residual'), g.constFloat(n)], 'dlogits');
    if (logits.shape.length === 3) dlogits = g.op('Reshape', [dlogits, b.addInt64Initializer(b.uniqueName('logits_shape'), [n, ...logits.shape])], 'dlogits_map');
    addGrad(logits.id, dlogits);

    const wantImageGrad = kind === 'gradients';
    const needs = needsGradient(prims, wantImageGrad);
    const weightGrads = new Map<string, string>();
    for (let i = prims.length - 1; i >= 0; i--) {
      const prim = prims[i];
      const contributions = grads.get(prim.id);
      if (!contributions || prim.type === 'Input') continue;
      const outputGrad = contributions.length === 1 ? contributions[0] : g.op('Sum', contributions, `${prim.id}/dsum`);
      const weights = weightsOf.get(prim.id)!;
      const base = g.context(prim, value, weights, value.get(prim.id)!);
      const ctx: GradLoweringContext = {
        ...base,
        batch: n,
        outputGrad,
        saved: saved.get(prim.id) ?? {},
        needsInputGrad: prim.inputs.map((id) => needs.has(id)),
        inputGrad(index, v) {
          if (!needs.has(prim.inputs[index])) throw new Error(`${prim.type} "${prim.id}": gradient for input ${index} was not asked for`);
          addGrad(prim.inputs[index], v);
        },
        weightGrad(name, v) {
          const spec = prim.weights.find((w) => w.name === name);
          if (!spec?.trainable) throw new Error(`${prim.type} "${prim.id}": "${name}" is not a trainable weight`);
          weightGrads.set(weights[name], v);
        },
      };
      registry.get(prim.type)!.gradOnnx!(prim.params, ctx);
    }
    if (wantImageGrad) {
      const contributions = grads.get(imagePrim.id) ?? [];
      outputs.imageGrad = contributions.length === 0 ? g.op('Mul', [image, g.constFloat(0)], 'dimage') : contributions.length === 1 ? contributions[0] : g.op('Sum', contributions, 'dimage');
      b.addOutput(outputs.imageGrad, [n, ...imagePrim.shape]);
    }

    if (kind === 'gradients') {
      for (const slot of weightSlots) {
        const grad = weightGrads.get(slot.input);
        if (!grad) continue;
        slot.grad = grad;
        b.addOutput(grad, slot.spec.shape);
      }
      for (const slot of weightSlots) {
        const next = stateUpdates.get(slot.input);
        if (next) {
          slot.output = next;
          b.addOutput(next, slot.spec.shape);
        }
      }
    } else {
      const optimizer = options.optimizer;
      if (!optimizer) throw new Error('a step graph needs an optimizer');
      for (const name of ['lr', 'stepSize', 'bc2Sqrt'] as const) {
        scalars[name] = b.uniqueName(name);
        b.addInput(scalars[name], []);
      }
      // The optimizer runs once over all trainable weights packed flat (one Concat of the weights,
      // one of their gradients), not once per weight: its dozen element-wise ops per weight were
      // tiny kernels whose dispatch cost more than their arithmetic (LeNet-5: ~0.6 of 5 ms a step).
      const trained = weightSlots.filter((slot) => weightGrads.has(slot.input));
      const flatShape = b.addInt64Initializer(b.uniqueName('flat'), [-1]);
      const packed = (values: string[], hint: string) => {
        const flat = values.map((v) => g.op('Reshape', [v, flatShape], `${hint}_flat`));
        return flat.length === 1 ? flat[0] : g.op('Concat', flat, hint, { axis: attr.i(0) });
      };
      let size = 0;
      for (const slot of trained) {
        slot.offset = size;
        size += numel(slot.spec.shape);
      }
      const current = stateNames(optimizer).map((name) => {
        const input = b.uniqueName(`optimizer/${name}`);
        b.addInput(input, [size]);
        return { name, input };
      });
      const updated = lowerUpdate(
        optimizer,
        { param: packed(trained.map((slot) => slot.input), 'params'), grad: packed(trained.map((slot) => weightGrads.get(slot.input)!), 'grads'), state: current.map((c) => c.input), ...scalars },
        g,
      );
      b.addOutput(updated.param, [size]);
      const state: StateSlot[] = current.map((c, k) => {
        b.addOutput(updated.state[k], [size]);
        return { input: c.input, output: updated.state[k], weights: trained.map((slot) => slot.input), name: c.name, shape: [size] };
      });
      for (const slot of weightSlots) {
        const next = stateUpdates.get(slot.input);
        if (next) {
          slot.output = next;
          b.addOutput(next, slot.spec.shape);
        }
      }
      return finish(state, { output: updated.param, size });
    }
  }
  return finish([]);

  function finish(state: StateSlot[], params?: TrainingGraph['params']): TrainingGraph {
    const forwardMacs = typeof batch === 'number' ? analysis.totals.macs * batch : undefined;
    return { builder: b, kind, batch, ...(forwardMacs !== undefined ? { forwardMacs } : {}), image, imageShape: imagePrim.shape, labels, classes, logitsNode: logits.owner, softmaxNode: softmax?.owner, weights: weightSlots, state, noise, params, scalars, outputs };
  }
}

/** The primitives the logits depend on, in topological order (dangling branches are not trained). */
function liveAncestors(nodes: readonly PrimitiveNode[], target: string): PrimitiveNode[] {
  const byId = new Map(nodes.map((p) => [p.id, p]));
  const live = new Set<string>();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...byId.get(id)!.inputs);
  }
  return nodes.filter((p) => live.has(p.id));
}

/** Primitives whose output's gradient is needed: something at or upstream of them learns (or the image, when asked). */
function needsGradient(prims: readonly PrimitiveNode[], image: boolean): Set<string> {
  const needs = new Set<string>();
  for (const p of prims) {
    if ((p.type === 'Input' && image) || p.weights.some((w) => w.trainable) || p.inputs.some((i) => needs.has(i))) needs.add(p.id);
  }
  return needs;
}

/** Adds nodes and constants to the builder; the shared part of the ops' lowering contexts. */
class Emitter {
  constructor(private readonly b: OnnxGraphBuilder) {}

  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs?: Record<string, OnnxAttr>): void {
    this.b.addNode(opType, inputs, outputs, attrs);
  }

  temp(hint: string): string {
    return this.b.uniqueName(hint);
  }

  op(opType: string, inputs: readonly string[], hint: string, attrs?: Record<string, OnnxAttr>): string {
    const out = this.b.uniqueName(hint);
    this.b.addNode(opType, inputs, [out], attrs);
    return out;
  }

  constFloat(values: number | readonly number[], dims?: readonly number[], hint = 'const'): string {
    const data = Float32Array.from(typeof values === 'number' ? [values] : values);
    const shape = dims ?? (typeof values === 'number' ? [] : [data.length]);
    if (numel(shape) !== data.length) throw new Error(`constFloat: ${data.length} values for shape ${shape.join('×')}`);
    return this.b.addFloatInitializer(this.b.uniqueName(hint), shape, data);
  }

  context(prim: PrimitiveNode, value: ReadonlyMap<string, string>, weights: Record<string, string>, output: string): OnnxLoweringContext & { constFloat: Emitter['constFloat'] } {
    const b = this.b;
    return {
      inputs: prim.inputs.map((i) => value.get(i)!),
      inputShapes: prim.inputShapes,
      shape: prim.shape,
      output,
      weights,
      node: (opType, ins, outs, attrs) => void b.addNode(opType, ins, outs, attrs),
      temp: (hint) => b.uniqueName(`${prim.id}/${hint}`),
      constInt64: (values, hint = 'const') => b.addInt64Initializer(b.uniqueName(`${prim.id}/${hint}`), values),
      constFloat: (values, dims, hint = 'const') => this.constFloat(values, dims, `${prim.id}/${hint}`),
    };
  }
}
