/**
 * Sidecar weights through EngineHost: a document whose tensors live in a sidecar held by token runs,
 * exports and survives a worker restart exactly like the same document with the weights inline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from './engine-host';
import { errorOf } from './testing/host';
import { lenetSidecarPair, scaledSidecar } from './testing/sidecar-docs';
import { sidecarBytesNeeded } from '../core/weights/sidecar';

const pair = lenetSidecarPair();
const out = (r: { tensors: Record<string, { data: Float32Array }> }) => Object.values(r.tensors)[0].data;

describe.each([
  ['reference', 'thread'],
  ['ort', 'process'],
] as const)('EngineHost with sidecar weights (%s backend, %s)', (backend, isolation) => {
  const host = new EngineHost({ backend, isolation, importSidecarMinValues: 64 });
  beforeAll(() => host.start());
  afterAll(() => host.stop());

  it('the document split into JSON + sidecar is sent so that it uses the sidecar (sanity)', () => {
    expect(pair.withSidecar.weightsFile).toBe('lenet.weights.bin');
    expect(sidecarBytesNeeded(pair.withSidecar)).toBe(pair.sidecar.byteLength);
    expect(pair.sidecar.byteLength).toBeGreaterThan(100_000);
  });

  it('runs a sidecar document (by token) with exactly the outputs of the inline document', async () => {
    const inline = await host.run({ docId: 'inline', document: pair.inline, inputs: pair.input, previews: false });
    const { token } = await host.attachWeights(pair.sidecar.slice(), 'lenet.weights.bin');
    const side = await host.run({ docId: 'side', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: token });
    expect(Array.from(out(side))).toEqual(Array.from(out(inline)));
    // The full tensor of a node, fetched afterwards, uses the same weights.
    const last = pair.withSidecar.nodes[pair.withSidecar.nodes.length - 1].id;
    const fetched = await host.fetchTensor('side', last);
    expect(Array.from(fetched.data)).toEqual(Array.from(out(inline)));
    await host.releaseWeights(token);
  });

  it('another sidecar with the same ranges never reuses the first one’s compiled session', async () => {
    const a = await host.attachWeights(pair.sidecar.slice(), 'lenet.weights.bin');
    const b = await host.attachWeights(scaledSidecar(pair.sidecar, 0.5), 'lenet.weights.bin');
    const ra = await host.run({ docId: 'same', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: a.token });
    const rb = await host.run({ docId: 'same', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: b.token });
    expect(Array.from(out(rb))).not.toEqual(Array.from(out(ra)));
    await host.releaseWeights(a.token);
    await host.releaseWeights(b.token);
  });

  it('after the worker dies, the next run gets the sidecar again from the host', async () => {
    const { token } = await host.attachWeights(pair.sidecar.slice(), 'lenet.weights.bin');
    const first = await host.run({ docId: 'crash', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: token });
    await host.terminateWorkerForTesting();
    const again = await host.run({ docId: 'crash', document: pair.withSidecar, inputs: pair.input, previews: false, weightsToken: token });
    expect(Array.from(out(again))).toEqual(Array.from(out(first)));
    await host.releaseWeights(token);
  });

  it('ONNX and PyTorch export with the token use the sidecar weights', async () => {
    const { token } = await host.attachWeights(pair.sidecar.slice(), 'lenet.weights.bin');
    expect(Buffer.from(await host.exportOnnx(pair.withSidecar, undefined, token)).equals(Buffer.from(await host.exportOnnx(pair.inline)))).toBe(true);
    const side = await host.exportPyTorch(pair.withSidecar, token);
    const inline = await host.exportPyTorch(pair.inline);
    expect(Buffer.from(side.weights!).equals(Buffer.from(inline.weights!))).toBe(true);
    await host.releaseWeights(token);
  });

  it('says clearly when the sidecar is not loaded, too short, or released', async () => {
    const none = await errorOf(host.run({ docId: 'x', document: pair.withSidecar, inputs: pair.input }));
    expect(none.code).toBe('bad-input');
    expect(none.message).toMatch(/lenet\.weights\.bin, which is not loaded/);
    const short = await host.attachWeights(pair.sidecar.slice(0, 1000), 'lenet.weights.bin');
    const tooShort = await errorOf(host.run({ docId: 'x', document: pair.withSidecar, inputs: pair.input, weightsToken: short.token }));
    expect(tooShort.message).toMatch(/^lenet\.weights\.bin is 1000 bytes but the model needs 240\.9 KiB of weights from it/);
    await host.releaseWeights(short.token);
    const released = await errorOf(host.run({ docId: 'x', document: pair.withSidecar, inputs: pair.input, weightsToken: short.token }));
    expect(released.message).toMatch(/no longer held/);
    await expect(errorOf(host.attachWeights(new Uint8Array(4), '../evil.bin'))).resolves.toMatchObject({ code: 'bad-input' });
  });

  it('imports a model with tensors over the inline threshold: the sidecar stays in the host, the run matches', async () => {
    const heldBefore = host.weights.size;
    const { document, weights } = await host.importOnnxModel(pair.onnx, 'lenet');
    expect(weights).toMatchObject({ file: 'lenet.weights.bin', byteLength: pair.sidecar.byteLength });
    expect(document.weightsFile).toBe('lenet.weights.bin');
    expect(Buffer.from(await host.readWeights(weights!.token)).equals(Buffer.from(pair.sidecar))).toBe(true);
    const inline = await host.run({ docId: 'imp-inline', document: pair.inline, inputs: pair.input, previews: false });
    const side = await host.run({ docId: 'imp', document, inputs: pair.input, previews: false, weightsToken: weights!.token });
    expect(Array.from(out(side))).toEqual(Array.from(out(inline)));
    await host.releaseWeights(weights!.token);
    expect(host.weights.size).toBe(heldBefore);
  });
});
