import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APP_SCHEME_PRIVILEGES, respondToAppRequest } from './protocol';
import { cspWeaknesses } from './csp';

let root: string;
let outside: string;
beforeAll(async () => {
  const base = await realpath(await mkdtemp(path.join(tmpdir(), 'cnn-proto-')));
  root = path.join(base, 'renderer');
  outside = path.join(base, 'secret.txt');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html>');
  await writeFile(path.join(root, 'assets', 'a.js'), 'export {}');
  await writeFile(outside, 'secret');
});
afterAll(async () => rm(path.dirname(root), { recursive: true, force: true }));

const get = (url: string, method = 'GET') => respondToAppRequest({ url, method }, root);

describe('app:// protocol', () => {
  it('is registered as a standard, secure scheme that does not bypass CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true, bypassCSP: false } });
  });

  it('serves the renderer with the CSP header and the right types', async () => {
    const res = await get('app://cnn-studio/index.html');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<!doctype html>');
    expect(cspWeaknesses(res.headers.get('content-security-policy')!)).toEqual([]);
    expect((await get('app://cnn-studio/assets/a.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await get('app://cnn-studio/')).status).toBe(200);
  });

  it('is confined to the renderer folder', async () => {
    for (const url of ['app://cnn-studio/../secret.txt', 'app://cnn-studio/%2e%2e/secret.txt', 'app://cnn-studio/assets/..%2f..%2fsecret.txt', 'app://other/index.html', 'app://cnn-studio/missing.js']) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    expect((await get('app://cnn-studio/index.html', 'POST')).status).toBe(405);
  });
});
