/**
 * The fast path: compile the document to ONNX (with in-graph statistics and previews) and run it on
 * onnxruntime-node. Sessions are cached by a structural hash of the compiled graph, so an unchanged
 * graph never recompiles (a document key skips even the compilation).
 *
 * Edit-to-result: a new large graph first gets a session created without graph optimisation
 * (about 2.5× faster to create, runs ~1.5× slower); when the backend has been idle for
 * `upgradeDelayMs` (`oneOffUpgradeDelayMs` while the session has served one run only), it is
 * rebuilt fully optimised and replaces the first one. Small graphs
 * (< `smallGraphMacs`) and heavy ones (> `heavyWeightBytes`, for peak memory) get the fully
 * optimised session at once. onnxruntime-node creates sessions
 * on the JS thread, so the upgrade waits for a pause between edits rather than delaying the next one.
 * Weights fed as graph inputs (kernel and seed edits, a training run followed live) that then stop
 * changing are baked into a second session of the same graph after a pause (`bake`) — in the engine
 * process on a thread of its own (`bakeOn`, session-thread.ts), so that no edit waits for it.
 * Weights are kept across compilations (seeded per prim id, shape and seed), and the model is encoded
 * into a reused buffer: touched memory fills ~40× faster than fresh memory on these machines.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelDocument } from '../../core/document/schema';
import type { Analysis, PrimitiveNode } from '../../core/graph/types';
import type { NodeRunResult, TensorResult } from '../../core/api';
import { compileOnnx, graphOutputs, primitiveWeight, seededWeights, WeightCache, type SeededWeight, type WeightInput } from '../../core/onnx/export';
import { numel } from '../../core/shape';
import { DEFAULT_SEED } from '../../core/weights/seeded';
import { SeededThreads } from '../seeded-threads';
import { SpareArrays } from '../spare-arrays';
import { SeededStreams } from '../seeded-streams';
import type { OnnxGraphBuilder } from '../../core/onnx/builder';
import { calibratedBatchNorms, calibratedNodes } from '../../core/weights/calibration';
import type { Backend, BackendRunOptions, BackendRunResult } from '../backend';
import { requestedTensors } from '../graph-outputs';
import { featurePreview, tensorStats } from '../previews';
import { addHostTaps, addTaps, readTaps, tapOutputs, type TapLayout } from './taps';
import { documentKey, structuralKey } from './hash';
import type { RunnableSession, SessionMaker } from './session-thread';

const HEAVY_WEIGHT_BYTES = 150 * 2 ** 20;

/**
 * Pool threads spin within a run and stop when it returns (`session.force_spinning_stop`). By default
 * onnxruntime's threads spin on after every run, waiting for the next: ~36 ms of CPU after a 1 ms
 * LeNet-5 run, ~46 ms after a 40 ms ResNet-50 run (process CPU over 200 ms idle after each run). In
 * the live editor that CPU is taken from the page painting the result, and from a training run's
 * threads while the thumbnails follow it.
 */
export const SPIN_WITHIN_RUNS = { intra_op: { allow_spinning: '1' }, force_spinning_stop: '1' } as const;
const HOST_TAP_VALUES = 2 ** 17;
let modelFiles = 0;

export type OptimisationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface OrtBackendOptions {
  /** Threads for one operator (default: number of cores). */
  threads?: number;
  /** Sessions kept (each holds its weights). Default 2. */
  maxSessions?: number;
  /** Level of the session first built for a new large graph. Default 'disabled' (fastest to create). */
  firstLevel?: OptimisationLevel;
  /** Level of the session that replaces it when idle, and of small graphs' sessions. Default 'all'. */
  upgradeLevel?: OptimisationLevel;
  /** Graphs under this many multiply-accumulates get `upgradeLevel` at once. Default 3e8. */
  smallGraphMacs?: number;
  /**
   * Graphs with more weight bytes than this get `upgradeLevel` at once: a second session would
   * hold a second copy of the weights, and freed native memory is rarely returned to the system,
   * so tiering would raise the peak memory; they are streamed to a temporary file rather than encoded
   * into a buffer. Default 150 MiB.
   */
  heavyWeightBytes?: number;
  /** Idle time before the upgrade starts, ms, once a session has served a second run. Default 250. */
  upgradeDelayMs?: number;
  /**
   * Idle time before the upgrade of a session that has served one run only, ms (at least
   * `upgradeDelayMs`). Default 2000. Each structural edit makes a session that the next edit
   * replaces: upgrading it 250 ms in blocked the engine's thread (ResNet-50: 250–450 ms) just when a
   * person made the next edit — the bench's edits 300 ms apart waited up to ~150 ms for it.
   */
  oneOffUpgradeDelayMs?: number;
  /**
   * Idle time before fed weights that stopped changing are baked into a session of their own (see
   * OrtBackend.bake), ms (at least `upgradeDelayMs`). Default 2000, or 250 with `bakeOn`. Creating ResNet-50's baked
   * session blocks the engine's thread for 300–700 ms: 250 ms into a pause it met the next kernel
   * edit of a person typing values one after another (in the live bench, one edit waited 500–700 ms).
   */
  bakeDelayMs?: number;
  /**
   * Where baked sessions are created and run (see OrtBackend.bake): a SessionThread (the engine
   * process passes one), so that creating one no longer blocks this thread and runs go on, fed, while
   * it is made; the backend shuts it down on dispose. Absent: on this thread. With it, `bakeDelayMs`
   * defaults to 250.
   */
  bakeOn?: SessionMaker;
  /**
   * Graphs whose tapped nodes hold at most this many values in all get their statistics and
   * previews computed on the JS side from the full tensors (no tap nodes: faster session creation,
   * e.g. LeNet-5); larger ones compute them inside the graph. Default 131072 (512 KiB of floats).
   */
  hostTapValues?: number;
  /**
   * In graphs with in-graph taps, nodes of at most this many values are still summarised on the JS
   * side (taps.ts, TapOptions.hostMaxValues). Default 8192.
   */
  hostNodeValues?: number;
  /** Seeded weights kept across compilations and seeds (WeightCache), bytes. Default 256 MiB. */
  weightCacheBytes?: number;
  /** Arrays of dropped seeded weights kept to be filled again (spare-arrays.ts), bytes; 0 keeps none. Default 128 MiB. */
  spareArrayBytes?: number;
  /** Idle time after a run before the seeded weights of the seeds likely next are made (prepareSeeds), ms. Default 150. */
  seedsAheadDelayMs?: number;
}

