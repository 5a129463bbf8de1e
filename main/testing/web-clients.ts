/** Clients of a browser-mode server for tests: the renderer's own WebSocket client, with the server's launch token. */
import WebSocket from 'ws';
import type { EngineClient, EngineEvent } from '../../engine/src/core/api';
import { createWsEngine, createWsTransport, type WebSocketLike, type WsTransport } from '../../renderer/src/host/ws-client';

/** The launch token in a server's page URL (`?token=`), if it has one. */
export function tokenOf(pageUrl: string): string | null {
  return new URL(pageUrl).searchParams.get('token');
}

/** The WebSocket URL a page served from `pageUrl` connects to (with the page's token). */
export function socketUrlOf(pageUrl: string): string {
  const page = new URL(pageUrl);
  const token = page.searchParams.get('token');
  return `ws://${page.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

export interface TestClient {
  engine: EngineClient;
  transport: WsTransport;
  /** Every engine event this client received. */
  events: EngineEvent[];
  close(): void;
}

/** A page's engine client connected to the server at `pageUrl` (same origin, its token). */
export function connectClient(pageUrl: string): TestClient {
  const origin = new URL(pageUrl).origin;
  const transport = createWsTransport(socketUrlOf(pageUrl), (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike);
  const engine = createWsEngine(transport);
  const events: EngineEvent[] = [];
  engine.onEvent((e) => void events.push(e));
  return { engine, transport, events, close: () => transport.close() };
}

/** Resolves when `check` holds (polled), rejects after `ms`. */
export async function eventually(check: () => boolean, ms = 5000, what = 'the condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
