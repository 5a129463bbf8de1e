/**
 * The reference backend: runs the valid part of a document (analysis.primitives, in topological
 * order) with the plain-TypeScript kernels of ./ops — slow, small and readable; the second opinion
 * for the onnxruntime backend and the engine of the teaching views.
 */
import type { NodeRunResult, TensorResult } from '../../core/api';
import type { ModelDocument } from '../../core/document/schema';
import type { Analysis } from '../../core/graph/types';
import { calibratedBatchNorms, calibratedNodes } from '../../core/weights/calibration';
import { resolveWeights } from '../../core/weights/resolve';
import type { Backend, BackendRunOptions, BackendRunResult } from '../backend';
import { requestedTensors } from '../graph-outputs';
import { featurePreview, tensorStats } from '../previews';
import { runKernel } from './ops';
import { batchStatistics } from './ops/batchnorm';
import type { Tensor } from './tensor';

export class RunAbortedError extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'RunAbortedError';
  }
}

export class MissingInputError extends Error {
  constructor(readonly nodeId: string) {
    super(`No input tensor for Input node "${nodeId}".`);
    this.name = 'MissingInputError';
  }
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ReferenceBackend implements Backend {
  readonly name = 'reference';

  async run(doc: ModelDocument, analysis: Analysis, inputs: Record<string, Float32Array>, options: BackendRunOptions): Promise<BackendRunResult> {
    const { outputOf } = analysis.primitives;
    // Primitives of nodes that failed part-way (a composite with an error inside) have no output: skip them.
    const prims = analysis.primitives.nodes.filter((p) => outputOf[p.owner] !== undefined);
    const docNodeOf = new Map<string, string>();
    for (const [nodeId, primId] of Object.entries(outputOf)) docNodeOf.set(primId, nodeId);
    const wanted = requestedTensors(doc, analysis, options.tensors);
    const seeded = options.seed === undefined ? doc : { ...doc, seed: options.seed };
    const calibrate = options.calibrateBatchNorm === false ? new Set<string>() : calibratedBatchNorms(doc, analysis.primitives);
    // Fed nodes (a partial run) are summarised by the caller.
    const fed = new Set(options.fed);

    // How many primitives still need each value, so intermediates are dropped as soon as possible.
    const pending = new Map<string, number>();
    for (const p of prims) for (const i of p.inputs) pending.set(i, (pending.get(i) ?? 0) + 1);

    const values = new Map<string, Tensor>();
    const nodes: Record<string, NodeRunResult> = {};
    const tensors: Record<string, TensorResult> = {};
    for (const prim of prims) {
      if (options.signal) {
        await nextTick(); // lets a cancel message in
        if (options.signal.aborted) throw new RunAbortedError();
      }
      let out: Tensor;
      if (prim.type === 'Input') {
        // By document node: an Input node, or a node whose output a partial run feeds (partial-run.ts).
        const data = inputs[prim.owner];
        if (!data) throw new MissingInputError(prim.owner);
        out = { shape: [...prim.shape], data };
      } else {
        const xs = prim.inputs.map((id) => values.get(id)!);
        const weights = resolveWeights(seeded, prim, options.sidecar);
        // A batch norm without trained statistics: this input's own.
        out = runKernel(prim, xs, calibrate.has(prim.id) ? { ...weights, ...batchStatistics(xs[0]) } : weights);
      }
      values.set(prim.id, out);

      const nodeId = docNodeOf.get(prim.id);
      if (nodeId !== undefined && !fed.has(nodeId)) {
        nodes[nodeId] = { shape: out.shape, stats: tensorStats(out.data), ...(options.previews ? { preview: featurePreview(out.shape, out.data) } : {}) };
        if (wanted.has(nodeId)) tensors[nodeId] = { shape: out.shape, data: out.data };
      }
      for (const i of prim.inputs) {
        const left = pending.get(i)! - 1;
        pending.set(i, left);
        if (left === 0) values.delete(i);
      }
    }
    const calibrated = calibratedNodes(analysis.primitives, calibrate);
    return { nodes, tensors, ...(calibrated.length ? { calibrated } : {}) };
  }

  async dispose(): Promise<void> {}
}
