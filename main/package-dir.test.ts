/**
 * A real electron-builder run (`--linux dir --x64`), offline: Electron itself cannot be downloaded
 * here, so electronDist points at a stand-in folder whose "electron" binary carries a fuse wire.
 * Then: list app.asar and app.asar.unpacked, check the fuses the afterPack hook set, and run the
 * packaged engine worker — from the unpacked folder, as the installed app would — through
 * EngineHost with the onnxruntime backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineHost } from '../engine/src/runtime/engine-host';
import { tinyDocument } from './testing/fakes';
import { ensureAppBuilt } from './testing/ensure-built';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, '..');
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

let work: string;
let appDir: string;
let asarFiles: string[] = [];
let log = '';

beforeAll(async () => {
  if (!linuxX64) return;
  await ensureAppBuilt();
  work = await mkdtemp(path.join(tmpdir(), 'cnn-pack-'));
  const fakeElectron = path.join(work, 'electron-dist');
  await mkdir(path.join(fakeElectron, 'resources'), { recursive: true });
  const wire = Buffer.from([1, 8, 49, 48, 49, 49, 48, 48, 48, 49]); // V1, 8 fuses, Electron's defaults
  await writeFile(path.join(fakeElectron, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), wire]), { mode: 0o755 });
  await writeFile(path.join(fakeElectron, 'LICENSE'), 'stand-in');
  await writeFile(path.join(fakeElectron, 'version'), '45.5.0');
  const out = path.join(work, 'release');
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules/electron-builder/cli.js'), '--linux', 'dir', '--x64', `-c.electronDist=${fakeElectron}`, `-c.directories.output=${out}`, '--publish', 'never'],
    { cwd: ROOT, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CI: '1' }, maxBuffer: 16 << 20 },
  );
  log = stdout + stderr;
  appDir = path.join(out, 'linux-unpacked');
  const asar = require('@electron/asar') as { listPackage(p: string, o?: unknown): string[] };
  asarFiles = asar.listPackage(path.join(appDir, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replace(/\\/g, '/'));
}, 400_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(!linuxX64)('electron-builder --dir, linux x64 (skipped: needs a linux-x64 host)', () => {
  it('packs the app into app.asar without dev files or other packages', () => {
    expect(log).toContain('electron fuses set');
    for (const f of ['/package.json', '/dist/main/main.cjs', '/dist/main/preload.cjs', '/dist/renderer/index.html', '/assets/icons/512x512.png']) expect(asarFiles).toContain(f);
    expect(asarFiles.filter((f) => /\.(ts|tsx|map)$/.test(f) || f.includes('.test.'))).toEqual([]);
    expect(asarFiles.filter((f) => /^\/(main|engine|renderer|e2e|scripts|build|docs)\//.test(f))).toEqual([]);
    expect(asarFiles.filter((f) => /^\/node_modules\/[^/]+$/.test(f))).toEqual(['/node_modules/onnxruntime-common', '/node_modules/onnxruntime-node']);
  });

  it('unpacks the worker and only the linux-x64 onnxruntime binaries', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked');
    expect(existsSync(path.join(unpacked, 'dist/engine/worker.cjs'))).toBe(true);
    expect(existsSync(path.join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'))).toBe(true);
    expect(existsSync(path.join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/linux/arm64'))).toBe(false);
    expect(existsSync(path.join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/win32'))).toBe(false);
    expect(existsSync(path.join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/darwin'))).toBe(false);
  });

  it('flips the fuses on the packaged binary', async () => {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    const wire = (await getCurrentFuseWire(path.join(appDir, 'cnn-studio'))) as unknown as Record<number, number>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(48);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(49);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(49);
  });

  it('the packaged worker runs a model with onnxruntime from the unpacked folder', async () => {
    const engine = new EngineHost({ backend: 'ort', workerPath: path.join(appDir, 'resources', 'app.asar.unpacked', 'dist', 'engine', 'worker.cjs') });
    try {
      await engine.start();
      const data = Float32Array.from({ length: 16 }, (_, i) => i);
      const r = await engine.run({ docId: 'p', document: tinyDocument(), inputs: { kind: 'tensor', shape: [1, 4, 4], data }, tensors: 'all' });
      expect(Array.from(r.tensors.flat!.data)).toEqual(Array.from(data));
    } finally {
      await engine.stop();
    }
  });
});