/**
 * Seeds made ahead are made this many values at a time (the largest weight whole): between two
 * batches a run that came in goes first, having waited for one batch at most (~4 ms on two cores).
 */
const SEEDS_AHEAD_BATCH_VALUES = 1 << 22;

interface CachedSession {
  key: string;
  session: ort.InferenceSession;
  level: OptimisationLevel;
  layout: TapLayout;
  outputs: Record<string, string>;
  inputs: { id: string; name: string; dims: number[] }[];
  /** Weights compiled as graph inputs (BackendRunOptions.weightInputs): fed on every run. */
  weightInputs: WeightInput[];
  /** Kept until the upgrade, to re-encode the model (weights are shared, not copied). */
  builder?: OnnxGraphBuilder;
  /** The graph of a session with fed weights, kept to bake the stable ones (see `bake`). */
  graph?: OnnxGraphBuilder;
  /** What the last run fed, by `weightInputs` index: identities (BackendRunOptions.weightIds) and arrays (none where a baked session held the weight, or holds it since). */
  lastFed?: { ids: (string | undefined)[]; data: (Float32Array | undefined)[] };
  /** By `weightInputs` index: fed with the same identity in the last two runs, with its array at hand. */
  stable?: boolean[];
  /** The same graph with stable fed weights as constants (built when idle): `ids[i]` is the identity baked for weightInputs[i], undefined where that weight is still fed. */
  baked?: { session: ort.InferenceSession | RunnableSession; ids: (string | undefined)[] };
  baking?: Promise<void>;
  /** Runs this session has served. */
  runs: number;
  upgrading?: Promise<void>;
  disposed?: boolean;
}

export class OrtBackendError extends Error {
  constructor(
    readonly code: 'bad-input' | 'internal',
    message: string,
  ) {
    super(message);
    this.name = 'OrtBackendError';
  }
}

export class OrtBackend implements Backend {
  readonly name = 'onnxruntime-node';
  private readonly sessions = new Map<string, CachedSession>();
  /** Arrays of seeded weights the cache dropped, filled again by the next seeds (spare-arrays.ts). */
  private readonly spares: SpareArrays;
  private readonly weights: WeightCache;
  /** Graphs whose initializers are read right now (sessions being created from them, an upgrade under way), by reader count. */
  private readonly pinned = new Map<OnnxGraphBuilder, number>();
  /** Arrays fed to runs in progress (by run count). */
  private readonly feeding = new Map<Float32Array, number>();
  /** Generates a compilation's new seeded weights on every core (a seed edit of ResNet-50: 25.5 M values). */
  private readonly seededThreads = new SeededThreads();
  /** Document key (see documentKey) → structural key of its compiled graph. */
  private readonly docKeys = new Map<string, string>();
  /** The live editor re-runs one image on every edit: its Input nodes' summaries are kept. */
  private readonly inputSummaries = new InputSummaries();
  private readonly threads: number;
  private encodeBuffer = new Uint8Array(0);
  private upgradeTimer: ReturnType<typeof setTimeout> | undefined;
  private bakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs in progress (an upgrade never replaces a session under a run). */
  private active = 0;
  /** Bakes under way on `options.bakeOn`: its thread is busy creating a session, so runs there would wait — they run fed meanwhile. */
  private bakesElsewhere = 0;
  private bufferLock: Promise<void> = Promise.resolve();
  /** Timings of the last run, for benchmarks and logs. */
  /** Sessions created so far (tests check what is cached). */
  sessionsCreated = 0;
  /** Seeded weights made into a dropped weight's array so far (tests). */
  sparesRefilled = 0;
  /** Seeded weights made so far: for runs, ahead for seeds likely next, and of them from a prefix of their stream (tests, benchmarks). */
  seededMade = { forRuns: 0, ahead: 0, fromPrefix: 0 };
  /** The He-normal streams whose weights the cache holds: a weight of another count continues one (seeded-streams.ts). */
  private readonly streams = new SeededStreams();
  /** The seeds likely next and the run they follow (prepareSeeds). */
  private ahead: { doc: ModelDocument; analysis: Analysis; current: number; next: readonly number[] } | undefined;
  private aheadTimer: ReturnType<typeof setTimeout> | undefined;
  /** Making seeds ahead, until it stops (a run came, or all are made). */
  private aheadWork: Promise<void> | undefined;
  /** The batch of weights being made ahead: a run waits for it (its weights may be the run's). */
  private aheadBatch: Promise<void> | undefined;
  lastTimings: { compileMs: number; createMs: number; runMs: number; reusedSession: boolean; baked?: boolean } = { compileMs: 0, createMs: 0, runMs: 0, reusedSession: false };

