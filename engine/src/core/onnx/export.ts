/**
 * Compile an analysed document to ONNX (opset 17): each primitive of the expanded graph is lowered
 * by its op's `lowerOnnx`; weights come from the document (inline or sidecar) or the seeded
 * initialiser. The value carrying a document node's output is named by the node id.
 */
import type { ModelDocument, ModelNode } from '../document/schema';
import type { Analysis, PrimitiveNode } from '../graph/types';
import { ops as defaultOps } from '../ops';
import type { OpRegistry } from '../ops/registry';
import type { WeightSpec } from '../ops/op';
import { numel, type Shape } from '../shape';
import { decodeTensorData, initialWeight, inlineWeightKey, WeightShapeError } from '../weights/resolve';
import { DEFAULT_SEED } from '../weights/seeded';
import { OnnxGraphBuilder, type BufferProvider, type Dim } from './builder';
import type { OnnxLoweringContext } from './lowering';

export class OnnxExportError extends Error {
  constructor(
    readonly code: 'invalid-graph' | 'unsupported-op' | 'bad-weights',
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
    this.name = 'OnnxExportError';
  }
}

/**
 * Seeded weights, kept across compilations and generated once per (seed, primitive, weight): editing
 * one layer, or a partial run compiling only part of the graph, leaves the other arrays reusable.
 * What the last compilation used is always kept; older weights stay while all of them fit
 * `budgetBytes` (default 256 MiB), least recently used going first — switching the seed back and
 * forth, or between a graph and its tail, does not generate them again.
 */
export class WeightCache {
  private readonly map = new Map<string, Float32Array>();
  private used = new Set<string>();
  /** Weights held by `put` that no compilation has asked for since. */
  private readonly ahead = new Set<string>();
  private bytes = 0;

  /** `onEvict`: told of each array dropped (by `sweep` or `makeRoom`; the onnxruntime backend refills them: spare-arrays.ts). */
  constructor(
    readonly budgetBytes = 256 * 2 ** 20,
    private readonly onEvict?: (array: Float32Array) => void,
  ) {}

  get(key: string, make: () => Float32Array): Float32Array {
    let w = this.map.get(key);
    if (w) this.map.delete(key);
    else {
      w = make();
      this.bytes += w.byteLength;
    }
    this.map.set(key, w); // most recently used last
    this.used.add(key);
    this.ahead.delete(key);
    return w;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The weight under `key`, if held, without marking it used or recently used. */
  peek(key: string): Float32Array | undefined {
    return this.map.get(key);
  }

  /**
   * Holds a weight made ahead of any compilation (the onnxruntime backend's seeds made ahead): most
   * recently used, but not marked used; until a compilation asks for it, `makeRoom` drops it first.
   */
  put(key: string, w: Float32Array): void {
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.bytes -= old.byteLength;
    }
    this.map.set(key, w);
    this.bytes += w.byteLength;
    this.ahead.add(key);
  }

  /** Marks a weight the compilation feeds as an input as used, if held: the sweep keeps it for the run. */
  keep(key: string): void {
    const w = this.map.get(key);
    if (!w) return;
    this.map.delete(key);
    this.map.set(key, w);
    this.used.add(key);
    this.ahead.delete(key);
  }

  /** Drops weights the last compilation did not use, least recently used first, until the rest fit the budget (call after each compilation). */
  sweep(): void {
    this.makeRoom(0);
    this.used = new Set();
  }

