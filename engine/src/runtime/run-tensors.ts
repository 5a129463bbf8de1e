/**
 * Full tensors for fetchTensor, kept in the engine worker. The first fetch for a run runs that run's
 * request once more with every document node's output (previews off: on onnxruntime one extra,
 * cached session, built once per graph and never re-optimised) and keeps the tensors; later fetches
 * of the same run are served from memory. A new run of the document drops them (`drop`).
 * Memory: the document nodes' outputs of one run per document (ResNet-50 at 224×224: ≈ 22 MiB),
 * for at most `maxDocs` documents.
 */
import type { TensorResult } from '../core/api';
import type { Backend } from './backend';
import { EngineError } from './errors';
import { executeRun, type ExecuteOptions, type ExecuteResult } from './execute';
import type { WorkerRunRequest } from './protocol';

interface Kept {
  runId: number;
  result: Promise<ExecuteResult>;
}

export class RunTensorStore {
  private readonly byDoc = new Map<string, Kept>();

  constructor(private readonly maxDocs = 2) {}

  /** Forgets the tensors of docId (its next run makes them stale). */
  drop(docId: string): void {
    this.byDoc.delete(docId);
  }

  /** Whether the tensors of this run of docId are held (or being computed). */
  holds(docId: string, runId: number): boolean {
    return this.byDoc.get(docId)?.runId === runId;
  }

  /**
   * The full output of nodeId in run `runId` of docId, whose request was `request`. The tensor
   * returned is a copy the caller may transfer; the kept one stays.
   */
  async fetch(docId: string, runId: number, request: WorkerRunRequest, nodeId: string, backend: Backend, options: ExecuteOptions = {}): Promise<TensorResult> {
    let kept = this.byDoc.get(docId);
    if (!kept || kept.runId !== runId) {
      const result = executeRun({ ...request, previews: false, tensors: 'all', oneOff: true }, backend, options);
      kept = { runId, result };
      this.byDoc.delete(docId);
      this.byDoc.set(docId, kept);
      while (this.byDoc.size > this.maxDocs) this.byDoc.delete(this.byDoc.keys().next().value!);
      // A failed run keeps nothing: the next fetch tries again.
      const mine = kept;
      result.catch(() => {
        if (this.byDoc.get(docId) === mine) this.byDoc.delete(docId);
      });
    }
    const result = await kept.result;
    const t = result.tensors[nodeId];
    if (!t) throw new EngineError('bad-input', `Node "${nodeId}" did not run in the last run of "${docId}" (it has errors or is downstream of one).`, result.diagnostics);
    return { shape: [...t.shape], data: t.data.slice() };
  }
}
