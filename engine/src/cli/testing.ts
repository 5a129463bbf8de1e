import type { CliIO } from './command';
import { readCliFile, runCli } from './index';

/** Run the CLI in-process, capturing what it prints: for command tests. */
export async function runCliCaptured(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readFile: readCliFile };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/**
 * The `cnn-studio` bin as shipped (dist/cli/cnn-studio.mjs, package.json "bin"), built first when
 * missing or older than its sources: for tests that run the CLI as a child process.
 */
export async function builtCli(): Promise<string> {
  const build = (await import('../../../scripts/build.mjs' as string)) as { ensureCliBuilt(): Promise<string> };
  return build.ensureCliBuilt();
}
