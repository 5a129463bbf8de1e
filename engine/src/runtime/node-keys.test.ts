import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../core/document/schema';
import { analyze } from '../core/graph/analyze';
import { getPreset } from '../core/presets';
import { float32ToBase64 } from '../core/util/base64';
import { nodeKeys, weightIdentities, type NodeKeys } from './node-keys';

const input = (salt = 0) => ({ input: Float32Array.from({ length: 32 * 32 }, (_, i) => Math.sin(i + salt)) });

function keysOf(doc: ModelDocument, salt = 0, fed: string[] = []): NodeKeys {
  const analysis = analyze(doc);
  return nodeKeys(analysis, input(salt), { weights: weightIdentities(doc, analysis)!, calibrate: new Set(), fedWeights: new Set(fed) });
}

/** LeNet-5 at 32×32 with c3's kernel (16×6×5×5 = 2400 values) given inline. */
function lenet(kernel?: Float32Array): ModelDocument {
  const doc = getPreset('lenet5');
  doc.nodes = doc.nodes.map((n) => (n.type === 'Input' ? { ...n, params: { ...n.params, height: 32, width: 32 } } : n));
  if (kernel) doc.nodes = doc.nodes.map((n) => (n.id === 'c3_conv_5_5' ? { ...n, weights: { kernel: { shape: [16, 6, 5, 5], base64: float32ToBase64(kernel) } } } : n));
  return doc;
}

const changed = (a: NodeKeys, b: NodeKeys) => a.order.filter((id) => a.output.get(id) !== b.output.get(id));

describe('node keys', () => {
  it('ignore positions, labels and the name; an edit changes its node and what is downstream of it', () => {
    const doc = lenet();
    const base = keysOf(doc);
    const moved = { ...doc, name: 'other', nodes: doc.nodes.map((n) => ({ ...n, position: { x: 5, y: 5 }, label: 'x' })) };
    expect(changed(base, keysOf(moved))).toEqual([]);
    const edited = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'c5_conv_5_5' ? { ...n, params: { ...n.params, filters: 100 } } : n)) };
    expect(changed(base, keysOf(edited))).toEqual(['c5_conv_5_5', 'c5_tanh', 'flatten', 'f6_dense', 'f6_tanh', 'output_dense', 'softmax']);
  });

  it('see one value of a given kernel change (every byte is hashed, none sampled)', () => {
    const k = Float32Array.from({ length: 2400 }, (_, i) => Math.cos(i));
    const k2 = k.slice();
    k2[1234] += 1e-6;
    expect(changed(keysOf(lenet(k)), keysOf(lenet(k2)))[0]).toBe('c3_conv_5_5');
  });

  it('the seed changes every node with seeded weights; the input changes outputs but not graph keys', () => {
    const doc = lenet();
    const base = keysOf(doc);
    expect(changed(base, keysOf({ ...doc, seed: 7 }))[0]).toBe('c1_conv_5_5');
    const other = keysOf(doc, 1);
    expect(changed(base, other)).toEqual(base.order);
    expect([...other.graph]).toEqual([...base.graph]);
  });

  it('feeding a layer’s weights as graph inputs is part of the keys downstream of it', () => {
    const doc = lenet();
    expect(changed(keysOf(doc), keysOf(doc, 0, ['c5_conv_5_5']))).toEqual(['c5_conv_5_5', 'c5_tanh', 'flatten', 'f6_dense', 'f6_tanh', 'output_dense', 'softmax']);
  });

  it('are not made for a document with more inline weight text than is worth hashing each run', () => {
    const doc = lenet();
    const huge = 'A'.repeat(64 * 2 ** 20 + 4);
    doc.nodes = doc.nodes.map((n) => (n.id === 'c3_conv_5_5' ? { ...n, weights: { kernel: { shape: [16, 6, 5, 5], base64: huge } } } : n));
    expect(weightIdentities(doc, analyze(doc))).toBeUndefined();
  });
});
