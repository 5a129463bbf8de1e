/**
 * The afterPack hook (build/after-pack.cjs) flips Electron's fuses. Checked on a synthetic binary
 * carrying Electron's fuse sentinel and a V1 wire, read back with @electron/fuses itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const hook = require('../build/after-pack.cjs') as {
  default: (context: unknown) => Promise<void>;
  fuseConfigFor(platform: string, arch: string): Record<string, unknown>;
};
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLE = 49;
const DISABLE = 48;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-fuses-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An "Electron binary" whose fuse wire starts in Electron's defaults (RunAsNode on, etc.). */
async function fakeElectron(file: string) {
  const defaults = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE];
  const bytes = Buffer.concat([Buffer.alloc(1000, 7), Buffer.from(SENTINEL), Buffer.from([1, defaults.length, ...defaults]), Buffer.alloc(1000, 9)]);
  await writeFile(file, bytes);
}

describe('electron fuses (afterPack hook)', () => {
  it('turns RunAsNode off, cookie encryption on, app only from asar, and the Node escape hatches off', async () => {
    const appOutDir = path.join(dir, 'linux-unpacked');
    await import('node:fs/promises').then((fs) => fs.mkdir(appOutDir, { recursive: true }));
    await fakeElectron(path.join(appOutDir, 'cnn-studio'));
    await hook.default({ appOutDir, electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'CNN Studio' }, executableName: 'cnn-studio' } });
    const wire = (await getCurrentFuseWire(path.join(appOutDir, 'cnn-studio'))) as unknown as Record<number, number>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(DISABLE);
  });

  it('validates asar integrity where Electron supports it (macOS, Windows)', () => {
    expect(hook.fuseConfigFor('darwin', 'arm64')[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(hook.fuseConfigFor('win32', 'x64')[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(hook.fuseConfigFor('linux', 'x64')[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(false);
    expect(hook.fuseConfigFor('darwin', 'arm64').resetAdHocDarwinSignature).toBe(true);
  });

  it('fails loudly on a binary without fuses instead of shipping unfused', async () => {
    const appOutDir = path.join(dir, 'broken');
    await import('node:fs/promises').then((fs) => fs.mkdir(appOutDir, { recursive: true }));
    await writeFile(path.join(appOutDir, 'cnn-studio'), 'not electron');
    await expect(hook.default({ appOutDir, electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'CNN Studio' }, executableName: 'cnn-studio' } })).rejects.toThrow(/sentinel/);
  });
});
