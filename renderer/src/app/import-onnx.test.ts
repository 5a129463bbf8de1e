import { describe, expect, it } from 'vitest';
import type { EngineClient, InputShape, ModelDocument } from '../engine';
import { useUiStore } from '../store/ui-store';
import { importOnnxFile } from './import-onnx';

const doc = { format: 'cnn-studio.model', version: 1, name: 'net', nodes: [], edges: [] } as unknown as ModelDocument;

/** An engine whose import needs an input shape until it is given one with `channels` channels. */
function engine(channels: number) {
  const calls: (InputShape | undefined)[] = [];
  const importOnnxModel = async (_bytes: Uint8Array, _name?: string, shape?: InputShape) => {
    calls.push(shape);
    if (!shape) throw { code: 'needs-input-shape', message: 'Graph input "x" leaves its height and width open.' };
    if (shape[0] !== channels) throw { code: 'needs-input-shape', message: `its channels must be ${channels}` };
    return { document: doc, weights: { token: 't', file: 'net.weights.bin', byteLength: 4 } };
  };
  return { calls, client: { importOnnxModel } as unknown as EngineClient };
}

/** Answers the next size prompt (after checking what it shows). */
async function answer(shape: InputShape | null, expectDetail: string, expectInitial: InputShape) {
  await expect.poll(() => useUiStore.getState().inputShapeRequest).toBeDefined();
  const request = useUiStore.getState().inputShapeRequest!;
  expect([request.file, request.detail, request.initial]).toEqual(['net.onnx', expectDetail, expectInitial]);
  request.resolve(shape);
}

describe('the editor’s ONNX import', () => {
  it('asks for an image size when the file leaves it open (3×224×224 first), again with the reason while it does not fit, then imports', async () => {
    const { calls, client } = engine(1);
    const done = importOnnxFile(client, Uint8Array.of(1), 'net.onnx');
    await answer([3, 32, 32], 'Graph input "x" leaves its height and width open.', [3, 224, 224]);
    await answer([1, 32, 32], 'its channels must be 1', [3, 32, 32]);
    const imported = await done;
    expect(imported).toEqual({ document: doc, weights: { state: 'loaded', token: 't', file: 'net.weights.bin', byteLength: 4 }, inputShape: [1, 32, 32] });
    expect(calls).toEqual([undefined, [3, 32, 32], [1, 32, 32]]);
    expect(useUiStore.getState().inputShapeRequest).toBeUndefined();
  });

  it('cancelling the prompt imports nothing; other errors reject as they are', async () => {
    const { client } = engine(3);
    const cancelled = importOnnxFile(client, Uint8Array.of(1), 'net.onnx');
    await answer(null, 'Graph input "x" leaves its height and width open.', [3, 224, 224]);
    expect(await cancelled).toBeNull();
    const failing = { importOnnx: async () => { throw { code: 'unsupported-op', message: 'Resize node …' }; } } as unknown as EngineClient;
    await expect(importOnnxFile(failing, Uint8Array.of(1), 'net.onnx')).rejects.toEqual({ code: 'unsupported-op', message: 'Resize node …' });
    expect(useUiStore.getState().inputShapeRequest).toBeUndefined();
  });
});
