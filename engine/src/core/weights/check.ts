/**
 * Checks of the weights a document carries, without decoding them: every tensor for a weight the
 * node's ops have holds exactly the values that weight's shape needs, its base64 decodes, its sidecar
 * range is whole float32 values inside the sidecar. `cnn-studio validate` reports these; the CLI
 * refuses to run or export a document that fails them, with the same sentence. Isomorphic.
 */
import type { Diagnostic } from '../diagnostics';
import type { ModelDocument, TensorData } from '../document/schema';
import type { Analysis } from '../graph/types';
import { numel } from '../shape';
import { inlineWeightKey } from './resolve';
import { usesSidecar } from './sidecar';

const NOT_BASE64 = /[^A-Za-z0-9+/\-_=\s]/;
const PADDING_OR_SPACE = /[=\s]/g;

/** Values `t` holds, or why it cannot be read (as the end of "weight "k" …"). */
function tensorValues(t: TensorData, sidecarBytes: number | undefined): { values: number } | { problem: string } {
  if (t.data) return { values: t.data.length };
  if (t.base64 !== undefined) {
    const bad = NOT_BASE64.exec(t.base64);
    if (bad) return { problem: `is not valid base64 (character ${JSON.stringify(bad[0])} at ${bad.index})` };
    const chars = t.base64.length - (t.base64.match(PADDING_OR_SPACE)?.length ?? 0);
    if (chars % 4 === 1) return { problem: 'is not valid base64 (its length is impossible: a character is missing or extra)' };
    const bytes = Math.floor((chars * 3) / 4);
    if (bytes % 4 !== 0) return { problem: `holds ${bytes} bytes of base64 data, not a whole number of float32 values` };
    return { values: bytes / 4 };
  }
  if (t.sidecar) {
    const { offset, length } = t.sidecar;
    if (length % 4 !== 0) return { problem: `is ${length} bytes in the weights file, not a whole number of float32 values` };
    if (sidecarBytes !== undefined && offset + length > sidecarBytes) return { problem: `lies at bytes ${offset}…${offset + length} of the weights file, which has only ${sidecarBytes}` };
    return { values: length / 4 };
  }
  return { problem: 'has no data (give "data", "base64" or a "sidecar" range)' };
}

/**
 * Diagnostics ('bad-weights', errors) for the weights of `doc` that cannot be used: wrong number of
 * values, bad base64, a sidecar range that is not whole float32 values or (with `sidecarBytes`, the
 * sidecar's size) reaches past its end, ranges of a weights file the document does not name. A tensor for a name none of the node's ops has is a warning:
 * it is ignored. Nodes without a shape are skipped (their own errors say why).
 */
export function weightDiagnostics(doc: ModelDocument, analysis: Pick<Analysis, 'primitives'>, sidecarBytes?: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (doc.weightsFile === undefined && usesSidecar(doc)) {
    out.push({ severity: 'error', code: 'bad-weights-file', path: 'weightsFile', message: 'Some weights are ranges of a weights file, but the model names none (no "weightsFile") — they cannot be read.', params: { variant: 'unnamed' } });
  }
  const byOwner = new Map<string, Analysis['primitives']['nodes']>();
  for (const p of analysis.primitives.nodes) {
    const list = byOwner.get(p.owner);
    if (list) list.push(p);
    else byOwner.set(p.owner, [p]);
  }
  doc.nodes.forEach((node, i) => {
    if (!node.weights) return;
    const prims = byOwner.get(node.id);
    if (!prims) return;
    const known = new Set<string>();
    for (const prim of prims) {
      for (const spec of prim.weights) {
        const key = inlineWeightKey(prim, spec.name);
        known.add(key);
        const t = Object.prototype.hasOwnProperty.call(node.weights, key) ? node.weights[key] : undefined;
        if (!t) continue;
        const where = { nodeId: node.id, path: `nodes[${i}].weights.${key}` };
        const got = tensorValues(t, sidecarBytes);
        const need = numel(spec.shape);
        if ('problem' in got) out.push({ severity: 'error', code: 'bad-weights', ...where, message: `Node "${node.id}": weight "${key}" ${got.problem}.` });
        else if (got.values !== need) {
          out.push({
            severity: 'error',
            code: 'bad-weights',
            ...where,
            message: `Node "${node.id}": weight "${key}" has ${got.values} values, but ${spec.shape.join('×')} = ${need} are needed.`,
            params: { variant: 'count', key, values: got.values, shape: spec.shape.join('×'), need },
          });
        }
      }
    }
    for (const key of Object.keys(node.weights)) {
      if (known.has(key)) continue;
      const names = [...known];
      out.push({
        severity: 'warning',
        code: 'bad-weights',
        nodeId: node.id,
        path: `nodes[${i}].weights.${key}`,
        message: `Node "${node.id}": "${key}" is not one of its weights (${names.length ? names.join(', ') : 'it has none'}) — it is ignored.`,
        params: { variant: 'unknown', key, known: names.join(', ') },
      });
    }
  });
  return out;
}
