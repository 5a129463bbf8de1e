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
