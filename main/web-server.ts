/**
 * Browser mode: an HTTP server on 127.0.0.1 that serves the built renderer with the app's CSP
 * and bridges the host router over one WebSocket path. Connections whose Origin (or Host) is not
 * this server's own are refused, so other web pages cannot drive the engine.
 *
 * Files are not served from the user's disk here: in browser mode the page opens and saves with the
 * browser's file APIs (renderer/src/host/browser-files.ts); the server-side FileClient defaults to
 * one that says so.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineClient, EngineEvent, FileClient } from '../engine/src/core/api';
import { HostError, MAX_PAYLOAD_BYTES, WS_PATH, type ClientMessage, type ServerMessage } from './contract';
import { createRouter } from './router';
import { contentSecurityPolicy } from './csp';
import { decodeMessage, encodeMessage } from './wire';
import { readStaticFile } from './static-files';

export { resolveInside } from './static-files';

export interface WebServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  engine: EngineClient;
  files?: FileClient;
  /** Only loopback makes sense; kept as an option for tests. */
  host?: '127.0.0.1';
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES + (1 << 20) });
  const sockets = new Set<WebSocket>();
  const router = createRouter<WebSocket>({
    engine: options.engine,
    files: options.files ?? browserOnlyFiles(),
    senderIsTrusted: (ws) => sockets.has(ws),
  });

  server.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${text}\n`);
    };
    const url = (req.url ?? '').split('?')[0];
    if (url !== WS_PATH) return reject(404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(421, 'Misdirected Request');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return reject(403, 'Forbidden: foreign origin');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        void onMessage(ws, data as Buffer, isBinary);
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

  const onMessage = async (ws: WebSocket, data: Buffer, isBinary: boolean) => {
    let msg: ClientMessage;
    try {
      if (!isBinary) throw new Error('text frames are not part of the protocol');
      msg = decodeMessage(data) as ClientMessage;
      if (msg?.kind !== 'call' || !Number.isSafeInteger(msg.id)) throw new Error('not a call');
    } catch {
      ws.close(1003, 'Unsupported message');
      return;
    }
    const reply = await router.handle(msg.name, msg.args, ws);
    send(ws, { kind: 'reply', id: msg.id, reply });
  };

  const unsubscribe = options.engine.onEvent((event: EngineEvent) => {
    for (const ws of sockets) send(ws, { kind: 'event', event });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    port,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
