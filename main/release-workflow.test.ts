import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { load } = require('js-yaml') as { load(text: string): any };
const wf = load(readFileSync(path.resolve(__dirname, '../.github/workflows/release.yml'), 'utf8'));

describe('release workflow', () => {
  it('runs on version tags', () => {
    expect(wf.on.push.tags).toEqual(['v*']);
  });
  it('builds installers on Linux, Windows and macOS runners', () => {
    const matrix = wf.jobs.installers.strategy.matrix.include as { os: string; target: string }[];
    expect(matrix.map((m) => m.target).sort()).toEqual(['--linux', '--mac', '--win']);
    expect(matrix.map((m) => m.os).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    const steps = wf.jobs.installers.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(steps).toContain('npm ci');
    expect(steps).toMatch(/npm run build && npx electron-builder \$\{\{ matrix\.target \}\}/);
  });
  it('publishes the installers to a release only for tags', () => {
    expect(wf.jobs.publish.needs).toBe('installers');
    expect(wf.jobs.publish.if).toContain('refs/tags/v');
  });
});
