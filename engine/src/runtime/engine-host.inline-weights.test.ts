/**
 * EngineHost.inlineWeights (File ▸ Export JSON of a sidecar document): the held sidecar turned into
 * inline base64 in the worker gives the inline-weights document — same tensors, same outputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from './engine-host';
import { errorOf } from './testing/host';
import { lenetSidecarPair } from './testing/sidecar-docs';

const pair = lenetSidecarPair();
const out = (r: { tensors: Record<string, { data: Float32Array }> }) => Array.from(Object.values(r.tensors)[0].data);
/** Values of the largest tensor in the sidecar. */
const largest = Math.max(...pair.withSidecar.nodes.flatMap((n) => Object.values(n.weights ?? {}).map((t) => (t.sidecar ? t.sidecar.length / 4 : 0))));

describe('EngineHost.inlineWeights', () => {
  const host = new EngineHost({ backend: 'reference', isolation: 'thread' });
  const strict = new EngineHost({ backend: 'reference', isolation: 'thread', inlineMaxValues: largest - 1 });
  beforeAll(() => Promise.all([host.start(), strict.start()]));
  afterAll(() => Promise.all([host.stop(), strict.stop()]));

  it('turns the sidecar document held by token into the inline document, which runs with identical outputs', async () => {
    const { token } = await host.attachWeights(pair.sidecar.slice(), 'lenet.weights.bin');
    const inlined = await host.inlineWeights(pair.withSidecar, token);
    expect(inlined).toEqual(pair.inline);
    expect(inlined.weightsFile).toBeUndefined();
    const side = await host.run({ docId: 'side', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: token });
    // The inlined document runs alone: no token.
    const alone = await host.run({ docId: 'alone', document: inlined, inputs: pair.input, previews: false });
    const inline = await host.run({ docId: 'inline', document: pair.inline, inputs: pair.input, previews: false });
    expect(out(alone)).toEqual(out(side));
    expect(out(alone)).toEqual(out(inline));
    await host.releaseWeights(token);
  });

  it('refuses a tensor too large to inline with a typed error that names it and suggests Save As', async () => {
    const { token } = await strict.attachWeights(pair.sidecar.slice(), 'lenet.weights.bin');
    const err = await errorOf(strict.inlineWeights(pair.withSidecar, token));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(new RegExp(`^Weight "\\w+" of node "[^"]+" has ${largest.toLocaleString('en-US')} values, too many to keep inside a JSON file — use File ▸ Save As`));
    expect(err.message).toContain('lenet.weights.bin');
    await strict.releaseWeights(token);
  });

  it('says the weights are no longer held when the token was released', async () => {
    const { token } = await host.attachWeights(pair.sidecar.slice(), 'lenet.weights.bin');
    await host.releaseWeights(token);
    const err = await errorOf(host.inlineWeights(pair.withSidecar, token));
    expect(err.code).toBe('bad-input');
    expect(err.message).toMatch(/no longer held by the engine host/);
  });

  it('refuses held bytes too short for the document', async () => {
    const { token } = await host.attachWeights(pair.sidecar.slice(0, 1000), 'lenet.weights.bin');
    const err = await errorOf(host.inlineWeights(pair.withSidecar, token));
    expect(err).toMatchObject({ code: 'bad-input' });
    expect(err.message).toMatch(/^lenet\.weights\.bin is 1000 bytes but the model needs/);
    await host.releaseWeights(token);
  });
});
