import { describe, expect, it } from 'vitest';
import { createWsTransport, launchToken, sameOriginSocketUrl, TOKEN_STORAGE_KEY, type PageLike, type WebSocketLike } from './ws-client';

/** A page at `search` with its own sessionStorage and history. */
function page(search: string, stored?: string) {
  const storage = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
  const addresses: string[] = [];
  const p: PageLike = {
    location: { search, pathname: '/', hash: '#x' },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    history: { replaceState: (_s, _t, url) => void addresses.push(String(url)) },
  };
  return { p, storage, addresses };
}

describe('the launch token in browser mode', () => {
  it('is taken from the address, kept in sessionStorage and removed from the address bar (other parameters stay)', () => {
    const { p, storage, addresses } = page('?token=abc_DEF-123&preset=lenet5');
    expect(launchToken(p)).toBe('abc_DEF-123');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc_DEF-123');
    expect(addresses).toEqual(['/?preset=lenet5#x']);
  });

  it('comes from sessionStorage after a reload of the cleaned address; the address wins when both have one', () => {
    expect(launchToken(page('', 'stored').p)).toBe('stored');
    expect(launchToken(page('?token=new', 'stored').p)).toBe('new');
    expect(launchToken(page('').p)).toBeNull();
  });

  it('still works where storage is unavailable (the token then stays in the address)', () => {
    const p: PageLike = {
      location: { search: '?token=t1', pathname: '/', hash: '' },
      get sessionStorage(): never {
        throw new Error('SecurityError');
      },
    };
    expect(launchToken(p)).toBe('t1');
  });

  it('goes on the socket URL, encoded', () => {
    expect(sameOriginSocketUrl({ protocol: 'http:', host: '127.0.0.1:5173' }, 'a+b/c')).toBe('ws://127.0.0.1:5173/ws?token=a%2Bb%2Fc');
    expect(sameOriginSocketUrl({ protocol: 'http:', host: '127.0.0.1:5173' }, null)).toBe('ws://127.0.0.1:5173/ws');
  });

  it('never appears in the message the user sees when the socket is refused', async () => {
    const refused: WebSocketLike & { fire(type: string): void } = {
      binaryType: '',
      readyState: 3,
      send() {},
      close() {},
      listeners: new Map<string, ((e: { data?: unknown }) => void)[]>(),
      addEventListener(type: string, l: (e: { data?: unknown }) => void) {
        const m = (this as unknown as { listeners: Map<string, ((e: { data?: unknown }) => void)[]> }).listeners;
        m.set(type, [...(m.get(type) ?? []), l]);
      },
      fire(type: string) {
        for (const l of (this as unknown as { listeners: Map<string, ((e: { data?: unknown }) => void)[]> }).listeners.get(type) ?? []) l({});
      },
    } as never;
    const t = createWsTransport('ws://127.0.0.1:1/ws?token=SECRET', () => (setTimeout(() => refused.fire('close')), refused));
    const err = await t.call('engine.cancel', 'd').catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'connection-lost' });
    expect((err as Error).message).not.toContain('SECRET');
    expect((err as Error).message).toContain('?token=');
  });
});

describe('calls over an open socket', () => {
  it('are sent within the caller’s task (before a render its state change scheduled as a microtask)', async () => {
    const sent: Uint8Array[] = [];
    const listeners = new Map<string, ((e: { data?: unknown }) => void)[]>();
    const socket: WebSocketLike = {
      binaryType: '',
      readyState: 0,
      send: (data: Uint8Array) => void sent.push(data),
      close() {},
      addEventListener(type: string, l: (e: { data?: unknown }) => void) {
        listeners.set(type, [...(listeners.get(type) ?? []), l]);
      },
    } as never;
    const t = createWsTransport('ws://127.0.0.1:1/ws', () => socket);
    const first = t.call('engine.cancel', 'a');
    (socket as { readyState: number }).readyState = 1;
    for (const l of listeners.get('open') ?? []) l({});
    await Promise.resolve().then(() => undefined);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toHaveLength(1); // the first waited for 'open'
    void t.call('engine.cancel', 'b');
    expect(sent).toHaveLength(2); // no await in between
    void first;
  });
});