  /**
   * Drops weights, least recently used first (none the compilation under way has used), until
   * `bytes` more fit the budget: called before weights that size are made, so that what it drops
   * can be refilled by them (`onEvict`) rather than only after, when they are already made.
   */
  makeRoom(bytes: number, options: { aheadFirst?: boolean } = {}): void {
    // Weights made ahead that nothing asked for go first (a seed edit to a seed no one foresaw): not
    // the current seed's, which the next edit of another kind needs again. Not when making more ahead.
    const order = options.aheadFirst === false || this.ahead.size === 0 ? this.map.keys() : [...this.ahead, ...this.map.keys()];
    for (const key of order) {
      if (this.bytes + bytes <= this.budgetBytes) break;
      const w = this.map.get(key);
      if (!w || this.used.has(key)) continue;
      this.map.delete(key);
      this.ahead.delete(key);
      this.bytes -= w.byteLength;
      this.onEvict?.(w);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

export interface OnnxCompileOptions {
  /** Weight seed; the document's seed (or the default) when absent. */
  seed?: number;
  /** The document's binary weights sidecar, for weights stored there. */
  sidecar?: Uint8Array;
  /** Batch dimension: a size or a symbolic name. Default 1. */
  batch?: Dim;
  /** Graph name (default: the document's name). */
  name?: string;
  /** Document node ids to expose as graph outputs; default: nodes whose output nothing consumes. */
  outputs?: readonly string[];
  weightCache?: WeightCache;
  registry?: OpRegistry;
  /**
   * Batch norm primitives (by primitive id) lowered with the statistics of the value being run
   * (core/weights/calibration.ts): live inference sets it; exports never do — they keep the model's
   * running statistics. Batch 1 only: the statistics are those of one image.
   */
  calibrateBatchNorm?: ReadonlySet<string>;
  /**
   * The exact identity of given (inline or sidecar) weights, by primitive id and weight name: an
   * initializer that has one is hashed by it (`Initializer.fingerprint`) rather than by a sample of
   * its bytes, so two weights that differ in one value never share a compiled session.
   */
  weightIds?: ReadonlyMap<string, Record<string, string>>;
  /**
   * Primitives (by id) whose weights become graph inputs instead of initializers: a compiled
   * session then runs with whatever values are fed (`CompiledOnnx.weightInputs`, values from
   * `primitiveWeight`) — weights that change between runs (the kernel editor, training) reuse it.
   */
  weightInputs?: ReadonlySet<string>;
}

/** A weight compiled as a graph input. */
export interface WeightInput {
  /** The graph input's name. */
  name: string;
  primId: string;
  /** The weight's name (WeightSpec.name). */
  weight: string;
  shape: Shape;
}

export interface CompiledValue {
  /** ONNX value name. */
  name: string;
  /** Shape without the batch dimension. */
  shape: Shape;
}

export interface CompiledOnnx {
  builder: OnnxGraphBuilder;
  /** Document node id → the value carrying its output. */
  values: Record<string, CompiledValue>;
  /** Input node ids, in document order (graph inputs are named by them). */
  inputs: string[];
  /** Document node ids exposed as graph outputs (named by them). */
  outputs: string[];
  batch: Dim;
  /** Weights compiled as graph inputs (OnnxCompileOptions.weightInputs), in the order they were added. */
  weightInputs: WeightInput[];
}

/** Document nodes that ran and have no outgoing edge (Input nodes excluded), in document order. */
export function graphOutputs(doc: ModelDocument, analysis: Analysis): string[] {
  const hasOutgoing = new Set(doc.edges.map((e) => e.source));
  return doc.nodes.filter((n) => n.type !== 'Input' && analysis.primitives.outputOf[n.id] !== undefined && !hasOutgoing.has(n.id)).map((n) => n.id);
}

export function compileOnnx(doc: ModelDocument, analysis: Analysis, options: OnnxCompileOptions = {}): CompiledOnnx {
  const registry = options.registry ?? defaultOps;
  const seed = options.seed ?? doc.seed ?? DEFAULT_SEED;
  const batch = options.batch ?? 1;
  const outputOf = analysis.primitives.outputOf;
  if (options.calibrateBatchNorm?.size && batch !== 1) throw new Error(`compileOnnx: calibrated batch norms need batch 1, got ${batch}.`);
  // Primitives of a composite that failed part-way have no document output: leave them out.
  const prims = analysis.primitives.nodes.filter((p) => outputOf[p.owner] !== undefined);
  if (prims.length === 0) throw new OnnxExportError('invalid-graph', 'The model has no node that can run — add an Input node and connect layers to it.');
  const builder = new OnnxGraphBuilder(options.name ?? (doc.name || 'cnn-studio'));
  const docNodes = new Map<string, ModelNode>(doc.nodes.map((n) => [n.id, n]));
  // Document node ids name their outputs; reserve them before any internal name is made.
  for (const id of Object.keys(outputOf)) builder.uniqueName(id);

  const valueName = new Map<string, string>();
  for (const p of prims) valueName.set(p.id, outputOf[p.owner] === p.id ? p.owner : builder.uniqueName(p.id));

  const inputs: string[] = [];
  const weightInputs: WeightInput[] = [];
  for (const prim of prims) {
    const output = valueName.get(prim.id)!;
    if (prim.type === 'Input') {
      builder.addInput(output, [batch, ...prim.shape]);
      inputs.push(prim.owner);
      continue;
    }
    const op = registry.get(prim.type);
    if (!op?.lowerOnnx) throw new OnnxExportError('unsupported-op', `Node "${prim.owner}": ${prim.type} cannot be compiled to ONNX yet.`, prim.owner);
    const calibrate = options.calibrateBatchNorm?.has(prim.id) ?? false;
    const fed = options.weightInputs?.has(prim.id) ?? false;
    const weights: Record<string, string> = {};
    for (const spec of prim.weights) {
      const add = () => {
        if (fed) {
          // Fed on every run from the cache: not to be swept out for the values of this compilation.
          if (!docNodes.get(prim.owner)?.weights?.[inlineWeightKey(prim, spec.name)]) options.weightCache?.keep(seededWeightKey(prim, spec, seed));
          const name = builder.uniqueName(`${prim.id}.${spec.name}`);
          builder.addInput(name, spec.shape);
          weightInputs.push({ name, primId: prim.id, weight: spec.name, shape: spec.shape });
          return name;
        }
        const { data, fingerprint } = weightData(prim, spec, docNodes.get(prim.owner), seed, options);
        return builder.addFloatInitializer(builder.uniqueName(`${prim.id}.${spec.name}`), spec.shape, data, fingerprint);
      };
      if (!calibrate) weights[spec.name] = add();
      else {
        // Added when read: the running statistics a calibrated batch norm replaces would be unused
        // initializers (onnxruntime warns about each one).
        let name: string | undefined;
        Object.defineProperty(weights, spec.name, { enumerable: true, get: () => (name ??= add()) });
      }
    }
    const ctx: OnnxLoweringContext = {
      inputs: prim.inputs.map((i) => valueName.get(i)!),
      inputShapes: prim.inputShapes,
      shape: prim.shape,
      output,
      weights,
      ...(calibrate ? { calibrate } : {}),
      node: (opType, ins, outs, attrs) => void builder.addNode(opType, ins, outs, attrs),
      temp: (hint) => builder.uniqueName(`${prim.id}/${hint}`),
      constInt64: (values, hint = 'const') => builder.addInt64Initializer(builder.uniqueName(`${prim.id}/${hint}`), values),
      constFloat: (values, dims, hint = 'const') => builder.addFloatInitializer(builder.uniqueName(`${prim.id}/${hint}`), dims ?? (typeof values === 'number' ? [] : [values.length]), Float32Array.from(typeof values === 'number' ? [values] : values)),
    };
    op.lowerOnnx(prim.params, ctx);
  }
  options.weightCache?.sweep();

  const outputs = [...(options.outputs ?? graphOutputs(doc, analysis))];
  const values: Record<string, CompiledValue> = {};
  const primById = new Map(prims.map((p) => [p.id, p]));
  for (const [id, primId] of Object.entries(outputOf)) {
    const prim = primById.get(primId);
    if (prim) values[id] = { name: valueName.get(primId)!, shape: prim.shape };
  }
  for (const id of outputs) {
    const v = values[id];
    if (!v) throw new OnnxExportError('invalid-graph', `Node "${id}" did not get a shape, so it cannot be a graph output — fix the errors upstream of it.`, id);
    builder.addOutput(v.name, [batch, ...v.shape]);
  }
  return { builder, values, inputs, outputs, batch, weightInputs };
}

/** The values of one weight of a primitive, as compileOnnx would compile them (for a weight fed as a graph input). */
export function primitiveWeight(doc: ModelDocument, prim: PrimitiveNode, name: string, options: Pick<OnnxCompileOptions, 'seed' | 'sidecar' | 'weightCache'> = {}): Float32Array {
  const spec = prim.weights.find((w) => w.name === name);
  if (!spec) throw new OnnxExportError('invalid-graph', `Node "${prim.owner}" has no weight "${name}".`, prim.owner);
  return weightData(prim, spec, doc.nodes.find((n) => n.id === prim.owner), options.seed ?? doc.seed ?? DEFAULT_SEED, options).data;
}

/** The model as ONNX protobuf bytes (weights as raw_data). */
export function exportOnnx(doc: ModelDocument, analysis: Analysis, options: OnnxCompileOptions & { provide?: BufferProvider } = {}): Uint8Array {
  if (!analysis.valid) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error');
    throw new OnnxExportError('invalid-graph', `The model has errors and cannot be exported${first ? `: ${first.message}` : '.'}`, first?.nodeId);
  }
  const compiled = compileOnnx(doc, analysis, { batch: 'N', ...options });
  return compiled.builder.encode({ docString: doc.description, metadata: { 'cnn-studio.seed': String(options.seed ?? doc.seed ?? DEFAULT_SEED) } }, options.provide);
}

/** Seeded weights are a function of this key: it identifies them without reading their bytes (WeightCache's key). */
export function seededWeightKey(prim: PrimitiveNode, spec: WeightSpec, seed: number): string {
  return `seeded\u0000${seed}\u0000${prim.id}\u0000${spec.name}\u0000${spec.init}\u0000${spec.fanIn}\u0000${spec.shape.join('x')}`;
}

/** A seeded weight a compilation will ask the cache for, under its key. */
export interface SeededWeight {
  key: string;
  prim: PrimitiveNode;
  spec: WeightSpec;
}

/**
 * The He-normal seeded weights a compilation of these primitives uses (given weights and constant
 * ones left out), with their WeightCache keys: for generating those the cache lacks ahead, elsewhere
 * (runtime/seeded-threads.ts).
 */
export function seededWeights(doc: ModelDocument, prims: readonly PrimitiveNode[], seed = doc.seed ?? DEFAULT_SEED): SeededWeight[] {
  const owners = new Map(doc.nodes.map((n) => [n.id, n]));
  const out: SeededWeight[] = [];
  for (const prim of prims) {
    for (const spec of prim.weights) {
      if (spec.init !== 'he' || owners.get(prim.owner)?.weights?.[inlineWeightKey(prim, spec.name)]) continue;
      out.push({ key: seededWeightKey(prim, spec, seed), prim, spec });
    }
  }
  return out;
}

function weightData(prim: PrimitiveNode, spec: WeightSpec, owner: ModelNode | undefined, seed: number, options: OnnxCompileOptions): { data: Float32Array; fingerprint?: string } {
  const key = inlineWeightKey(prim, spec.name);
  const given = owner?.weights?.[key];
  if (given) {
    const data = decodeTensorData(given, options.sidecar);
    if (!data) throw new OnnxExportError('bad-weights', `Node "${prim.owner}": weight "${key}" is stored in the sidecar file, which was not loaded.`, prim.owner);
    if (data.length !== numel(spec.shape)) {
      throw new OnnxExportError('bad-weights', new WeightShapeError(`Node "${prim.owner}": weight "${key}" has ${data.length} values, but ${spec.shape.join('×')} = ${numel(spec.shape)} are needed.`).message, prim.owner);
    }
    const id = options.weightIds?.get(prim.id)?.[spec.name];
    return id === undefined ? { data } : { data, fingerprint: `given\u0000${id}` };
  }
  const fingerprint = seededWeightKey(prim, spec, seed);
  const make = () => initialWeight(spec, prim.id, seed);
  return { data: options.weightCache ? options.weightCache.get(fingerprint, make) : make(), fingerprint };
}