  constructor(private readonly options: OrtBackendOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    this.spares = new SpareArrays({ budgetBytes: options.spareArrayBytes });
    this.weights = new WeightCache(options.weightCacheBytes, (array) => this.spares.offer(array));
  }

  /**
   * At level "all" onnxruntime rewrites a batch norm or an average pool whose input comes from a
   * convolution in its blocked NCHWc layout (the batch norm into a convolution): other arithmetic,
   * other last bits than the same operator on a graph input. A partial run never starts there.
   */
  contextSensitive(prim: PrimitiveNode): boolean {
    if (prim.type === 'BatchNorm') return true;
    return (prim.type === 'Pool2D' || prim.type === 'GlobalPool') && (prim.params as { mode?: string }).mode === 'avg';
  }

  async run(doc: ModelDocument, analysis: Analysis, inputs: Record<string, Float32Array>, options: BackendRunOptions): Promise<BackendRunResult> {
    this.active++;
    try {
      return await this.runOnce(doc, analysis, inputs, options);
    } finally {
      this.active--;
      this.scheduleUpgrade();
      this.releaseRetired();
    }
  }

  private async runOnce(doc: ModelDocument, analysis: Analysis, inputs: Record<string, Float32Array>, options: BackendRunOptions): Promise<BackendRunResult> {
    const t0 = performance.now();
    const wanted = [...requestedTensors(doc, analysis, options.tensors)];
    const calibrate = options.calibrateBatchNorm === false ? new Set<string>() : calibratedBatchNorms(doc, analysis.primitives);
    // The sidecar's key names its contents: the same ranges of another sidecar file never reuse a session.
    const docKey =
      options.graphKey !== undefined
        ? `graph:${options.graphKey}`
        : documentKey(doc, { seed: options.seed, previews: options.previews, wanted, ...(options.sidecarKey !== undefined ? { sidecar: options.sidecarKey } : {}), ...(options.calibrateBatchNorm === false ? { running: true } : {}), ...(options.weightInputs?.size ? { fedWeights: [...options.weightInputs].sort() } : {}) });
    let entry = this.sessionFor(docKey);
    // Compiled in this run: its seeded weights were made ahead (generateSeeded) for the compilation.
    const compiling = !entry;
    let created = false;
    let t1 = t0;
    if (!entry) {
      await this.generateSeeded(doc, analysis, options.seed);
      const outputs = [...new Set([...graphOutputs(doc, analysis), ...wanted])];
      const compiled = compileOnnx(doc, analysis, { seed: options.seed, batch: 1, outputs, weightCache: this.weights, name: 'cnn-studio', sidecar: options.sidecar, calibrateBatchNorm: calibrate, ...(options.weightIds ? { weightIds: options.weightIds } : {}), ...(options.weightInputs?.size ? { weightInputs: options.weightInputs } : {}) });
      // Fed nodes (a partial run) are summarised by the caller.
      const fed = new Set(options.fed);
      const tapped = options.previews ? doc.nodes.map((n) => n.id).filter((id) => compiled.values[id] && !fed.has(id)) : [];
      const tappedValues = tapped.reduce((n, id) => n + compiled.values[id].shape.reduce((m, d) => m * d, 1), 0);
      const onHost = tappedValues <= (this.options.hostTapValues ?? HOST_TAP_VALUES);
      const layout = onHost ? addHostTaps(compiled.builder, compiled.values, tapped) : addTaps(compiled.builder, compiled.values, tapped, { hostMaxValues: this.options.hostNodeValues });
      if (compiled.outputs.length === 0 && layout.nodes.length === 0 && !layout.host?.length) return { nodes: {}, tensors: {} };
      // What the entry answers beyond the graph's structure: inputs summarised on the JS side leave no
      // trace in it (a fed node is not summarised), and a tensor asked for can be the same graph
      // output as a small node's host tap.
      const summarisedInputs = (layout.host ?? []).filter((h) => !h.output).map((h) => h.id);
      const key = `${structuralKey(compiled.builder, options.seed ?? doc.seed)}:${summarisedInputs.join(',')}:${compiled.outputs.join(',')}`;
      t1 = performance.now();
      entry = this.sessions.get(key);
      if (!entry) {
        const small = analysis.totals.macs < (this.options.smallGraphMacs ?? 3e8);
        const weightBytes = compiled.builder.initializers.reduce((n, t) => n + t.bytes.byteLength, 0);
        const heavy = weightBytes > (this.options.heavyWeightBytes ?? HEAVY_WEIGHT_BYTES);
        const level = small || heavy ? this.upgradeLevel : (this.options.firstLevel ?? 'disabled');
        const session = await this.createSession(compiled.builder, level);
        created = true;
        entry = {
          key,
          session,
          level,
          layout,
          outputs: Object.fromEntries(compiled.outputs.map((id) => [id, compiled.values[id].name])),
          inputs: compiled.inputs.map((id) => ({ id, name: compiled.values[id].name, dims: [1, ...compiled.values[id].shape] })),
          weightInputs: compiled.weightInputs,
          runs: 0,
        };
        if (level !== this.upgradeLevel && !options.oneOff) entry.builder = compiled.builder;
        const fedBytes = compiled.weightInputs.reduce((n, w) => n + 4 * w.shape.reduce((m, d) => m * d, 1), 0);
        if (compiled.weightInputs.length && !options.oneOff && fedBytes <= (this.options.heavyWeightBytes ?? HEAVY_WEIGHT_BYTES)) entry.graph = compiled.builder;
        this.remember(entry);
      }
      this.docKeys.set(docKey, key);
      if (this.docKeys.size > 32) this.docKeys.delete(this.docKeys.keys().next().value!);
    }
    entry.runs++;
    // A run arriving during an upgrade (or a bake on this thread) waits for the new session.
    if (entry.upgrading) await entry.upgrading;
    if (entry.baking && !this.options.bakeOn) await entry.baking;
    // The upgrade failed and dropped the entry: compile afresh.
    if (entry.disposed) return this.runOnce(doc, analysis, inputs, options);
    const t2 = performance.now();
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');

    // No prototype: an Input named "__proto__" (ONNX import keeps graph input names) is a key like any other.
    const feeds: Record<string, ort.Tensor> = Object.create(null);
    for (const input of entry.inputs) {
      const data = inputs[input.id];
      const expected = input.dims.reduce((n, d) => n * d, 1);
      if (!data) throw new OrtBackendError('bad-input', `No input given for Input node "${input.id}".`);
      if (data.length !== expected) throw new OrtBackendError('bad-input', `Input node "${input.id}" expects ${input.dims.slice(1).join('×')} = ${expected} values, got ${data.length}.`);
      feeds[input.name] = new ort.Tensor('float32', data, input.dims);
    }
    let session: ort.InferenceSession | RunnableSession = entry.session;
    if (entry.weightInputs.length) {
      const ids = options.weightIds ? entry.weightInputs.map((w) => options.weightIds!.get(w.primId)?.[w.weight]) : undefined;
      // The baked session, when every weight it holds is still the one this run has (and its thread is
      // not busy making another).
      const baked = ids && this.bakesElsewhere === 0 && entry.baked?.ids.every((id, i) => id === undefined || id === ids[i]) ? entry.baked : undefined;
      if (baked) session = baked.session;
      const fedHere = (i: number) => !baked || baked.ids[i] === undefined;
      // A seed edit's new weights, made on every core (a reused session compiles nothing that would).
      if (!compiling) await this.generateSeeded(doc, analysis, options.seed, new Set(entry.weightInputs.filter((_, i) => fedHere(i)).map((w) => w.primId)));
      const prims = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
      const data = entry.weightInputs.map((w, i) => {
        if (!fedHere(i)) return undefined;
        const prim = prims.get(w.primId);
        if (!prim) throw new OrtBackendError('internal', `The compiled graph feeds weights of "${w.primId}", which this run does not have.`);
        const array = primitiveWeight(doc, prim, w.weight, { seed: options.seed, sidecar: options.sidecar, weightCache: this.weights });
        feeds[w.name] = new ort.Tensor('float32', array, w.shape);
        return array;
      });
      // What this run feeds stays; older seeds' weights go once the cache is over its budget.
      this.weights.sweep();
      if (entry.graph && ids) {
        const before = entry.lastFed;
        entry.lastFed = { ids, data };
        entry.stable = ids.map((id, i) => id !== undefined && data[i] !== undefined && before?.ids[i] === id);
      }
    }
    const fetch = new Set(Object.values(entry.outputs));
    for (const id of wanted) if (!entry.outputs[id]) throw new OrtBackendError('internal', `Node "${id}" is not an output of the compiled graph.`);
    for (const name of tapOutputs(entry.layout)) fetch.add(name);
    for (const h of entry.layout.host ?? []) if (h.output) fetch.add(h.output);
    const fed = Object.values(feeds).map((t) => t.data as Float32Array);
    for (const a of fed) this.feeding.set(a, (this.feeding.get(a) ?? 0) + 1);
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await session.run(feeds, [...fetch]);
    } catch (e) {
      // A baked session's thread that failed or exited took the session with it: forget it and run
      // again on the fed session.
      if (session === entry.session || session !== entry.baked?.session || !this.options.bakeOn) throw e;
      entry.baked = undefined;
      return this.runOnce(doc, analysis, inputs, options);
    } finally {
      for (const a of fed) {
        const n = this.feeding.get(a)! - 1;
        if (n) this.feeding.set(a, n);
        else this.feeding.delete(a);
      }
    }
    const t3 = performance.now();

