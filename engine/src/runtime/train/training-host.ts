/**
 * The host's side of training runs (EngineHost delegates here): which worker runs which training,
 * starts waiting for their first answer, events passed on to the host's listeners, and — when the
 * worker dies or is replaced — a `train-failed` for every run it carried. The editor's document is
 * never touched by a run; a trained copy arrives only in `train-done`.
 */
import { randomUUID } from 'node:crypto';
import type { EngineEvent, TrainStarted, WeightsHandle } from '../../core/api';
import { EngineError } from '../errors';
import type { TrainingMessage } from './training-service';

interface Run<Slot> {
  docId: string;
  slot: Slot;
  started?: { resolve(v: TrainStarted): void; reject(e: EngineError): void };
}

export interface TrainingHostOptions {
  emit(e: EngineEvent): void;
  /** Keeps the sidecar of a trained model (too large to inline) and gives its handle. */
  holdWeights(bytes: Uint8Array, file: string): WeightsHandle;
}

export class TrainingHost<Slot> {
  private readonly runs = new Map<string, Run<Slot>>();

  constructor(private readonly options: TrainingHostOptions) {}

  /** A new run on `slot`: its id, and a promise of its start (rejected when the model or data cannot train). */
  begin(docId: string, slot: Slot): { trainId: string; started: Promise<TrainStarted> } {
    const trainId = randomUUID();
    const started = new Promise<TrainStarted>((resolve, reject) => this.runs.set(trainId, { docId, slot, started: { resolve, reject } }));
    return { trainId, started };
  }

  slotOf(trainId: string): Slot | undefined {
    return this.runs.get(trainId)?.slot;
  }

  get size(): number {
    return this.runs.size;
  }

  onMessage(slot: Slot, msg: TrainingMessage): void {
    if (msg.type === 'train-started') {
      const run = this.runs.get(msg.trainId);
      if (!run || run.slot !== slot) return;
      run.started?.resolve({ trainId: msg.trainId, data: msg.data });
      run.started = undefined;
      return;
    }
    const event = msg.event;
    const run = this.runs.get(event.trainId);
    if (!run || run.slot !== slot) return;
    if (event.type === 'train-failed' && run.started) {
      // It never started: the caller of startTraining hears why; no event.
      this.runs.delete(event.trainId);
      run.started.reject(EngineError.from(event.error));
      return;
    }
    if (event.type === 'train-done' || event.type === 'train-failed') this.runs.delete(event.trainId);
    if (event.type === 'train-done' && msg.sidecar && event.outcome.document?.weightsFile) {
      this.options.emit({ ...event, outcome: { ...event.outcome, weights: this.options.holdWeights(msg.sidecar, event.outcome.document.weightsFile) } });
      return;
    }
    this.options.emit(event);
  }

  /** The worker behind `slot` is gone: its runs failed (the editor keeps its weights). */
  workerEnded(slot: Slot, reason: string): void {
    for (const [trainId, run] of this.runs) {
      if (run.slot !== slot) continue;
      this.runs.delete(trainId);
      const error = new EngineError('worker-crashed', `Training stopped: the engine process ended (${reason}). The model keeps the weights it had before this run.`);
      if (run.started) run.started.reject(error);
      else this.options.emit({ type: 'train-failed', trainId, docId: run.docId, error: error.toInfo() });
    }
  }
}
