import { describe, expect, it } from 'vitest';
import { createDesktopHost } from './preload-client';
import { CALL_NAMES } from '../../../main/channels';
import { bridgeMethodName, type CnnStudioBridge } from '../../../main/bridge';
import { HostError } from '../../../main/contract';

/** A bridge like the preload's: every method resolves to a Reply; records what it was given. */
function fakeBridge(reply: (name: string, args: unknown[]) => unknown) {
  const calls: [string, unknown[]][] = [];
  const methods = Object.fromEntries(
    CALL_NAMES.map((n) => [bridgeMethodName(n), async (...args: unknown[]) => (calls.push([n, args]), reply(n, args))]),
  );
  const bridge = { platform: 'desktop', onEngineEvent: () => () => undefined, onAppCommand: () => () => undefined, ...methods } as unknown as CnnStudioBridge;
  return { bridge, calls };
}

describe('desktop host over the preload bridge', () => {
  it('maps every client method to its bridge method and unwraps ok replies', async () => {
    const { bridge, calls } = fakeBridge((n) => ({ ok: true, value: n === 'files.recent' ? ['/a.cnn.json'] : null }));
    const host = createDesktopHost(bridge);
    expect(await host.files.recent()).toEqual(['/a.cnn.json']);
    await host.engine.cancel('d');
    await host.files.save('{}', undefined, 'x.cnn.json', 'tok');
    host.shell.setDocumentState({ title: 't', dirty: true });
    await host.shell.copyText('| a |');
    await host.files.openBinary!([{ name: 'ONNX model', extensions: ['onnx'] }]);
    expect(calls.map(([n]) => n)).toEqual(['files.recent', 'engine.cancel', 'files.save', 'shell.setDocumentState', 'shell.copyText', 'files.openBinary']);
    expect(calls[4]![1]).toEqual(['| a |']);
    expect(calls[5]![1]).toEqual([[{ name: 'ONNX model', extensions: ['onnx'] }]]);
    expect(calls[2]![1]).toEqual(['{}', undefined, 'x.cnn.json', 'tok']);
    expect(host.shell.platform).toBe('desktop');
  });

  it('maps the sidecar weights calls (tokens only; bytes only for browser-mode uploads)', async () => {
    const { bridge, calls } = fakeBridge(() => ({ ok: true, value: null }));
    const { engine } = createDesktopHost(bridge);
    await engine.importOnnxModel!(Uint8Array.of(1), 'vgg');
    await engine.importOnnx(Uint8Array.of(1), 'vgg', [3, 32, 32]);
    await engine.importOnnxModel!(Uint8Array.of(1), 'vgg', [1, 28, 28]);
    await engine.attachWeights!(Uint8Array.of(0, 0, 0, 0), 'vgg.weights.bin');
    await engine.readWeights!('tok');
    await engine.releaseWeights!('tok');
    await engine.exportOnnx({} as never, undefined, 'tok');
    await engine.exportPyTorch({} as never, 'tok');
    await engine.inlineWeights!({} as never, 'tok');
    expect(calls.map(([n, a]) => [n, a.at(-1)])).toEqual([
      ['engine.importOnnxModel', undefined],
      ['engine.importOnnx', [3, 32, 32]],
      ['engine.importOnnxModel', [1, 28, 28]],
      ['engine.attachWeights', 'vgg.weights.bin'],
      ['engine.readWeights', 'tok'],
      ['engine.releaseWeights', 'tok'],
      ['engine.exportOnnx', 'tok'],
      ['engine.exportPyTorch', 'tok'],
      ['engine.inlineWeights', 'tok'],
    ]);
  });

  it('turns error replies into HostError with the code', async () => {
    const { bridge } = fakeBridge(() => ({ ok: false, error: { code: 'not-a-model', message: 'x.json is not a CNN Studio model.' } }));
    const err = (await createDesktopHost(bridge).files.open().catch((e: unknown) => e)) as HostError;
    expect(err).toBeInstanceOf(HostError);
    expect(err.code).toBe('not-a-model');
    expect(err.message).toBe('x.json is not a CNN Studio model.');
  });

  it('reports a bridge that fails outright as an internal HostError', async () => {
    const { bridge } = fakeBridge(() => {
      throw new Error("Error invoking remote method 'cnn-studio:engine.run': no handler");
    });
    await expect(createDesktopHost(bridge).engine.fetchTensor('d', 'n')).rejects.toMatchObject({ code: 'internal' });
  });
});
