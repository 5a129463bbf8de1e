import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { auditSource } from './security-audit';
import { secureWebPreferences } from './window';
import { cspWeaknesses, contentSecurityPolicy } from './csp';
import { ensureAppBuilt } from './testing/ensure-built';

const ROOT = path.resolve(__dirname, '..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const sourceFiles = readdirSync(path.join(ROOT, 'main')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'security-audit.ts');

describe('static Electron security audit', () => {
  it.each(sourceFiles)('main/%s has no weakened setting', (f) => {
    expect(auditSource(`main/${f}`, read(`main/${f}`), { preload: f === 'preload.ts' })).toEqual([]);
  });

  it('the preload exposes one object, without ipcRenderer or a generic send', () => {
    const text = read('main/preload.ts');
    expect(text.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(auditSource('main/preload.ts', text, { preload: true })).toEqual([]);
  });

  it('the built main and preload bundles pass too', async () => {
    await ensureAppBuilt();
    const findings = [
      ...auditSource('dist/main/main.cjs', read('dist/main/main.cjs')),
      ...auditSource('dist/main/preload.cjs', read('dist/main/preload.cjs')),
    ];
    expect(findings).toEqual([]);
  });

  it('the window factory uses the hardened values', () => {
    expect(secureWebPreferences('/p')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
  });

  it('the CSP we send (desktop and browser mode) is strict', () => {
    expect(cspWeaknesses(contentSecurityPolicy())).toEqual([]);
    expect(cspWeaknesses(contentSecurityPolicy({ connect: ['ws://127.0.0.1:1234'] }))).toEqual([]);
  });

  // The auditor must be able to fail: each weakened sample is caught.
  it.each([
    ['nodeIntegration: true,', 'nodeIntegration enabled'],
    ['  nodeIntegrationInWorker: true', 'nodeIntegration enabled'],
    ['contextIsolation: false', 'contextIsolation disabled'],
    ['sandbox: false', 'sandbox disabled'],
    ['webSecurity: false', 'webSecurity disabled'],
    ['allowRunningInsecureContent: true', 'insecure content allowed'],
    ['webviewTag: !0', 'webview tag enabled'],
    ["['script-src', [\"'self'\", \"'unsafe-eval'\"]]", "'unsafe-eval' in a CSP"],
    ['win.loadFile("index.html")', 'renderer loaded from file://'],
    ['shell.openExternal(link)', 'shell.openExternal without a URL check'],
  ])('catches %s', (sample, rule) => {
    expect(auditSource('sample.ts', sample).map((f) => f.rule)).toContain(rule);
  });

  it.each([
    ["contextBridge.exposeInMainWorld('api', { ipcRenderer })", 'ipcRenderer exposed through contextBridge'],
    ["const api = {\n  send: (channel, data) => ipcRenderer.send(channel, data),\n}\ncontextBridge.exposeInMainWorld('api', api)", 'ipcRenderer or a generic send/invoke exposed through contextBridge'],
    ["const api = {\n  x: ipcRenderer,\n}\ncontextBridge.exposeInMainWorld('api', api);\ncontextBridge.exposeInMainWorld('b', api)", 'preload must expose exactly one object'],
  ])('catches a leaky preload (%#)', (sample, rule) => {
    expect(auditSource('preload.ts', sample, { preload: true }).map((f) => f.rule)).toContain(rule);
  });
});

describe('Content-Security-Policy of the renderer page', () => {
  const metaCsp = (html: string) => /http-equiv=["']Content-Security-Policy["'][^>]*content=(["'])(.+?)\1/is.exec(html)?.[2];

  it('renderer/index.html declares a strict CSP', () => {
    const csp = metaCsp(read('renderer/index.html'));
    expect(csp).toBeDefined();
    expect(csp).toContain("script-src 'self'");
    expect(cspWeaknesses(csp!)).toEqual([]);
  });

  it('the built dist/renderer/index.html keeps it, with no inline script', async () => {
    await ensureAppBuilt();
    const html = read('dist/renderer/index.html');
    const csp = metaCsp(html);
    expect(csp).toBeDefined();
    expect(cspWeaknesses(csp!)).toEqual([]);
    // script-src 'self' forbids inline scripts: every <script> must load a file.
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(m[1]).toMatch(/\bsrc=/);
      expect(m[2]!.trim()).toBe('');
    }
  });
});
