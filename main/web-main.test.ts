/**
 * `npm run web`'s entry (main/web-main.ts) as a process: it makes a launch token per start, prints
 * the address with it, and its server refuses sockets without it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { connectClient, socketUrlOf, tokenOf } from './testing/web-clients';

const ENTRY = fileURLToPath(new URL('./web-main.ts', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Starts web-main on a dist folder with only a renderer (the engine cannot start there: editing still works). */
async function launch(): Promise<string> {
  const dist = await mkdtemp(path.join(tmpdir(), 'cnn-web-main-'));
  dirs.push(dist);
  await mkdir(path.join(dist, 'renderer'));
  await writeFile(path.join(dist, 'renderer', 'index.html'), '<!doctype html>');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ENTRY, '--dist', dist, '--backend', 'reference'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /CNN Studio \(browser mode\): (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`web-main exited (${code}): ${out}`)));
  });
}

describe('npm run web (main/web-main.ts)', () => {
  it('prints an address with a fresh launch token each start; the socket needs it', async () => {
    const [first, second] = await Promise.all([launch(), launch()]);
    expect(tokenOf(first)).toMatch(/^[\w-]{43}$/);
    expect(tokenOf(first)).not.toBe(tokenOf(second));
    const { port, origin } = new URL(first);
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin });
      ws.once('open', () => (ws.close(), resolve(101)));
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode!));
      ws.once('error', reject);
    });
    expect(status).toBe(401);
    // The other launch's token does not open this one.
    const crossed = new URL(socketUrlOf(second));
    crossed.port = port;
    const crossedStatus = await new Promise<number>((resolve) => {
      const ws = new WebSocket(crossed.href, { origin });
      ws.once('open', () => (ws.close(), resolve(101)));
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode!));
      ws.once('error', () => resolve(-1));
    });
    expect(crossedStatus).toBe(401);
    const client = connectClient(first);
    await expect(client.engine.cancel('doc-1')).resolves.toBeUndefined();
    client.close();
  }, 60_000);
});
