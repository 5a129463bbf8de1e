/**
 * A thread that generates seeded weights (seeded-threads.ts): each message is a list of weights to
 * make (with, for some, an array to fill, transferred); the answer carries their arrays, transferred.
 */
import { parentPort } from 'node:worker_threads';
import type { WeightSpec } from '../core/ops/op';
import { initialWeight } from '../core/weights/resolve';

export interface SeededJob {
  spec: WeightSpec;
  primId: string;
  /** The document's (or the run's) seed. */
  seed: number;
  /** An array of exactly the weight's size to fill (transferred here and back), instead of a new one. */
  out?: Float32Array<ArrayBuffer>;
}

parentPort?.on('message', (msg: { id: number; jobs: SeededJob[] }) => {
  const out = msg.jobs.map((j) => initialWeight(j.spec, j.primId, j.seed, j.out));
  parentPort!.postMessage({ id: msg.id, out }, out.map((a) => a.buffer as ArrayBuffer));
});
