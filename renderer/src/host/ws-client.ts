/**
 * Browser-mode transport: contract calls over one WebSocket to the server that served the page
 * (main/web-server.ts). Frames are binary (main/wire.ts), so typed arrays travel without base64.
 * The socket connects on first use; after it drops, the next call reconnects (and event subscribers
 * reconnect on their own, with backoff). Calls in flight when it drops reject with HostError
 * 'connection-lost'.
 *
 * The server only accepts sockets that bring its per-launch token (the `?token=…` of the address
 * `npm run web` prints): launchToken takes it from the page's address, keeps it in this tab's
 * sessionStorage (so reloads connect) and takes it out of the address bar.
 */
import type { EngineClient, EngineEvent } from '../../../engine/src/core/api';
import { HostError, WS_PATH, type CallArgs, type CallName, type CallResult, type ClientMessage, type ServerMessage } from '../../../main/contract';
import { decodeMessage, encodeMessage } from '../../../main/wire';

/** The subset of the WebSocket API used here (the browser's, or the `ws` package's in Node tests). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown }) => void): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WsTransport {
  call<K extends CallName>(name: K, ...args: CallArgs<K>): Promise<CallResult<K>>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  close(): void;
}

const OPEN = 1;

/** Where a tab keeps the launch token once it has taken it out of the address. */
export const TOKEN_STORAGE_KEY = 'cnn-studio.launch-token';

/** The parts of `window` launchToken uses. */
export interface PageLike {
  location: { search: string; pathname: string; hash: string };
  sessionStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  history?: { replaceState(data: unknown, unused: string, url?: string | null): void };
}

/**
 * The server's launch token: from the page's address (`?token=…`), else from this tab's
 * sessionStorage; null when neither has one (the server will refuse the socket). Taken from the
 * address, it is stored and removed from the address bar, so it is not shown, bookmarked or
 * shared along with the page's URL.
 */
export function launchToken(page: PageLike): string | null {
  const params = new URLSearchParams(page.location.search);
  const fromAddress = params.get('token');
  const storage = (() => {
    try {
      return page.sessionStorage; // reading it throws where storage is disabled
    } catch {
      return undefined;
    }
  })();
  if (!fromAddress) {
    try {
      return storage?.getItem(TOKEN_STORAGE_KEY) || null;
    } catch {
      return null;
    }
  }
  try {
    storage?.setItem(TOKEN_STORAGE_KEY, fromAddress);
    params.delete('token');
    const query = params.toString();
    page.history?.replaceState(null, '', `${page.location.pathname}${query ? `?${query}` : ''}${page.location.hash}`);
  } catch {
    // Without storage the token stays in the address, where a reload finds it.
  }
  return fromAddress;
}

