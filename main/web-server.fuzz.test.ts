/**
 * Protocol-level fuzzing of the browser-mode server (issue 22, item 1): after a valid WebSocket
 * handshake, raw TCP bytes that break the WebSocket protocol — the 14-byte frame from the audit,
 * unmasked frames, a reserved opcode, RSV1, close code 999, bad UTF-8, oversized length headers,
 * then seeded random bytes and bit-flipped valid frames. The server runs in a process of its own,
 * so an uncaught exception would end it. After every input the server must still answer a normal
 * client (connected throughout) and a new one; a connection with a protocol error is closed.
 * Loopback only, a fixed seed, a bounded number of cases: it stops by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../engine/src/core/weights/seeded';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { encodeMessage } from './wire';
import { connectClient, socketUrlOf, type TestClient } from './testing/web-clients';

const FIXTURE = fileURLToPath(new URL('./testing/web-server-process.ts', import.meta.url));
const SEED = 0x22c0ffee;
const RANDOM_CASES = 40;
const MUTATED_CASES = 40;

let child: ChildProcess;
let pageUrl: string;
let port: number;
let childOutput = '';
let exited: { code: number | null; signal: string | null } | null = null;
let steady: TestClient;

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.stderr!.on('data', (d) => (childOutput += String(d)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error(`the server process ended: ${childOutput}`)));
  });
  ({ url: pageUrl, port } = JSON.parse(line) as { url: string; port: number });
  steady = connectClient(pageUrl);
  await steady.engine.cancel('warm-up');
}, 60_000);

afterAll(() => {
  steady?.close();
  child?.kill('SIGKILL');
});

/** One client frame: FIN, RSV bits, opcode, masked (as clients must) unless told otherwise. */
function frame(opcode: number, payload: Uint8Array, o: { fin?: boolean; rsv?: number; mask?: boolean; declaredLength?: bigint } = {}): Buffer {
  const mask = o.mask ?? true;
  const len = o.declaredLength ?? BigInt(payload.length);
  const head: number[] = [((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | opcode];
  const m = mask ? 0x80 : 0;
  if (len < 126n) head.push(m | Number(len));
  else if (len < 65536n) head.push(m | 126, Number(len >> 8n) & 255, Number(len) & 255);
  else {
    head.push(m | 127);
    for (let i = 7; i >= 0; i--) head.push(Number((len >> BigInt(8 * i)) & 255n));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, body]);
}

const call = (id: number, name: string, args: unknown[]) => encodeMessage({ kind: 'call', id, name, args });
const validCall = frame(2, call(1, 'engine.cancel', ['doc-1']));

/** A raw TCP connection that completed the WebSocket handshake (same origin, the page's token). */
async function handshaken(): Promise<Socket> {
  const url = new URL(socketUrlOf(pageUrl));
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const response = await new Promise<string>((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed during the handshake: ${got}`)));
  });
  expect(response.startsWith('HTTP/1.1 101')).toBe(true);
  return socket;
}

/** Sends `bytes` after a handshake; resolves whether the server closed the connection (or began to: a close frame) within `waitMs`. */
async function attack(bytes: Buffer, waitMs: number): Promise<boolean> {
  const socket = await handshaken();
  const closed = new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(true));
    socket.on('data', (d: Buffer) => d[0] === 0x88 && resolve(true));
    setTimeout(() => resolve(false), waitMs);
  });
  socket.write(bytes);
  const wasClosed = await closed;
  socket.destroy();
  return wasClosed;
}

/** The server is alive and serves both the client connected all along and a new one. */
async function stillServes(label: string): Promise<void> {
  const fresh = connectClient(pageUrl);
  try {
    await steady.engine.cancel('doc-1');
    expect(await fresh.engine.fetchTensor('doc-1', 'flat')).toMatchObject({ shape: [2] });
  } catch (e) {
    throw new Error(`${label}: the server stopped serving (${(e as Error).message}); its process ${exited ? `ended (${JSON.stringify(exited)})` : 'is alive'}.\n${childOutput}`);
  } finally {
    fresh.close();
  }
  expect(exited, label).toBeNull();
}

const bytes = (...b: number[]) => Uint8Array.from(b);

/** Protocol errors: each must close its connection and leave the server serving. */
const PROTOCOL_ERRORS: [string, Buffer][] = [
  ['the 14-byte frame from the audit (binary, 2^40-byte length)', Buffer.from('82ff000001000000000001020304', 'hex')],
  ['an unmasked binary frame', frame(2, call(1, 'engine.cancel', ['d']), { mask: false })],
  ['an unmasked text frame', frame(1, new TextEncoder().encode('hello'), { mask: false })],
  ['reserved opcode 3', frame(3, bytes(1, 2, 3))],
  ['reserved control opcode 0xB', frame(0xb, bytes(1))],
  ['RSV1 without a negotiated extension', frame(2, bytes(1, 2, 3), { rsv: 4 })],
  ['RSV2 and RSV3', frame(2, bytes(1), { rsv: 3 })],
  ['close code 999', frame(8, bytes(0x03, 0xe7))],
  ['close code 1005 on the wire', frame(8, bytes(0x03, 0xed))],
  ['a close frame with a 1-byte body', frame(8, bytes(0x03))],
  ['a close reason that is not UTF-8', frame(8, bytes(0x03, 0xe8, 0xff, 0xfe))],
  ['a text frame that is not UTF-8', frame(1, bytes(0xff, 0xfe, 0xfd))],
  ['an overlong UTF-8 sequence', frame(1, bytes(0xc0, 0xaf))],
  ['a length header of 514 MiB (no body)', frame(2, new Uint8Array(0), { declaredLength: 514n * 2n ** 20n })],
  ['a length header of 2^63', frame(2, new Uint8Array(0), { declaredLength: 2n ** 63n })],
  ['a fragmented ping', frame(9, bytes(1), { fin: false })],
  ['a ping of 126 bytes', frame(9, new Uint8Array(126))],
  ['a continuation frame with nothing to continue', frame(0, bytes(1, 2))],
  ['a new data frame inside a fragmented message', Buffer.concat([frame(2, bytes(1), { fin: false }), frame(2, bytes(2))])],
  ['a text frame (not part of the protocol)', frame(1, new TextEncoder().encode('{"kind":"call"}'))],
  ['a binary frame that is not a wire frame', frame(2, bytes(1, 2, 3, 4, 5, 6, 7, 8, 9))],
  ['a wire frame whose header overruns it', frame(2, Uint8Array.from([0x43, 0x4e, 0x57, 0x31, 0xff, 0xff, 0xff, 0x7f, 0x7b]))],
  ['a wire frame whose header is not JSON', frame(2, Uint8Array.from([0x43, 0x4e, 0x57, 0x31, 3, 0, 0, 0, 0x7b, 0x7b, 0x7b]))],
  ['a wire frame whose typed array runs past its end', frame(2, wireHeader('{"kind":"call","id":1,"name":"engine.cancel","args":[{"$ta":"f32","i":0,"n":1000000}]}'))],
  ['a call with a non-integer id', frame(2, wireHeader('{"kind":"call","id":1.5,"name":"engine.cancel","args":["d"]}'))],
];

/** Hostile but well-formed frames: the server may answer them or close the connection, and must keep serving. */
const deep = (n: number) => frame(2, wireHeader(`{"kind":"call","id":1,"name":"engine.cancel","args":${'['.repeat(n)}${']'.repeat(n)}}`));
const HOSTILE_CALLS: [string, Buffer][] = [
  ['a call nested 5 000 arrays deep', deep(5_000)],
  ['a call nested 50 000 arrays deep', deep(50_000)],
  ['a call nested 1 000 000 arrays deep', deep(1_000_000)],
  ['a call with 200 000 empty objects', frame(2, wireHeader(`{"kind":"call","id":1,"name":"engine.cancel","args":[${new Array(200_000).fill('{}').join(',')}]}`))],
  ['a call named __proto__', frame(2, wireHeader('{"kind":"call","id":1,"name":"__proto__","args":[]}'))],
  ['a call whose args are not an array', frame(2, wireHeader('{"kind":"call","id":1,"name":"engine.cancel","args":{"length":1e9}}'))],
];

/** A wire frame with this JSON header and no buffers. */
function wireHeader(json: string): Uint8Array {
  const header = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + header.length);
  out.set([0x43, 0x4e, 0x57, 0x31]);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  return out;
}

describe('browser-mode server under malformed WebSocket frames', () => {
  it('closes each connection with a protocol error and keeps serving everyone else', async () => {
    for (const [label, data] of PROTOCOL_ERRORS) {
      const closed = await attack(data, 2000);
      expect(closed, `${label}: the server should close the connection`).toBe(true);
      await stillServes(label);
    }
    for (const [label, data] of HOSTILE_CALLS) {
      await attack(data, 300);
      await stillServes(label);
    }
  }, 120_000);

  it(`survives ${RANDOM_CASES} seeded random byte strings and ${MUTATED_CASES} bit-flipped valid frames (seed ${SEED.toString(16)})`, async () => {
    const random = mulberry32(SEED); // seeded, so a failure names the case that caused it
    for (let i = 0; i < RANDOM_CASES; i++) {
      const n = 1 + Math.floor(random() * 64);
      const data = Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
      await attack(data, 100);
      await stillServes(`random case ${i}: ${data.toString('hex')}`);
    }
    for (let i = 0; i < MUTATED_CASES; i++) {
      const data = Buffer.from(validCall);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) data[Math.floor(random() * data.length)]! ^= 1 << Math.floor(random() * 8);
      await attack(data, 100);
      await stillServes(`mutated case ${i}: ${data.toString('hex')}`);
    }
  }, 120_000);

  it('survives malformed HTTP and upgrade requests (each answered or dropped)', async () => {
    const url = new URL(socketUrlOf(pageUrl));
    const target = `${url.pathname}${url.search}`;
    const head = `Host: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`;
    const requests = [
      Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]), // a TLS ClientHello
      Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n'),
      Buffer.from(`GET ${target} HTTP/1.1\r\n${head}Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n`),
      Buffer.from(`GET ${target} HTTP/1.1\r\n${head}Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 99\r\n\r\n`),
      Buffer.from(`GET ${target} HTTP/1.1\r\n${head}Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99\r\n\r\n`),
      Buffer.from(`GET ${target} HTTP/1.1\r\n${head}`), // cut off mid-headers, then reset
      Buffer.from(`GET /ws?token=${'%'.repeat(5000)} HTTP/1.1\r\n${head}Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    ];
    // Refused upgrades (foreign Origin, no token) whose client resets before the refusal is written.
    const key = () => randomBytes(16).toString('base64');
    const refusedThenReset = [
      Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key()}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
      Buffer.from(`GET /ws HTTP/1.1\r\n${head}Sec-WebSocket-Key: ${key()}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    ];
    for (const [i, request] of [...requests, ...refusedThenReset].entries()) {
      const resetAtOnce = i >= requests.length;
      for (let round = 0; round < (resetAtOnce ? 20 : 1); round++) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.write(request);
        if (!resetAtOnce) await new Promise((r) => setTimeout(r, 100));
        socket.resetAndDestroy();
      }
      await new Promise((r) => setTimeout(r, 50));
      await stillServes(`HTTP request ${i}: ${JSON.stringify(request.toString('latin1').slice(0, 60))}`);
    }
  }, 60_000);
});
