import { describe, expect, it } from 'vitest';
import { isTrustedFrame, registerIpc, type FrameLike } from './ipc';
import { createRouter } from './router';
import { CALL_NAMES, ipcChannel } from './channels';
import { FakeEngine, FakeFiles } from './testing/fakes';

const frame = (over: Partial<FrameLike> = {}): FrameLike => ({ frameToken: 't1', processId: 4, routingId: 1, url: 'app://cnn-studio/index.html', parent: null, ...over });

describe('IPC sender check', () => {
  const main = frame();
  it('trusts only the editor window main frame at an app:// URL', () => {
    expect(isTrustedFrame(frame(), main)).toBe(true);
    expect(isTrustedFrame(frame({ frameToken: 't2' }), main)).toBe(false); // another frame
    expect(isTrustedFrame(frame({ processId: 9 }), main)).toBe(false);
    expect(isTrustedFrame(frame({ parent: main as never }), main)).toBe(false); // an iframe
    expect(isTrustedFrame(frame({ url: 'https://evil.example/' }), frame({ url: 'https://evil.example/' }))).toBe(false); // navigated away
    expect(isTrustedFrame(frame({ url: 'file:///tmp/x.html' }), frame({ url: 'file:///tmp/x.html' }))).toBe(false);
    expect(isTrustedFrame(null, main)).toBe(false);
    expect(isTrustedFrame(frame(), null)).toBe(false);
  });

  it('registers one handler per contract call, all going through the router with the sender frame', async () => {
    const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>();
    const ipcMain = {
      handle: (ch: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => void handlers.set(ch, fn),
      removeHandler: (ch: string) => void handlers.delete(ch),
    };
    const files = new FakeFiles();
    const router = createRouter<FrameLike | null>({ engine: new FakeEngine(), files, senderIsTrusted: (f) => isTrustedFrame(f, main) });
    const dispose = registerIpc(ipcMain as never, router);
    expect([...handlers.keys()].sort()).toEqual(CALL_NAMES.map(ipcChannel).sort());
    const recent = handlers.get(ipcChannel('files.recent'))!;
    expect(await recent({ senderFrame: main }, [])).toEqual({ ok: true, value: ['/tmp/a.cnn.json'] });
    expect(await recent({ senderFrame: frame({ frameToken: 'iframe', parent: main as never }) }, [])).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(await recent({ senderFrame: null }, [])).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(files.calls).toHaveLength(1);
    dispose();
    expect(handlers.size).toBe(0);
  });
});
