import { describe, expect, it } from 'vitest';
import { lenetSidecarPair } from '../../runtime/testing/sidecar-docs';
import { InlineWeightsError, inlineSidecarWeights } from './inline';
import { usesSidecar } from './sidecar';

const pair = lenetSidecarPair();

/** The sidecar tensor with the most values, as [node id, weight name, values]. */
function largestSidecarTensor(): [string, string, number] {
  let best: [string, string, number] = ['', '', 0];
  for (const n of pair.withSidecar.nodes) {
    for (const [k, t] of Object.entries(n.weights ?? {})) if (t.sidecar && t.sidecar.length / 4 > best[2]) best = [n.id, k, t.sidecar.length / 4];
  }
  return best;
}

describe('inlineSidecarWeights', () => {
  it('gives exactly the document the importer writes with every weight inline (no weightsFile)', () => {
    expect(usesSidecar(pair.withSidecar)).toBe(true);
    const out = inlineSidecarWeights(pair.withSidecar, pair.sidecar);
    expect(out).toEqual(pair.inline);
    expect('weightsFile' in out).toBe(false);
    expect(usesSidecar(out)).toBe(false);
  });

  it('reads ranges of a sidecar that is a view into a larger buffer', () => {
    const big = new Uint8Array(pair.sidecar.byteLength + 12);
    big.set(pair.sidecar, 12);
    expect(inlineSidecarWeights(pair.withSidecar, big.subarray(12))).toEqual(pair.inline);
  });

  it('refuses a tensor over the limit with a typed error naming it and pointing to Save As', () => {
    const [node, key, values] = largestSidecarTensor();
    let err: unknown;
    try {
      inlineSidecarWeights(pair.withSidecar, pair.sidecar, { maxValues: values - 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InlineWeightsError);
    expect((err as InlineWeightsError).code).toBe('too-large');
    expect((err as Error).message).toContain(`Weight "${key}" of node "${node}" has ${values.toLocaleString('en-US')} values`);
    expect((err as Error).message).toMatch(/Save As.*lenet\.weights\.bin/);
    // At exactly the limit it is inlined.
    expect(inlineSidecarWeights(pair.withSidecar, pair.sidecar, { maxValues: values })).toEqual(pair.inline);
  });

  it('refuses a sidecar too short for the document', () => {
    expect(() => inlineSidecarWeights(pair.withSidecar, pair.sidecar.subarray(0, 1000))).toThrow(/lenet\.weights\.bin is 1000 bytes but the model needs/);
  });
});
