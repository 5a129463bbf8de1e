/**
 * A thread that generates seeded weights (seeded-threads.ts): each message is a list of weights to
 * make (with, for some, an array to fill, transferred); the answer carries their arrays, transferred.
 */
import { parentPort } from 'node:worker_threads';
import type { WeightSpec } from '../core/ops/op';
import { seededWeight, type StreamPrefix } from '../core/weights/resolve';

export interface SeededJob {
  spec: WeightSpec;
  primId: string;
  /** The document's (or the run's) seed. */
  seed: number;
  /** An array of exactly the weight's size to fill (transferred here and back), instead of a new one. */
  out?: Float32Array<ArrayBuffer>;
  /**
   * The start of the weight's stream, made for another count (resolve.ts, seededWeight): the weight is
   * made from it. Held by the caller's cache, so such a job is made on the caller's thread, never sent.
   */
  prefix?: StreamPrefix;
}

/** What a thread answers: the weights, and the state of each He-normal stream after them (SeededThreads.generate). */
export interface SeededAnswer {
  id: number;
  out: Float32Array[];
  states: (number | undefined)[];
}

parentPort?.on('message', (msg: { id: number; jobs: SeededJob[] }) => {
  const made = msg.jobs.map((j) => seededWeight(j.spec, j.primId, j.seed, j.out));
  const answer: SeededAnswer = { id: msg.id, out: made.map((m) => m.data), states: made.map((m) => m.state) };
  parentPort!.postMessage(answer, answer.out.map((a) => a.buffer as ArrayBuffer));
});