    const tensors: Record<string, TensorResult> = {};
    for (const id of wanted) {
      const out = result[entry.outputs[id]];
      tensors[id] = { shape: out.dims.slice(1).map(Number), data: out.data as Float32Array };
    }
    const nodes = readTaps(entry.layout, result);
    for (const h of entry.layout.host ?? []) {
      nodes[h.id] = h.output ? summary(h.shape, result[h.output].data as Float32Array) : this.inputSummaries.get(h.id, h.shape, inputs[h.id]);
    }
    this.lastTimings = { compileMs: t1 - t0, createMs: t2 - t1, runMs: t3 - t2, reusedSession: !created, baked: session !== entry.session };
    const calibrated = calibratedNodes(analysis.primitives, calibrate);
    return { nodes, tensors, ...(calibrated.length ? { calibrated } : {}) };
  }

  /**
   * The seeded weights compileOnnx (or the feeds of a run) will ask the cache for, made ahead on every
   * core (a failure leaves them to be made one by one); `only`: of these primitives.
   */
  private async generateSeeded(doc: ModelDocument, analysis: Analysis, seed: number | undefined, only?: ReadonlySet<string>): Promise<void> {
    // Weights being made ahead may be this run's: the batch under way ends first, and no other starts.
    await this.aheadBatch;
    const prims = seededPrims(analysis).filter((p) => !only || only.has(p.id));
    const docSeed = seed ?? doc.seed ?? DEFAULT_SEED;
    const all = seededWeights(doc, prims, docSeed);
    const missing = all.filter((w) => !this.weights.has(w.key));
    if (!missing.length) return;
    // What the new weights will push out of the cache goes now (never what this run uses).
    for (const w of all) this.weights.keep(w.key);
    await this.makeSeeded(missing, docSeed, (key, a) => this.weights.get(key, () => a));
    this.seededMade.forRuns += missing.length;
  }

  /**
   * Makes seeded weights on every core, into arrays an older seed's weights left where one of the size
   * is free (no fresh memory to fault in): room is made in the cache first, so that what it drops can
   * be filled again. A failure leaves them unmade (a run then makes them one by one).
   */
  private async makeSeeded(missing: readonly SeededWeight[], seed: number, hold: (key: string, a: Float32Array) => void, ahead = false): Promise<void> {
    this.weights.makeRoom(missing.reduce((n, m) => n + 4 * numel(m.spec.shape), 0), { aheadFirst: !ahead });
    const held = this.spares.size ? this.readArrays() : undefined;
    const jobs = missing.map((m) => {
      const out = held && this.spares.take(numel(m.spec.shape), (a) => held.has(a.buffer));
      if (out) this.sparesRefilled++;
      const prefix = this.streams.prefix(m, seed, (key) => this.weights.peek(key));
      if (prefix) this.seededMade.fromPrefix++;
      return { spec: m.spec, primId: m.prim.id, seed, ...(out ? { out } : {}), ...(prefix ? { prefix } : {}) };
    });
    const made = await this.seededThreads.generate(jobs).catch(() => undefined);
    made?.arrays.forEach((a, i) => {
      hold(missing[i].key, a);
      this.streams.made(missing[i], seed, a.length, made.states[i], (key) => this.weights.has(key));
    });
  }

  /**
   * Seeds made ahead: after a run, the seeds its document is likely to ask for next (RunRequest.nextSeeds:
   * the seed field's neighbours, the Reseed button's next seed). Once the backend has been idle for
   * `seedsAheadDelayMs`, their seeded weights are made, most likely seed first, in batches a run
   * interrupts, for as many seeds as the weight cache holds beside the current one's weights (ResNet-50,
   * 102 MB a seed: one; ResNet-152: none). A seed edit to one of them then only runs: making ResNet-50's
   * 25.5 M values is ~45 ms of a seed edit's ~130 on two cores.
   */
  prepareSeeds(doc: ModelDocument, analysis: Analysis, seeds: { current: number; next: readonly number[] }): void {
    this.ahead = { doc, analysis, current: seeds.current, next: seeds.next };
    clearTimeout(this.aheadTimer);
    this.aheadTimer = setTimeout(() => {
      if (this.active > 0) return; // the run under way asks again when it ends
      // After what is still making an older run's seeds (it stops at its next batch: `ahead` changed).
      const work: Promise<void> = (this.aheadWork ?? Promise.resolve()).then(() => this.makeSeedsAhead()).finally(() => {
        if (this.aheadWork === work) this.aheadWork = undefined;
      });
      this.aheadWork = work;
    }, this.options.seedsAheadDelayMs ?? 150);
    this.aheadTimer.unref?.();
  }

  private async makeSeedsAhead(): Promise<void> {
    const ahead = this.ahead;
    if (!ahead || this.active > 0) return;
    const prims = seededPrims(ahead.analysis);
    const oneSeedBytes = seededWeights(ahead.doc, prims, ahead.current).reduce((n, w) => n + 4 * numel(w.spec.shape), 0);
    const seeds = [...new Set(ahead.next)].filter((s) => s !== ahead.current);
    for (let k = 0; k < seeds.length && oneSeedBytes > 0 && (k + 2) * oneSeedBytes <= this.weights.budgetBytes; k++) {
      const missing = seededWeights(ahead.doc, prims, seeds[k]).filter((w) => !this.weights.has(w.key));
      for (const batch of batches(missing, SEEDS_AHEAD_BATCH_VALUES)) {
        if (this.ahead !== ahead || this.active > 0) return;
        this.aheadBatch = this.makeSeeded(batch, seeds[k], (key, a) => this.weights.put(key, a), true);
        await this.aheadBatch.finally(() => (this.aheadBatch = undefined));
        this.seededMade.ahead += batch.length;
      }
    }
  }

  /**
   * The buffers something may still read: the graphs kept to upgrade or bake, or being encoded, what
   * each session's last run fed that a bake would copy, what runs in progress feed. A spare array on
   * one of them is not refilled.
   */
  private readArrays(): Set<ArrayBufferLike> {
    const held = new Set<ArrayBufferLike>();
    const graphs = new Set(this.pinned.keys());
    for (const entry of [...this.sessions.values(), ...this.retired]) {
      if (entry.builder) graphs.add(entry.builder);
      if (entry.graph) graphs.add(entry.graph);
      // A bake copies only stable weights (fed alike in the last two runs); the next run brings its own arrays.
      entry.lastFed?.data.forEach((a, i) => a && entry.stable?.[i] && held.add(a.buffer));
    }
    for (const graph of graphs) for (const t of graph.initializers) held.add(t.bytes.buffer);
    for (const a of this.feeding.keys()) held.add(a.buffer);
    return held;
  }

  private pin(graph: OnnxGraphBuilder): void {
    this.pinned.set(graph, (this.pinned.get(graph) ?? 0) + 1);
  }

  private unpin(graph: OnnxGraphBuilder): void {
    const n = this.pinned.get(graph)! - 1;
    if (n) this.pinned.set(graph, n);
    else this.pinned.delete(graph);
  }

  /** Upgrades every session and makes the seeds likely next now, and waits (benchmarks and tests use this for a steady state). */
  async settle(): Promise<void> {
    clearTimeout(this.upgradeTimer);
    clearTimeout(this.bakeTimer);
    clearTimeout(this.aheadTimer);
    await this.aheadWork;
    await this.makeSeedsAhead();
    for (const entry of this.sessions.values()) this.startIdleWork(entry);
    await Promise.all([...this.sessions.values()].map((e) => e.upgrading));
    await Promise.all([...this.sessions.values()].map((e) => e.baking));
  }

  async dispose(): Promise<void> {
    clearTimeout(this.upgradeTimer);
    clearTimeout(this.bakeTimer);
    clearTimeout(this.aheadTimer);
    this.ahead = undefined;
    await this.aheadWork;
    await this.seededThreads.dispose();
    this.spares.clear();
    await Promise.all([...this.sessions.values()].map((e) => e.upgrading));
    await Promise.all([...this.sessions.values()].map((e) => e.baking));
    for (const entry of [...this.retired, ...this.sessions.values()]) await this.release(entry);
    this.retired = [];
    this.sessions.clear();
    await this.options.bakeOn?.shutdown();
  }

  sessionOptions(level: OptimisationLevel): ort.InferenceSession.SessionOptions {
    return {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: level,
      extra: { session: SPIN_WITHIN_RUNS },
    };
  }

  private get upgradeLevel(): OptimisationLevel {
    return this.options.upgradeLevel ?? 'all';
  }

  /** (Re)starts the idle timer after a run; when it fires, sessions still unoptimised are rebuilt. */
  private scheduleUpgrade(): void {
    this.scheduleBake();
    clearTimeout(this.upgradeTimer);
    const pending = [...this.sessions.values()].filter((e) => e.builder && !e.upgrading);
    if (!pending.length) return;
    const delay = this.options.upgradeDelayMs ?? 250;
    const oneOffDelay = Math.max(delay, this.options.oneOffUpgradeDelayMs ?? 2000);
    this.upgradeTimer = setTimeout(
      () => {
        if (this.active > 0) return this.scheduleUpgrade();
        for (const entry of [...this.sessions.values()].reverse()) this.startUpgrade(entry);
      },
      pending.some((e) => e.runs > 1) ? delay : oneOffDelay,
    );
    this.upgradeTimer.unref?.(); // never keeps a one-shot process (the CLI) alive
  }

  /** (Re)starts the idle timer for bakes (see bake) after a run. */
  private scheduleBake(): void {
    clearTimeout(this.bakeTimer);
    if (![...this.sessions.values()].some((e) => this.wantsBake(e))) return;
    const delay = Math.max(this.options.upgradeDelayMs ?? 250, this.options.bakeDelayMs ?? (this.options.bakeOn ? 250 : 2000));
    this.bakeTimer = setTimeout(() => {
      if (this.active > 0) return this.scheduleBake();
      for (const entry of [...this.sessions.values()].reverse()) this.startBake(entry);
    }, delay);
    this.bakeTimer.unref?.();
  }

  /** Starts what an idle backend does for a session: its upgrade, and a bake of its stable fed weights. */
  private startIdleWork(entry: CachedSession): void {
    this.startUpgrade(entry);
    this.startBake(entry);
  }

  /** Rebuilds the entry's session fully optimised, unless it is already or is being. */
  private startUpgrade(entry: CachedSession): void {
    if (entry.builder && !entry.upgrading) entry.upgrading = this.upgrade(entry);
  }

  /** Bakes the entry's stable fed weights (after its upgrade, if one is under way) when it wants it. */
  private startBake(entry: CachedSession): void {
    if (this.wantsBake(entry)) entry.baking = (entry.upgrading ?? Promise.resolve()).then(() => this.bake(entry));
  }

  /** Some fed weight has kept its identity for two runs and is not what the baked session holds. */
  private wantsBake(entry: CachedSession): boolean {
    if (!entry.graph || entry.baking || entry.disposed || !entry.stable || !entry.lastFed) return false;
    const { ids } = entry.lastFed;
    return entry.stable.some((stable, i) => stable && entry.baked?.ids[i] !== ids[i]);
  }

  /**
   * A session of the entry's graph with its stable fed weights as constants. Weights are fed where
   * they change (a kernel being edited, a training run) or may (a seed edit feeds every seeded
   * weight, and later runs keep feeding them): onnxruntime cannot pre-pack a fed kernel, so a
   * ResNet-50 run on fed weights takes 1.3–1.6× as long. Once a weight has stayed the same for two
   * runs it is baked in, while the backend is idle; runs use the baked session while every weight
   * it holds is still the run's (by identity), and feed only the rest. The fed session stays for
   * the next change.
   */
  private async bake(entry: CachedSession): Promise<void> {
    const elsewhere = this.options.bakeOn;
    if (elsewhere) this.bakesElsewhere++;
    let installed = false;
    try {
      const { ids, data } = entry.lastFed!;
      const bakedIds = entry.weightInputs.map((_, i) => (entry.stable![i] ? ids[i] : undefined));
      const constants = new Map(entry.weightInputs.flatMap((w, i) => (bakedIds[i] !== undefined ? [[w.name, { dims: w.shape, data: data[i]! }] as const] : [])));
      if (entry.disposed || constants.size === 0) return;
      const graph = entry.graph!.withInputsAsConstants(constants);
      // Elsewhere, the model is encoded before the first await: the arrays are copied before any run can change what they hold.
      const session = elsewhere ? await elsewhere.create((buffer) => graph.encode({}, buffer), this.sessionOptions(this.upgradeLevel)) : await this.createSession(graph, this.upgradeLevel);
      const old = entry.baked;
      // Runs went on meanwhile (a bake elsewhere): one may have brought other weights, and then this
      // session is no longer any run's.
      const now = entry.lastFed ?? { ids, data };
      if (entry.disposed || bakedIds.some((id, i) => id !== undefined && id !== now.ids[i])) {
        await session.release();
        return;
      }
      entry.baked = { session, ids: bakedIds };
      // The baked session holds its own copy: the arrays it was made from are no longer this entry's
      // to keep (their cache entries may go, and spare-arrays.ts refill them).
      entry.lastFed = { ids: now.ids, data: now.data.map((a, i) => (bakedIds[i] === undefined ? a : undefined)) };
      await old?.session.release();
      installed = true;
    } catch {
      // No baked session: the runs keep feeding every weight.
    } finally {
      if (elsewhere) this.bakesElsewhere--;
      entry.baking = undefined;
      // Runs that came meanwhile may have made other weights stable.
      if (elsewhere && installed) this.scheduleBake();
    }
  }

  private async upgrade(entry: CachedSession): Promise<void> {
    const builder = entry.builder!;
    entry.builder = undefined;
    this.pin(builder);
    try {
      if (entry.disposed) return;
      // Creation runs on this thread, so no run can use the old session meanwhile (runs of this
      // entry wait for `upgrading`): releasing it first keeps one copy of the weights at a time.
      await entry.session.release();
      try {
        entry.session = await this.createSession(builder, this.upgradeLevel);
        entry.level = this.upgradeLevel;
      } catch {
        entry.session = await this.createSession(builder, entry.level);
      }
    } catch {
      // Both failed: forget the entry; the next run compiles afresh.
      entry.disposed = true;
      this.sessions.delete(entry.key);
    } finally {
      entry.upgrading = undefined;
      this.unpin(builder);
    }
  }

  /**
   * Encodes into the shared buffer and creates a session. One at a time: onnxruntime reads the
   * bytes only when creation actually starts, so the buffer must not be reused before that.
   */
  private createSession(builder: OnnxGraphBuilder, level: OptimisationLevel): Promise<ort.InferenceSession> {
    this.sessionsCreated++;
    this.pin(builder);
    const created = this.bufferLock.then(async () => {
      const weightBytes = builder.initializers.reduce((n, t) => n + t.bytes.byteLength, 0);
      if (weightBytes > (this.options.heavyWeightBytes ?? HEAVY_WEIGHT_BYTES)) return this.createFromFile(builder, level);
      const model = builder.encode({}, (size) => this.buffer(size));
      return ort.InferenceSession.create(model, this.sessionOptions(level));
    });
    this.bufferLock = created.then(
      () => undefined,
      () => undefined,
    );
    return created.finally(() => this.unpin(builder));
  }

  /**
   * Heavy models: streamed to a temporary file and loaded from there, so no buffer of the whole
   * model (hundreds of MiB beside the weights themselves and onnxruntime's copy) exists in this
   * process while the session is created — it keeps the peak memory down (ResNet-152).
   */
  private async createFromFile(builder: OnnxGraphBuilder, level: OptimisationLevel): Promise<ort.InferenceSession> {
    const file = join(tmpdir(), `cnn-studio-${process.pid}-${++modelFiles}.onnx`);
    try {
      const fd = openSync(file, 'w', 0o600);
      try {
        builder.encodeTo((chunk) => {
          for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
        });
      } finally {
        closeSync(fd);
      }
      return await ort.InferenceSession.create(file, this.sessionOptions(level));
    } finally {
      rmSync(file, { force: true });
    }
  }

  /** The cached session for a document key, marked most recently used. */
  private sessionFor(docKey: string): CachedSession | undefined {
    const key = this.docKeys.get(docKey);
    const entry = key === undefined ? undefined : this.sessions.get(key);
    if (!entry) return undefined;
    this.sessions.delete(entry.key);
    this.sessions.set(entry.key, entry);
    return entry;
  }

  private remember(entry: CachedSession): void {
    this.sessions.set(entry.key, entry);
    const max = this.options.maxSessions ?? 2;
    while (this.sessions.size > max) {
      const [oldestKey, oldest] = this.sessions.entries().next().value as [string, CachedSession];
      this.sessions.delete(oldestKey);
      // Released once this run has answered: disposing a session takes milliseconds (LeNet-5's
      // structural edits: ~3 ms of ~12), which the edit's result should not wait for.
      this.retired.push(oldest);
    }
  }

  /** Sessions evicted during runs, released after them (remember). */
  private retired: CachedSession[] = [];

  private releaseRetired(): void {
    if (this.retired.length === 0) return;
    const retired = this.retired;
    this.retired = [];
    // After the run's result has gone out: its continuation (the worker posting it) runs first.
    setImmediate(() => {
      for (const entry of retired) void this.release(entry);
    });
  }

  private async release(entry: CachedSession): Promise<void> {
    if (entry.disposed && !entry.upgrading && !entry.baking) return;
    entry.disposed = true;
    await entry.upgrading;
    await entry.baking;
    await entry.session.release().catch(() => undefined);
    const baked = entry.baked;
    entry.baked = undefined;
    await baked?.session.release().catch(() => undefined);
  }

  /** A grow-only buffer for encoding: memory already touched is ~40× faster to fill than fresh. */
  private buffer(size: number): Uint8Array {
    if (this.encodeBuffer.length < size) this.encodeBuffer = new Uint8Array(Math.ceil(size * 1.05));
    return this.encodeBuffer;
  }
}

