/** The real bin, run as a child process: exit codes, output, and the --json contract. */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, CliError } from './command';
import { PRESET_NAMES } from '../core/presets';
import { builtCli } from './testing';

let BIN: string;
let dir: string;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

const VALID = {
  format: 'cnn-studio.model',
  version: 1,
  name: 'lecture pooling example',
  nodes: [
    { id: 'x', type: 'Input', params: { channels: 1, height: 4, width: 4 }, position: { x: 0, y: 0 } },
    { id: 'p', type: 'Pool2D', params: { mode: 'min', kernel: 2, stride: 2 } },
  ],
  edges: [{ source: 'x', target: 'p' }],
};
const INVALID = {
  ...VALID,
  name: 'dense without flatten',
  nodes: [VALID.nodes[0], { id: 'd', type: 'Dense', params: { units: 3 } }],
  edges: [{ id: 'x-d', source: 'x', target: 'd' }],
};

beforeAll(async () => {
  BIN = await builtCli();
  dir = mkdtempSync(join(tmpdir(), 'cnn-studio-cli-'));
  writeFileSync(join(dir, 'valid.json'), JSON.stringify(VALID));
  writeFileSync(join(dir, 'invalid.json'), JSON.stringify(INVALID));
  writeFileSync(join(dir, 'broken.json'), '{"format": "cnn-studio.model", "nodes": [');
  writeFileSync(join(dir, 'array.json'), '[1, 2, 3]');
  writeFileSync(join(dir, 'newer.json'), JSON.stringify({ ...VALID, version: 7 }));
  writeFileSync(join(dir, 'wrong-types.json'), JSON.stringify({ ...VALID, nodes: 'many' }));
  writeFileSync(join(dir, 'binary.json'), Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3]));
  mkdirSync(join(dir, 'folder.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NO_STACK = /\n\s+at |Error:|node:internal/;

describe('cnn-studio (child process)', () => {
  it('presets lists every preset', async () => {
    const r = await cli('presets');
    expect(r.code).toBe(0);
    for (const name of PRESET_NAMES) expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
    expect(r.stdout).toMatch(/resnet50\s+25,557,032 params/);
    const j = await cli('presets', '--json');
    expect(JSON.parse(j.stdout).map((p: { name: string }) => p.name)).toEqual([...PRESET_NAMES]);
  });

  it('summary --json of a preset keeps the public contract', async () => {
    const r = await cli('summary', 'preset:resnet50', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.valid).toBe(true);
    expect(j.totals).toMatchObject({ params: 25_557_032, macs: expect.any(Number), activationBytes: expect.any(Number) });
    expect(Math.abs(j.totals.macs - 4.09e9) / 4.09e9).toBeLessThan(0.01);
    expect(j.diagnostics).toEqual([]);
    expect(j.nodes.filter((n: { type: string }) => n.type === 'ResidualUnit')).toHaveLength(16);
    for (const n of j.nodes) {
      expect(typeof n.id).toBe('string');
      expect(typeof n.type).toBe('string');
      expect(Array.isArray(n.outputShape)).toBe(true);
      expect(typeof n.params).toBe('number');
      expect(typeof n.macs).toBe('number');
    }
    expect(j.nodes.find((n: { id: string }) => n.id === 'fc')).toMatchObject({ type: 'Dense', outputShape: [1000], params: 2_049_000, macs: 2_048_000 });
  });

  it('summary --expand lists the primitives inside composites too', async () => {
    const r = await cli('summary', 'preset:resnet18', '--json', '--expand');
    const j = JSON.parse(r.stdout);
    const ids = j.nodes.map((n: { id: string }) => n.id);
    expect(ids).toContain('conv2_1');
    expect(ids).toContain('conv2_1/conv1');
    expect(ids.indexOf('conv2_1/conv1')).toBe(ids.indexOf('conv2_1') + 1);
    expect(j.nodes.find((n: { id: string }) => n.id === 'conv3_1/proj')).toMatchObject({ type: 'Conv2D', owner: 'conv3_1', outputShape: [128, 28, 28] });
  });

  it('summary prints a table with totals for a file', async () => {
    const r = await cli('summary', 'valid.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Layer\s+Type\s+Details\s+Output shape\s+Params\s+MACs/);
    expect(r.stdout).toMatch(/^p\s+Pool2D\s+min pool 2×2\/2\s+1×2×2\s+0\s+0$/m);
    expect(r.stdout).toMatch(/Total params: 0/);
  });

  it('summary of an invalid model still reports (valid: false) with diagnostics', async () => {
    const r = await cli('summary', 'invalid.json', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.valid).toBe(false);
    expect(j.diagnostics[0]).toMatchObject({ severity: 'error', code: 'dense-needs-flatten', nodeId: 'd', edgeId: 'x-d', message: expect.stringMatching(/Flatten/) });
    expect(j.nodes.find((n: { id: string }) => n.id === 'd').outputShape).toBeNull();
  });

  it('validate: 0 for a valid model, 1 for an invalid one with its diagnostics', async () => {
    const ok = await cli('validate', 'valid.json');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^valid: "lecture pooling example"/);
    const bad = await cli('validate', 'invalid.json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/error \[dense-needs-flatten\] \(node d, edge x-d/);
    const badJson = await cli('validate', 'invalid.json', '--json');
    expect(badJson.code).toBe(1);
    expect(JSON.parse(badJson.stdout)).toMatchObject({ valid: false, diagnostics: [{ code: 'dense-needs-flatten', nodeId: 'd' }] });
  });

  it.each([
    ['broken.json', /Not valid JSON/],
    ['array.json', /Not a CNN Studio model/],
    ['newer.json', /newer CNN Studio \(format version 7\)/],
    ['wrong-types.json', /nodes: /],
    ['binary.json', /not a text file/],
    ['missing.json', /Cannot read "missing.json": no such file/],
    ['folder.json', /directory/],
  ])('validate %s: exit 2 with a one-line message, no stack trace', async (file, message) => {
    const r = await cli('validate', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
  });

  it('validate --json on an unreadable file: exit 2 and a JSON error', async () => {
    const r = await cli('validate', 'broken.json', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, error: { code: 'bad-json' } });
  });

  it('usage errors exit 2 without a stack trace', async () => {
    for (const args of [['frobnicate'], ['summary'], ['summary', 'preset:resnet19'], ['summary', 'valid.json', '--fast'], ['validate', 'a.json', 'b.json'], []]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(NO_STACK);
    }
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/cnn-studio summary <file.json \| preset:NAME>/);
  });

  /** `cnn-studio <args> | <reader>` in a shell, pipefail: the exit code is the CLI's; stderr is the CLI's. */
  function piped(args: string, reader: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((res) => {
      execFile('bash', ['-c', `set -o pipefail; "$0" "$1" ${args} | ${reader}`, process.execPath, BIN], { cwd: dir }, (err, stdout, stderr) => {
        res({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
    });
  }

  it.runIf(process.platform !== 'win32')('presets | head -1: the first line, exit 0 and nothing on stderr — also when the reader has gone before the first write', async () => {
    const head = await piped('presets', 'head -1');
    expect(head).toEqual({ code: 0, stdout: expect.stringMatching(/^lenet5\s+61,706 params .*\n$/), stderr: '' });
    // `true` exits at once, so every write the CLI makes meets a closed pipe (EPIPE): Node's default is a stack trace and exit 1.
    expect(await piped('presets', 'true')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await piped('summary preset:resnet152 --expand', 'head -1')).toMatchObject({ code: 0, stderr: '' });
  });
});

/** What a built ES module imports: relative files (resolved) and packages, statically and with import(). */
function importsOf(file: string): { files: { path: string; dynamic: boolean }[]; packages: { name: string; dynamic: boolean }[] } {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...[...text.matchAll(/^import\s+(?:[\w$*{}\s,]+?\s+from\s+)?"([^"]+)";/gm)].map((m) => ({ spec: m[1], dynamic: false })),
    ...[...text.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => ({ spec: m[1], dynamic: true })),
    // require() left in bundled CommonJS code (the banner gives ES modules a real require)
    ...[...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => ({ spec: m[1], dynamic: false })),
  ];
  const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  return {
    files: specifiers.filter((s) => s.spec.startsWith('.')).map((s) => ({ path: resolve(dirname(file), s.spec), dynamic: s.dynamic })),
    packages: specifiers
      .filter((s) => !s.spec.startsWith('.') && !s.spec.startsWith('node:') && !builtinModules.includes(packageName(s.spec)))
      .map((s) => ({ name: packageName(s.spec), dynamic: s.dynamic })),
  };
}

describe('the shipped bin (issue 22 item 10, issue 19)', () => {
  const ROOT = resolve(__dirname, '../../..');

  it('is package.json\'s "bin": the built bundle, which leaves only production dependencies to node_modules (no tsx, so `npm ci --omit=dev` keeps it working)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; dependencies: Record<string, string> };
    expect(resolve(ROOT, pkg.bin['cnn-studio'])).toBe(BIN);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const { files, packages: used } = importsOf(file);
      for (const p of used) packages.add(p.name);
      for (const f of files) visit(f.path);
    };
    visit(BIN);
    expect(seen.size).toBeGreaterThan(1); // the chunks were followed
    expect([...packages].filter((p) => !(p in pkg.dependencies))).toEqual([]);
    expect([...packages].sort()).toEqual(['onnxruntime-node']);
  });

  it('starts without onnxruntime: only the chunks infer and train import on demand load it', () => {
    const startup = new Set<string>();
    const lazy: string[] = [];
    const visit = (file: string) => {
      if (startup.has(file)) return;
      startup.add(file);
      const { files, packages } = importsOf(file);
      expect(packages.filter((p) => !p.dynamic), file).toEqual([]);
      for (const f of files) (f.dynamic ? lazy.push(f.path) : visit(f.path));
    };
    visit(BIN);
    expect(lazy.some((f) => importsOf(f).packages.some((p) => p.name === 'onnxruntime-node'))).toBe(true);
  });
});

describe('parseArgs', () => {
  const cmd = {
    name: 't',
    usage: 't <x>',
    flags: { json: { type: 'boolean' as const, description: '' }, out: { type: 'string' as const, description: '', valueName: 'file', short: 'o' } },
    positionals: { min: 1, max: 2 },
  };
  it('parses flags in any position, --flag=value and --', () => {
    expect(parseArgs(['a', '--json', '--out', 'o.txt'], cmd)).toEqual({ positionals: ['a'], flags: { json: true, out: 'o.txt' } });
    expect(parseArgs(['--out=o', 'a', '--', '--json'], cmd)).toEqual({ positionals: ['a', '--json'], flags: { out: 'o' } });
    expect(parseArgs(['a', '-o', 'x.onnx'], cmd)).toEqual({ positionals: ['a'], flags: { out: 'x.onnx' } });
  });
  it('rejects unknown flags, missing values and wrong counts', () => {
    expect(() => parseArgs(['a', '--nope'], cmd)).toThrow(CliError);
    expect(() => parseArgs(['a', '-x', 'v'], cmd)).toThrow(/unknown option -x/);
    expect(() => parseArgs(['a', '-o'], cmd)).toThrow(/needs a value/);
    expect(() => parseArgs(['a', '--out'], cmd)).toThrow(/needs a value/);
    expect(() => parseArgs(['a', '--json=1'], cmd)).toThrow(/takes no value/);
    expect(() => parseArgs([], cmd)).toThrow(/missing argument/);
    expect(() => parseArgs(['a', 'b', 'c'], cmd)).toThrow(/unexpected argument "c"/);
  });
});