/** `ws://host/ws?token=…` for the page's own origin. */
export function sameOriginSocketUrl(location: { protocol: string; host: string }, token?: string | null): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${WS_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

export function createWsTransport(url: string, createSocket: WebSocketFactory): WsTransport {
  /** The address without its token, for messages the user sees. */
  const shownUrl = url.split('?')[0];
  let socket: WebSocketLike | null = null;
  let opened: Promise<WebSocketLike> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const listeners = new Set<(event: EngineEvent) => void>();

  let closedByUser = false;
  let retryMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Event subscribers need a live socket: after a drop, reconnect with backoff (0.5 s … 10 s). */
  const scheduleReconnect = () => {
    if (closedByUser || listeners.size === 0 || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().catch(() => scheduleReconnect());
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };

  const failAll = (message: string) => {
    for (const p of pending.values()) p.reject(new HostError({ code: 'connection-lost', message }));
    pending.clear();
  };

  const onMessage = (data: unknown) => {
    let msg: ServerMessage;
    try {
      msg = decodeMessage(toBytes(data)) as ServerMessage;
    } catch {
      return; // not ours; the server only sends wire frames
    }
    if (msg.kind === 'event') {
      for (const l of [...listeners]) l(msg.event);
    } else if (msg.kind === 'reply') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.reply.ok) p.resolve(msg.reply.value);
      else p.reject(new HostError(msg.reply.error));
    }
  };

  const connect = (): Promise<WebSocketLike> => {
    if (socket && socket.readyState === OPEN && opened) return opened;
    if (opened && socket && socket.readyState === 0) return opened;
    const ws = createSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    opened = new Promise<WebSocketLike>((resolve, reject) => {
      let isOpen = false;
      ws.addEventListener('open', () => {
        isOpen = true;
        retryMs = 500;
        resolve(ws);
      });
      ws.addEventListener('message', (e) => onMessage(e.data));
      ws.addEventListener('close', () => {
        if (socket === ws) {
          socket = null;
          opened = null;
        }
        const message = isOpen
          ? 'The connection to the CNN Studio server was lost. Is `npm run web` still running?'
          : `Could not connect to the CNN Studio server at ${shownUrl}. Is \`npm run web\` still running? Open the address it printed (it ends in ?token=…).`;
        if (!isOpen) reject(new HostError({ code: 'connection-lost', message }));
        failAll(message);
        if (isOpen) scheduleReconnect();
      });
      ws.addEventListener('error', () => undefined); // 'close' follows and reports
    });
    return opened;
  };

  const send = <K extends CallName>(ws: WebSocketLike, name: K, args: CallArgs<K>): Promise<CallResult<K>> => {
    const id = nextId++;
    const message: ClientMessage = { kind: 'call', id, name, args: args as unknown[] };
    return new Promise<CallResult<K>>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        ws.send(encodeMessage(message));
      } catch (e) {
        pending.delete(id);
        reject(new HostError({ code: 'invalid-payload', message: `Could not send ${name}: ${(e as Error).message}` }));
      }
    });
  };

  return {
    call<K extends CallName>(name: K, ...args: CallArgs<K>): Promise<CallResult<K>> {
      // Open: sent now, within the caller's task — not a microtask later, after whatever render the
      // caller's state change scheduled (a live edit's request left 4–13 ms late that way).
      if (socket && socket.readyState === OPEN && opened) return send(socket, name, args);
      return connect().then((ws) => send(ws, name, args));
    },
    onEvent(listener) {
      listeners.add(listener);
      void connect().catch(() => undefined); // events need a live socket
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      closedByUser = true;
      clearTimeout(retryTimer);
      socket?.close();
      socket = null;
      opened = null;
    },
  };
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error('expected a binary frame');
}

/** EngineClient over the socket. */
export function createWsEngine(t: WsTransport): EngineClient {
  return {
    run: (req) => t.call('engine.run', req),
    cancel: async (docId) => void (await t.call('engine.cancel', docId)),
    fetchTensor: (docId, nodeId) => t.call('engine.fetchTensor', docId, nodeId),
    exportOnnx: (doc, seed, token) => t.call('engine.exportOnnx', doc, seed, token),
    exportPyTorch: (doc, token) => t.call('engine.exportPyTorch', doc, token),
    importOnnx: (bytes, name, inputShape) => t.call('engine.importOnnx', bytes, name, inputShape),
    importOnnxModel: (bytes, name, inputShape) => t.call('engine.importOnnxModel', bytes, name, inputShape),
    attachWeights: (bytes, file) => t.call('engine.attachWeights', bytes, file),
    readWeights: (token) => t.call('engine.readWeights', token),
    inlineWeights: (doc, token) => t.call('engine.inlineWeights', doc, token),
    releaseWeights: async (token) => void (await t.call('engine.releaseWeights', token)),
    previewData: (data, input) => t.call('engine.previewData', data, input),
    dataSamples: (data, input, indices) => t.call('engine.dataSamples', data, input, indices),
    startTraining: (req) => t.call('engine.startTraining', req),
    controlTraining: async (trainId, action) => void (await t.call('engine.controlTraining', trainId, action)),
    onEvent: (listener) => t.onEvent(listener),
  };
}
