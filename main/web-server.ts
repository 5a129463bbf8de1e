/**
 * Browser mode: an HTTP server on 127.0.0.1 that serves the built renderer with the app's CSP
 * and bridges the host router over one WebSocket path. Connections whose Origin (or Host) is not
 * this server's own are refused, so other web pages cannot drive the engine; connections without
 * the per-launch token (in the page URL the server prints, like Jupyter's) are refused too, so
 * other local processes cannot either, even with a forged Origin and Host.
 *
 * The static files stay public (Host-checked): they are the app's own code and hold no secrets,
 * and requiring the token for them would need a cookie for every script and stylesheet the page
 * loads. What the token guards is the socket, which drives the engine.
 *
 * Each connection has its own namespace of runs, events, weights tokens and training runs
 * (web-session.ts), freed when it closes. A malformed frame closes only its own connection;
 * frames, connections and work in flight are bounded (web-limits.ts).
 *
 * Files are not served from the user's disk here: in browser mode the page opens and saves with the
 * browser's file APIs (renderer/src/host/browser-files.ts); the server-side FileClient defaults to
 * one that says so.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FileClient } from '../engine/src/core/api';
import { HostError, WS_PATH, type ClientMessage, type ServerMessage } from './contract';
import { createRouter, type Router } from './router';
import { contentSecurityPolicy } from './csp';
import { decodeMessage, encodeMessage } from './wire';
import { readStaticFile } from './static-files';
import { ConnectionScopes, type SharedEngine } from './web-session';
import { DEFAULT_WEB_LIMITS, headerStructures, peekCallId, ReadBudget, type WebLimits } from './web-limits';

export { resolveInside } from './static-files';
export { DEFAULT_WEB_LIMITS, type WebLimits } from './web-limits';

export interface WebServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Shared by every connection, each in its own namespace (EngineHost: `forget` frees a closed tab's documents). */
  engine: SharedEngine;
  files?: FileClient;
  /** Only loopback makes sense; kept as an option for tests. */
  host?: '127.0.0.1';
  /** The per-launch secret the socket requires (newLaunchToken); a fresh one when absent. */
  token?: string;
  limits?: Partial<WebLimits>;
}

export interface WebServer {
  /** The page to open: `http://127.0.0.1:<port>/?token=<launch token>`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A per-launch secret: 256 random bits, URL-safe. */
export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}