function summary(shape: readonly number[], data: Float32Array): NodeRunResult {
  return { shape: [...shape], stats: tensorStats(data), preview: featurePreview(shape, data) };
}

/**
 * Statistics and previews of the last few input tensors, with a copy of each tensor: a run whose
 * input equals the copy byte for byte gets the kept summary (3×224×224, in a loop, warm: comparing
 * 0.02 ms, summarising 0.85 ms). Results are transferred to the host, so each run gets its own copy of
 * the preview's buffers.
 */
class InputSummaries {
  private readonly kept = new Map<string, { data: Float32Array; result: NodeRunResult }>();

  constructor(private readonly max = 4) {}

  get(id: string, shape: readonly number[], data: Float32Array): NodeRunResult {
    const key = `${id}:${shape.join('x')}`;
    let hit = this.kept.get(key);
    if (!hit || !sameBytes(hit.data, data)) {
      hit = { data: data.slice(), result: summary(shape, data) };
      this.kept.delete(key);
      this.kept.set(key, hit);
      if (this.kept.size > this.max) this.kept.delete(this.kept.keys().next().value!);
    }
    const { shape: kept, stats, preview } = hit.result;
    return { shape: [...kept], stats: { ...stats }, ...(preview ? { preview: { ...preview, data: preview.data.slice(), ranges: preview.ranges.slice() } } : {}) };
  }
}

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The primitives that run (their owner has an output): those whose seeded weights a run makes. */
function seededPrims(analysis: Analysis): PrimitiveNode[] {
  return analysis.primitives.nodes.filter((p) => analysis.primitives.outputOf[p.owner] !== undefined);
}

/** Weights in batches of about `values` values, largest first (a weight larger than that is a batch of its own). */
function batches(weights: readonly SeededWeight[], values: number): SeededWeight[][] {
  const out: SeededWeight[][] = [];
  let batch: SeededWeight[] = [];
  let size = 0;
  for (const w of [...weights].sort((a, b) => numel(b.spec.shape) - numel(a.spec.shape))) {
    if (batch.length && size + numel(w.spec.shape) > values) {
      out.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(w);
    size += numel(w.spec.shape);
  }
  if (batch.length) out.push(batch);
  return out;
}
