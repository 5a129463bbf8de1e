/** Comparing two backends' results, and results with reference files (PyTorch's, written by the test-python scripts). */
import { readFileSync } from 'node:fs';
import type { NodeRunResult, TensorResult } from '../../core/api';

/** A little-endian float32 file (a reference input or output), as an aligned array of its own. */
export function readFloat32File(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** max |got − want| / max |want|: an error relative to the reference's largest value (Infinity when the lengths differ). */
export function relativeToLargest(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

/** Largest |a − b| relative to the larger of the two tensors' largest magnitude (scale-relative error). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
  }
  return scale === 0 ? diff : diff / scale;
}

/** Problems found comparing two runs of the same graph (empty when they agree). */
export function compareRuns(
  a: { nodes: Record<string, NodeRunResult>; tensors: Record<string, TensorResult> },
  b: { nodes: Record<string, NodeRunResult>; tensors: Record<string, TensorResult> },
  tolerance = 1e-4,
): string[] {
  const problems: string[] = [];
  const ids = Object.keys(a.tensors).sort();
  if (ids.join() !== Object.keys(b.tensors).sort().join()) problems.push(`tensors differ: ${ids.join()} vs ${Object.keys(b.tensors).sort().join()}`);
  for (const id of ids) {
    const ta = a.tensors[id];
    const tb = b.tensors[id];
    if (!tb) continue;
    if (ta.shape.join() !== tb.shape.join()) problems.push(`${id}: shape ${ta.shape} vs ${tb.shape}`);
    const err = relativeError(ta.data, tb.data);
    if (!(err <= tolerance)) problems.push(`${id}: relative error ${err.toExponential(2)}`);
  }
  if (Object.keys(a.nodes).sort().join() !== Object.keys(b.nodes).sort().join()) problems.push('nodes with results differ');
  for (const [id, na] of Object.entries(a.nodes)) {
    const nb = b.nodes[id];
    if (!nb) continue;
    const scale = Math.max(1e-6, Math.abs(na.stats.min), Math.abs(na.stats.max));
    for (const k of ['min', 'max', 'mean', 'std'] as const) {
      if (!(Math.abs(na.stats[k] - nb.stats[k]) <= tolerance * scale)) problems.push(`${id}: stats.${k} ${na.stats[k]} vs ${nb.stats[k]}`);
    }
    // Exact zeros may differ where float32 underflows differently (saturated softmax): allow 1%.
    if (!(Math.abs(na.stats.zeros - nb.stats.zeros) <= 1e-2)) problems.push(`${id}: stats.zeros ${na.stats.zeros} vs ${nb.stats.zeros}`);
    const pa = na.preview;
    const pb = nb.preview;
    if (!!pa !== !!pb) problems.push(`${id}: preview on one backend only`);
    if (pa && pb) {
      if (`${pa.channels}×${pa.height}×${pa.width}` !== `${pb.channels}×${pb.height}×${pb.width}`) problems.push(`${id}: preview ${pa.channels}×${pa.height}×${pa.width} vs ${pb.channels}×${pb.height}×${pb.width}`);
      else {
        let worst = 0;
        for (let i = 0; i < pa.data.length; i++) worst = Math.max(worst, Math.abs(pa.data[i] - pb.data[i]));
        // Rounding at a .5 boundary may flip one level; tiny ranges (near-constant channels) amplify noise.
        if (worst > 2 && na.stats.max - na.stats.min > 1e-3 * scale) problems.push(`${id}: preview differs by ${worst} levels`);
      }
    }
  }
  return problems;
}