/** A FileClient for the server side of browser mode, where the browser does all file work. */
export function browserOnlyFiles(): FileClient {
  const no = async (): Promise<never> => {
    throw new HostError({ code: 'unsupported', message: 'In browser mode, files are opened and saved by the browser, not the server.' });
  };
  return { open: no, save: no, exportBinary: no, recent: async () => [], writeRecovery: no, readRecovery: async () => null, clearRecovery: no };
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const rendererDir = await fsp.realpath(path.resolve(options.rendererDir));
  await fsp.access(path.join(rendererDir, 'index.html')).catch(() => {
    throw new Error(`No built renderer in ${rendererDir} (index.html missing). Run \`npm run build\` first.`);
  });
  const host = options.host ?? '127.0.0.1';
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const csp = () => contentSecurityPolicy({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });

  const serveFile = async (req: IncomingMessage, res: ServerResponse) => {
    const headers = securityHeaders(csp());
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain' }).end('Misdirected request: wrong Host header.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed.\n');
      return;
    }
    const found = await readStaticFile(rendererDir, req.url ?? '/');
    if (!found) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found.\n');
      return;
    }
    const { file, body, contentType } = found;
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentType,
      'Content-Length': String(body.length),
      'Cache-Control': path.extname(file) === '.html' ? 'no-cache' : 'public, max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    serveFile(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`Internal error: ${(e as Error).message}\n`);
    });
  });

  const limits: WebLimits = { ...DEFAULT_WEB_LIMITS, ...options.limits };
  const token = options.token ?? newLaunchToken();
  const files = options.files ?? browserOnlyFiles();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  wss.on('error', () => undefined); // only relayed from the HTTP server, which reports its own
  server.on('error', (e) => console.warn(`CNN Studio web server: ${e.message}`));
  const sockets = new Set<WebSocket>();
  const scopes = new ConnectionScopes(options.engine);

  /** Calls being served per connection; bytes of frames arriving and calls being served, all connections together. */
  const callsOf = new Map<WebSocket, number>();
  const budget = new ReadBudget<WebSocket>(limits.maxInFlightBytes);

  server.on('upgrade', (req, socket: Socket, head) => {
    // A client that resets mid-handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${text}\n`);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WS_PATH) return reject(404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(421, 'Misdirected Request');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return reject(403, 'Forbidden: foreign origin');
    if (!sameSecret(url.searchParams.get('token'), token)) return reject(401, 'Unauthorized: open the address `npm run web` printed (it ends in ?token=...)');
    if (sockets.size >= limits.maxConnections) return reject(503, 'Service Unavailable: too many connections');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const scope = scopes.open();
      const router = createRouter<WebSocket>({ engine: scope, files, senderIsTrusted: (s) => s === ws && sockets.has(ws) });
      sockets.add(ws);
      callsOf.set(ws, 0);
      budget.add(ws);
      // Counted before ws reads them (prepended), so a message completed by this chunk includes it.
      socket.prependListener('data', (chunk: Buffer) => budget.received(ws, chunk.length));
      ws.on('ping', () => budget.completed(ws));
      ws.on('pong', () => budget.completed(ws));
      const unsubscribe = scope.onEvent((event) => send(ws, { kind: 'event', event }));
      // A protocol error (bad frame, over maxPayload, bad UTF-8…): ws closes this connection with the matching code.
      ws.on('error', () => undefined);
      ws.on('close', () => {
        sockets.delete(ws);
        callsOf.delete(ws);
        budget.remove(ws);
        unsubscribe();
        void scopes.close(scope);
      });
      ws.on('message', (data, isBinary) => {
        const bytes = (data as Buffer).length;
        budget.completed(ws, bytes);
        void onMessage(ws, router, data as Buffer, isBinary)
          .catch(() => ws.terminate())
          .finally(() => budget.release(bytes));
      });
    });
  });

  const send = (ws: WebSocket, msg: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    let frame: Uint8Array;
    try {
      frame = encodeMessage(msg);
    } catch (e) {
      if (msg.kind !== 'reply') return;
      frame = encodeMessage({ kind: 'reply', id: msg.id, reply: { ok: false, error: { code: 'internal', message: `Could not encode the result: ${(e as Error).message}` } } });
    }
    ws.send(frame);
  };

  const onMessage = async (ws: WebSocket, router: Router<WebSocket>, data: Buffer, isBinary: boolean) => {
    if (!isBinary) return ws.close(1003, 'Unsupported message');
    // Too many objects to decode without stalling everyone: answer without decoding, if it can be answered.
    if (headerStructures(data, limits.maxHeaderStructures) > limits.maxHeaderStructures) {
      const id = peekCallId(data);
      if (id === null) return ws.close(1009, 'Message too complex');
      const message = `This is too large for browser mode: over ${limits.maxHeaderStructures.toLocaleString('en-US')} objects in one call (a document of more than about 20,000 nodes). Use the desktop app or the command line (cnn-studio) for models this large.`;
      return send(ws, { kind: 'reply', id, reply: { ok: false, error: { code: 'too-large', message } } });
    }
    let msg: ClientMessage;
    try {
      msg = decodeMessage(data) as ClientMessage;
      if (msg?.kind !== 'call' || !Number.isSafeInteger(msg.id)) throw new Error('not a call');
    } catch {
      return ws.close(1003, 'Unsupported message');
    }
    const calls = callsOf.get(ws) ?? 0;
    if (calls >= limits.maxCallsInFlight) {
      const message = `This page already has ${limits.maxCallsInFlight} calls waiting for the server — try again when they have finished.`;
      return send(ws, { kind: 'reply', id: msg.id, reply: { ok: false, error: { code: 'busy', message } } });
    }
    callsOf.set(ws, calls + 1);
    try {
      const reply = await router.handle(msg.name, msg.args, ws);
      send(ws, { kind: 'reply', id: msg.id, reply });
    } finally {
      if (callsOf.has(ws)) callsOf.set(ws, (callsOf.get(ws) ?? 1) - 1);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;

  return {
    url,
    port,
    async close() {
      for (const ws of sockets) ws.terminate();
      await scopes.dispose();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
