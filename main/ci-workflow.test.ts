import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '@action-validator/core';

const require = createRequire(import.meta.url);
const { load } = require('js-yaml') as { load(text: string): any };
const ROOT = path.resolve(__dirname, '..');
const text = readFileSync(path.join(ROOT, '.github/workflows/ci.yml'), 'utf8');
const wf = load(text);

/**
 * The CI workflow for where Electron runs cannot run here (no Electron binary, no GitHub): it is
 * checked against GitHub's workflow schema (@action-validator/core, offline) and for what it must do.
 */
describe('CI workflow (.github/workflows/ci.yml)', () => {
  it('is a valid GitHub Actions workflow (schema check, offline)', () => {
    const state = validateWorkflow(text);
    expect(state.errors).toEqual([]);
    // …and the check does catch a broken one.
    expect(validateWorkflow(text.replace('runs-on:', 'runs-onn:')).errors.length).toBeGreaterThan(0);
  });

  it('tests on Linux (under xvfb-run), Windows and macOS with the real Electron binary, then packages and launches the app', () => {
    expect(wf.jobs.test.strategy.matrix.os.sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    const runs = wf.jobs.test.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    expect(runs).toContain('xvfb-run -a npm test');
    expect(runs).toContain('npx electron-builder --dir');
    expect(runs).toContain('node scripts/launch-packaged.mjs release');
  });

  it('runs the Electron end-to-end specs on every OS and fails, not skips, where Electron cannot run', () => {
    // `npm test` is vitest run, whose files include e2e/desktop.e2e.ts…
    const vitestConfig = readFileSync(path.join(ROOT, 'vitest.config.ts'), 'utf8');
    expect(vitestConfig).toContain("'e2e/**/*.e2e.ts'");
    const steps: { run?: string; if?: string }[] = wf.jobs.test.steps;
    const test = steps.filter((s) => /\bnpm test\b/.test(s.run ?? ''));
    expect(test.map((s) => s.if).sort()).toEqual(["runner.os != 'Linux'", "runner.os == 'Linux'"]);
    // …and the spec fails when it would skip (no Electron binary, no build, no display).
    expect(wf.jobs.test.env.CNN_STUDIO_REQUIRE_ELECTRON).toBe('1');
    expect(readFileSync(path.join(ROOT, 'e2e/desktop.e2e.ts'), 'utf8')).toContain('process.env.CNN_STUDIO_REQUIRE_ELECTRON');
    // Ubuntu 24.04 runners: Chromium's sandbox needs unprivileged user namespaces, allowed before the tests.
    const sysctl = steps.findIndex((s) => (s.run ?? '').includes('kernel.apparmor_restrict_unprivileged_userns=0'));
    expect(sysctl).toBeGreaterThanOrEqual(0);
    expect(steps[sysctl]!.if).toBe("runner.os == 'Linux'");
    expect(sysctl).toBeLessThan(steps.indexOf(test[0]!));
  });
});
